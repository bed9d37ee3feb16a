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


# -- operations (issue 10): schedules, the landing sensor, the run queue ------------------
@pytest.mark.parametrize(
    ("name", "cron", "target"),
    [
        ("daily_ingest_and_build", "0 5 * * *", None),
        ("weekly_team_report_schedule", "0 7 * * 1", "weekly_team_report"),
        ("monthly_department_report_schedule", "0 7 1 * *", "monthly_department_report"),
        ("quarterly_executive_report_schedule", "0 7 1 1,4,7,10 *", "quarterly_executive_report"),
        ("monthly_personal_data_purge", "0 3 1 * *", None),
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
