import dagster as dg

from orchestration.assets.dbt import dbt_models
from orchestration.assets.finance import finance_service_credit_export
from orchestration.assets.ingest import ingest_landing
from orchestration.assets.reports import report_assets
from orchestration.checks import expectation_checks
from orchestration.jobs import kpi_pipeline_job, purge_personal_data_job
from orchestration.resources import build_resources
from orchestration.schedules import schedules
from orchestration.sensors import sensors

defs = dg.Definitions(
    assets=[ingest_landing, dbt_models, finance_service_credit_export, *report_assets],
    asset_checks=[*expectation_checks],
    jobs=[kpi_pipeline_job, purge_personal_data_job],
    schedules=[*schedules],
    sensors=[*sensors],
    resources=build_resources(),
    executor=dg.in_process_executor,
)
