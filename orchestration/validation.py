"""The quarterly reconciliation (kpi-definitions.md §8): `validation_quarterly_job`, one
partition per calendar quarter, and its schedule on the first day of the next quarter.

Each run validates that quarter's rows against every Great Expectations suite (marts and
reconciliations), appends the results to `audit.validation_runs`, reports each suite as
its asset check `gx_<suite>` (orchestration/checks.py) and fails when a check has
severity ERROR.
"""

import datetime as dt
from pathlib import Path

import dagster as dg

from orchestration.jobs import WRITER_TAGS
from orchestration.resources import WarehouseResource

# One partition per calendar quarter (UTC reporting time zone), keyed by its first day
# (`2026-04-01` is 2026Q2); the schedule runs each quarter once it has ended.
quarterly_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1,4,7,10 *",
    fmt="%Y-%m-%d",
    start="2024-01-01",
    timezone="UTC",
)


def quarter_label(partition_key: str) -> str:
    """`2026-04-01` -> `2026Q2`."""
    from expectations.validate import quarter_of

    return quarter_of(dt.date.fromisoformat(partition_key))


def previous_quarter_partition(day: dt.date) -> str:
    """The partition key of the last quarter that ended on or before ``day``."""
    start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    previous = (
        dt.date(start.year - 1, 10, 1) if start.month == 1 else start.replace(month=start.month - 3)
    )
    return previous.isoformat()


@dg.op(
    out=dg.Out(str),
    description=(
        "Validate one quarter's rows against every Great Expectations suite (marts and "
        "the §8 reconciliations), append the results to audit.validation_runs and report "
        "each suite as its asset check; fails when a check has severity ERROR."
    ),
)
def validate_quarter(context: dg.OpExecutionContext, warehouse: WarehouseResource):
    from expectations.audit import record_run
    from expectations.validate import format_report, run_validation
    from orchestration.checks import evaluations

    quarter = quarter_label(context.partition_key)
    path = Path(warehouse.warehouse_path)
    report = run_validation(path, quarter=quarter)
    run_id = record_run(path, report)
    context.log.info(f"audit run {run_id}\n{format_report(report)}")
    errors = []
    for evaluation in evaluations(report, run_id):
        context.log_event(evaluation)
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            errors.append(evaluation.check_name)
    # The output flushes the logged check evaluations before the step may fail.
    yield dg.Output(run_id, metadata={"quarter": quarter, "audit_run_id": run_id})
    if errors:
        raise dg.Failure(
            description=f"{quarter}: {len(errors)} check(s) failed with severity ERROR: "
            f"{', '.join(errors)} (audit run {run_id})",
            metadata={"quarter": quarter, "audit_run_id": run_id},
        )


@dg.job(
    partitions_def=quarterly_partitions,
    description=(
        "Quarterly reconciliation (kpi-definitions.md §8): the quarter's rows of every mart "
        "and reconciliation suite, recorded in the audit.validation_runs hash chain."
    ),
    executor_def=dg.in_process_executor,
    # It appends to audit.validation_runs: a warehouse writer, one at a time in the run queue.
    tags=WRITER_TAGS,
)
def validation_quarterly_job() -> None:
    validate_quarter()


# The quarter that just ended, validated on the 1st of the next quarter at 04:00 UTC
# (after the night's loads); a late load is re-validated by re-running the partition.
@dg.schedule(
    name="quarterly_validation",
    job=validation_quarterly_job,
    cron_schedule="0 4 1 1,4,7,10 *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Quarterly reconciliation of the quarter just ended (audit.validation_runs).",
)
def quarterly_validation_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    partition_key = previous_quarter_partition(context.scheduled_execution_time.date())
    return dg.RunRequest(run_key=partition_key, partition_key=partition_key)
