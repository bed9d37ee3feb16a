"""The code location loads, and lineage runs from each landing folder to the marts."""

import dagster as dg
import pytest

from orchestration.ingest.registry import REGISTRY


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
