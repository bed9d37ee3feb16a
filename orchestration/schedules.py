"""Schedules. The monthly retention purge: 03:00 UTC on the 1st, keeping personal data
for $KPI_RETAIN_DAYS days (365 when unset; read when the code location loads)."""

import dagster as dg

from orchestration.jobs import (
    previous_quarter_partition,
    purge_personal_data_job,
    validation_quarterly_job,
)
from orchestration.privacy.purge import default_retain_days

monthly_purge_schedule = dg.ScheduleDefinition(
    name="monthly_personal_data_purge",
    job=purge_personal_data_job,
    cron_schedule="0 3 1 * *",
    execution_timezone="UTC",
    run_config={"ops": {"purge_personal_data": {"config": {"retain_days": default_retain_days()}}}},
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Monthly retention purge of personal fields in raw (audit.purge_log).",
)


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


schedules = [monthly_purge_schedule, quarterly_validation_schedule]
