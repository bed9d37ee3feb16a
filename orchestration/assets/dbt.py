"""The dbt project as Dagster assets; dbt data tests surface as asset checks.

Sources carry `meta.dagster.asset_key` = the ingest asset that fills them (`raw/<table>`),
so lineage runs from each landing folder to the marts.
"""

import shutil
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource
from dagster_dbt import dbt_assets as dbt_assets_decorator

from orchestration.resources import WarehouseResource, dbt_project

translator = DagsterDbtTranslator(
    settings=DagsterDbtTranslatorSettings(
        enable_asset_checks=True,
        enable_source_tests_as_checks=True,
    )
)


class DbtBuildConfig(dg.Config):
    """`full_refresh`: rebuild the incremental models from all of raw (`make run
    FULL_REFRESH=1`); by default they process only what arrived since their last build."""

    full_refresh: bool = False


@dbt_assets_decorator(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    name="dbt_models",
)
def dbt_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
):
    """`dbt build` of the selected models: seeds, models, unit and data tests. The
    `warehouse` resource holds the writer lock while dbt writes the file."""
    args = ["build", *(["--full-refresh"] if config.full_refresh else [])]
    invocation = dbt.cli(args, context=context)
    yield from invocation.stream()
    _keep_last_run_artifacts(Path(invocation.target_path))


def _keep_last_run_artifacts(run_target: Path) -> None:
    """dagster-dbt writes each run to its own `target/<run>/`: keep the latest run's
    manifest and run results under `target/last_run/` and drop the per-run folder."""
    last_run = run_target.parent / "last_run"
    last_run.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.json", "run_results.json"):
        if (run_target / name).exists():
            shutil.copy2(run_target / name, last_run / name)
    shutil.rmtree(run_target, ignore_errors=True)
