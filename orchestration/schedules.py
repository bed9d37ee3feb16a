"""Schedules. The monthly retention purge: 03:00 UTC on the 1st, keeping personal data
for $KPI_RETAIN_DAYS days (365 when unset; read when the code location loads)."""

import dagster as dg

from orchestration.jobs import purge_personal_data_job
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

schedules = [monthly_purge_schedule, quarterly_validation_schedule]
