"""The dbt project as Dagster assets; dbt data tests surface as asset checks.

Sources carry `meta.dagster.asset_key` = the ingest asset that fills them (`raw/<table>`),
so lineage runs from each landing folder to the marts.
"""

import importlib
import json
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource
from dagster_dbt import dbt_assets as dbt_assets_decorator

from orchestration.build_plan import (
    FULL,
    built_raw_tables,
    forget_builds,
    ledger_watermarks,
    plan_build,
    project_fingerprint,
    record_build,
)
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
    """`dbt build` of the selected models: seeds, models, data tests, and the unit tests
    when the dbt project is built for the first time in this warehouse; `--full-refresh`
    when asked or when the project changed since the last build (orchestration/
    build_plan.py). Afterwards each raw table whose every downstream model was built is
    marked built through its newest load. The `warehouse` resource holds the writer lock
    while dbt writes the file."""
    path = warehouse.warehouse_path
    fingerprint = project_fingerprint()
    with _connect(path, read_only=True) as con:
        plan = plan_build(con, full_refresh=config.full_refresh, fingerprint=fingerprint)
        watermarks = ledger_watermarks(con) if con is not None else {}
    args = ["build", *(["--full-refresh"] if plan.full_refresh else [])]
    if plan.kind == FULL:
        # New code: nothing is built with it yet, a failed build leaves a full plan.
        with _connect(path, read_only=False) as con:
            forget_builds(con)
    else:
        # dbt's advice for production runs: unit tests check code, not data; they ran
        # when this project was first built here (and in `make test`).
        context.log.info("dbt project unchanged since its last build: unit tests skipped")
        args += ["--exclude-resource-type", "unit_test"]
    invocation = dbt.cli(args, context=context)
    _import_great_expectations_meanwhile()
    yield from invocation.stream()
    target = Path(invocation.target_path)
    built = _built_models(target / "run_results.json")
    manifest = json.loads((target / "manifest.json").read_text())
    with _connect(path, read_only=False) as con:
        record_build(
            con,
            built_raw_tables(manifest, built),
            watermarks,
            fingerprint,
            context.run_id,
        )
    _keep_last_run_artifacts(target)


def _import_great_expectations_meanwhile() -> None:
    """Import Great Expectations (seconds of CPU) in a thread while this process only waits
    for the dbt process: the validation step after dbt then finds it imported, or waits
    for the import to finish. Started any earlier, it slows the run's start and the ingest,
    which need this process's CPU."""
    if "great_expectations" not in sys.modules:
        threading.Thread(
            target=importlib.import_module, args=("great_expectations",), daemon=True
        ).start()


@contextmanager
def _connect(path: str, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """The warehouse, None when a read finds no file yet."""
    if read_only and not Path(path).exists():
        yield None
        return
    con = duckdb.connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def _built_models(run_results: Path) -> set[str]:
    results = json.loads(run_results.read_text())["results"]
    return {
        result["unique_id"]
        for result in results
        if result["unique_id"].startswith("model.") and result["status"] == "success"
    }


def _keep_last_run_artifacts(run_target: Path) -> None:
    """dagster-dbt writes each run to its own `target/<run>/`: keep the latest run's
    manifest and run results under `target/last_run/` and drop the per-run folder."""
    last_run = run_target.parent / "last_run"
    last_run.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.json", "run_results.json"):
        if (run_target / name).exists():
            shutil.copy2(run_target / name, last_run / name)
    shutil.rmtree(run_target, ignore_errors=True)
