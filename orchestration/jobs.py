"""Jobs. `kpi_pipeline_job` is what `make run` executes: ingest -> dbt build -> validation.
`purge_personal_data_job` is the retention purge (`make purge`, monthly schedule).
`validation_quarterly_job` validates one quarter (partition) and records it in the audit."""

import datetime as dt
from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration.privacy.purge import default_retain_days
from orchestration.resources import WarehouseResource

kpi_pipeline_job = dg.define_asset_job(
    name="kpi_pipeline_job",
    selection=dg.AssetSelection.all(),
    description=(
        "Ingest new landing files into raw, dbt build (seeds, models, unit and data tests), "
        "then Great Expectations validation of the marts."
    ),
    # One DuckDB writer at a time: steps run one after another in one process.
    executor_def=dg.in_process_executor,
)


class RetentionConfig(dg.Config):
    """How long personal data stays in raw (days); default $KPI_RETAIN_DAYS or 365."""

    retain_days: int = Field(default_factory=default_retain_days)


@dg.op(
    description=(
        "Replace the personal fields of raw records older than the retention period by their "
        "key (orchestration/privacy/purge.py); logged to audit.purge_log."
    ),
)
def purge_personal_data(
    context: dg.OpExecutionContext, config: RetentionConfig, warehouse: WarehouseResource
) -> dg.Output[int]:
    from orchestration.ingest.loader import connect
    from orchestration.privacy.purge import purge

    con = connect(warehouse.warehouse_path)
    try:
        result = purge(con, config.retain_days)
    finally:
        con.close()
    context.log.info(
        f"purge {result.purge_id}: {result.fields_purged} fields in {result.records_purged} "
        f"records older than {result.cutoff_at:%Y-%m-%d} ({result.retain_days} days)"
    )
    if result.key_source != "env":
        context.log.warning("samples-only HMAC key in use: set KPI_PII_HMAC_KEY for real data")
    return dg.Output(
        result.records_purged,
        metadata={
            "purge_id": result.purge_id,
            "retain_days": result.retain_days,
            "cutoff_at": result.cutoff_at.isoformat(sep=" "),
            "records_purged": result.records_purged,
            "fields_purged": result.fields_purged,
        },
    )


@dg.job(
    description=(
        "Retention: personal fields of raw records older than the period become their key; "
        "marts are unchanged (no rebuild needed)."
    ),
    executor_def=dg.in_process_executor,
)
def purge_personal_data_job() -> None:
    purge_personal_data()


# --------------------------------------------------------------------------- validation

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
)
def validation_quarterly_job() -> None:
    validate_quarter()
