"""Schedules. The quarterly reconciliation (orchestration/validation.py) on the 1st of each
quarter at 04:00 UTC. The monthly retention purge: 03:00 UTC on the 1st, keeping personal data
for $KPI_RETAIN_DAYS days (365 when unset; read when the code location loads).

The reporting cadence of the business (times UTC): ingest + build daily at 05:00 (what is
downstream of new rows, orchestration/build_plan.py; skipped when nothing is new); the
weekly team report on Mondays, the monthly department report on the 1st and the
quarterly executive report on the 1st of January, April, July and October, each at 07:00,
after the day's build. Every run carries the warehouse tag, so the run queue starts one
at a time (orchestration/dagster.yaml)."""

import dagster as dg

from orchestration import settings
from orchestration.jobs import WRITER_TAGS, kpi_pipeline_job, purge_personal_data_job
from orchestration.privacy.purge import default_retain_days
from orchestration.validation import quarterly_validation_schedule

monthly_purge_schedule = dg.ScheduleDefinition(
    name="monthly_personal_data_purge",
    job=purge_personal_data_job,
    cron_schedule="0 3 1 * *",
    execution_timezone="UTC",
    run_config={"ops": {"purge_personal_data": {"config": {"retain_days": default_retain_days()}}}},
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Monthly retention purge of personal fields in raw (audit.purge_log).",
)


@dg.schedule(
    name="daily_ingest_and_build",
    job=kpi_pipeline_job,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags=WRITER_TAGS,
    description=(
        "Daily: ingest the landing files the ledger has not seen and build what lies "
        "downstream of new rows (orchestration/build_plan.py), validation; skipped when "
        "nothing is new."
    ),
)
def daily_pipeline_schedule(context: dg.ScheduleEvaluationContext):
    """The run `make run` would do now: planned from the ledger and the landing folder.
    While another run writes the warehouse the plan cannot be read: the whole job is
    queued behind it (the run queue starts it when the writer is done)."""
    from orchestration.build_plan import NOTHING, asset_selection, plan_for_run
    from orchestration.writer_lock import WarehouseBusy, warehouse_writer

    landing, warehouse = settings.landing_dir(), settings.warehouse_path()
    try:
        with warehouse_writer(warehouse, command="daily schedule", wait_seconds=0):
            plan, _scan = plan_for_run(landing, warehouse)
    except WarehouseBusy:
        return dg.RunRequest(tags={**WRITER_TAGS, "kpi/plan": "full"})
    if plan.kind == NOTHING:
        return dg.SkipReason(f"nothing to build: {plan.reason}")
    return dg.RunRequest(
        tags={**WRITER_TAGS, "kpi/plan": plan.kind}, asset_selection=asset_selection(plan)
    )


def _report_schedule(name: str, asset: str, cron: str, cadence: str) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name=name,
        target=dg.AssetSelection.assets(asset),
        cron_schedule=cron,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        tags=WRITER_TAGS,
        description=f"{cadence}: materialise `{asset}` from the marts.",
    )


weekly_team_report_schedule = _report_schedule(
    "weekly_team_report_schedule", "weekly_team_report", "0 7 * * 1", "Mondays 07:00"
)
monthly_department_report_schedule = _report_schedule(
    "monthly_department_report_schedule", "monthly_department_report", "0 7 1 * *", "Monthly"
)
quarterly_executive_report_schedule = _report_schedule(
    "quarterly_executive_report_schedule",
    "quarterly_executive_report",
    "0 7 1 1,4,7,10 *",
    "Quarterly",
)

schedules = [
    monthly_purge_schedule,
    quarterly_validation_schedule,
    daily_pipeline_schedule,
    weekly_team_report_schedule,
    monthly_department_report_schedule,
    quarterly_executive_report_schedule,
]
