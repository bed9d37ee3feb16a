"""The code location loads, and lineage runs from each landing folder to the marts."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.ingest.registry import REGISTRY
from orchestration_tests.conftest import PROJECT_ROOT


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from orchestration.resources import dbt_project

    dbt_project.preparer.prepare(dbt_project)
    from orchestration.definitions import defs as definitions

    return definitions


def test_every_raw_table_is_an_ingest_asset(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {f"raw/{spec.raw_table}" for spec in REGISTRY} <= keys


def test_staging_models_depend_on_their_ingest_assets(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey(["staging", "stg_pagerduty__incidents"])).parent_keys
    assert parents == {dg.AssetKey(["raw", "pagerduty__incidents"])}
    mart_parents = graph.get(dg.AssetKey(["marts", "kpi_incident_response"])).parent_keys
    assert dg.AssetKey(["marts", "fct_incidents"]) in mart_parents


def test_dbt_tests_and_expectations_are_asset_checks(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    assert ("marts/fct_incidents", "gx_fct_incidents") in checks
    assert ("marts/fct_incidents", "unique_fct_incidents_incident_id") in checks


def test_pipeline_job_runs_in_one_process(defs: dg.Definitions) -> None:
    job = defs.resolve_job_def("kpi_pipeline_job")
    assert job.executor_def is dg.in_process_executor


def test_the_retention_purge_runs_monthly(defs: dg.Definitions) -> None:
    schedule = defs.resolve_schedule_def("monthly_personal_data_purge")
    assert schedule.cron_schedule == "0 3 1 * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.job_name == "purge_personal_data_job"
    job = defs.resolve_job_def("purge_personal_data_job")
    assert job.executor_def is dg.in_process_executor


def test_every_suite_is_an_asset_check(defs: dg.Definitions) -> None:
    from expectations.suites import SUITES

    graph = defs.resolve_asset_graph()
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    assert ("marts/fct_deployments", "gx_recon_deployments_vs_changes") in checks
    assert ("marts/fct_service_credits", "gx_recon_credits_vs_billing") in checks
    assert ("raw/pagerduty__incidents", "gx_recon_raw_to_staging") in checks
    assert {name for _, name in checks} >= {f"gx_{name}" for name in SUITES}


def test_validation_runs_quarterly_on_the_first_day_of_the_next_quarter(
    defs: dg.Definitions,
) -> None:
    import datetime as dt

    from orchestration.validation import previous_quarter_partition, quarter_label

    job = defs.resolve_job_def("validation_quarterly_job")
    assert job.executor_def is dg.in_process_executor
    keys = job.partitions_def.get_partition_keys(current_time=dt.datetime(2025, 1, 2))
    # Quarters from 2024Q1 up to the last complete one before 2025-01-02.
    assert keys == ["2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01"]
    assert [quarter_label(key) for key in keys] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]

    schedule = defs.resolve_schedule_def("quarterly_validation")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 4 1 1,4,7,10 *", "UTC")
    assert schedule.job_name == "validation_quarterly_job"
    assert previous_quarter_partition(dt.date(2026, 7, 1)) == "2026-04-01"  # 2026Q2
    assert previous_quarter_partition(dt.date(2026, 1, 1)) == "2025-10-01"  # 2025Q4
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 10, 1, 4, 0, tzinfo=dt.UTC)
    )
    request = schedule(context)  # the decorated function, invoked directly
    assert request.partition_key == "2026-07-01"  # 2026Q3, the quarter just ended


# -- operations (issue 10): schedules, the landing sensor, the run queue ------------------
@pytest.mark.parametrize(
    ("name", "cron", "target"),
    [
        ("daily_ingest_and_build", "0 5 * * *", None),
        ("weekly_team_report_schedule", "0 7 * * 1", "weekly_team_report"),
        ("monthly_department_report_schedule", "0 7 1 * *", "monthly_department_report"),
        ("quarterly_executive_report_schedule", "0 7 1 1,4,7,10 *", "quarterly_executive_report"),
        ("monthly_personal_data_purge", "0 3 1 * *", None),
        ("quarterly_validation", "0 4 1 1,4,7,10 *", None),
    ],
)
def test_schedules_load_with_their_cadence(
    defs: dg.Definitions, name: str, cron: str, target: str | None
) -> None:
    schedule = defs.resolve_schedule_def(name)
    assert schedule.cron_schedule == cron
    assert schedule.execution_timezone == "UTC"
    job = defs.resolve_job_def(schedule.job_name)
    # Every warehouse run is tagged for the run queue (by its job or its schedule).
    assert {**job.tags, **schedule.tags}["kpi/warehouse"] == "writer"
    if target is not None:
        assert job.asset_layer.selected_asset_keys == {dg.AssetKey(target)}


def test_the_daily_job_builds_everything_but_the_reports(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    for name in ("weekly_team_report", "monthly_department_report", "quarterly_executive_report"):
        assert graph.get(dg.AssetKey(name)).group_name == "reports"
    job = defs.resolve_job_def("kpi_pipeline_job")
    selected = job.asset_layer.selected_asset_keys
    assert dg.AssetKey(["marts", "fct_tickets"]) in selected
    assert dg.AssetKey("weekly_team_report") not in selected
    assert defs.resolve_schedule_def("daily_ingest_and_build").job_name == "kpi_pipeline_job"


def test_the_landing_sensor_loads_and_launches_the_pipeline(defs: dg.Definitions) -> None:
    sensor = defs.resolve_sensor_def("landing_sensor")
    assert sensor.job_name == "kpi_pipeline_job"


def test_the_run_queue_starts_one_warehouse_run_at_a_time(tmp_path: Path) -> None:
    shutil.copy2(PROJECT_ROOT / "orchestration" / "dagster.yaml", tmp_path / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    finally:
        instance.dispose()
    assert {"key": "kpi/warehouse", "value": "writer", "limit": 1} in limits
