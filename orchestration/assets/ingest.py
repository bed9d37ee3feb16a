"""One Dagster asset per raw table, all filled by one op so that one process writes the
DuckDB file at a time. The work is plain Python in `orchestration/ingest/`."""

import time
from pathlib import Path

import dagster as dg

from orchestration.ingest.loader import FileResult, connect, ingest
from orchestration.ingest.registry import REGISTRY
from orchestration.resources import WarehouseResource

RAW_KEY_PREFIX = "raw"


def raw_asset_key(raw_table: str) -> dg.AssetKey:
    return dg.AssetKey([RAW_KEY_PREFIX, raw_table])


@dg.multi_asset(
    name="ingest_landing",
    specs=[
        dg.AssetSpec(
            raw_asset_key(spec.raw_table),
            description=f"{spec.description} Landing folder `{spec.folder}/`.",
            group_name="raw",
            kinds={"duckdb", "python"},
            metadata={"landing_folder": spec.folder},
        )
        for spec in REGISTRY
    ],
    can_subset=True,
)
def ingest_landing(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Load new landing files (by the ledger) into `raw.<tool>__<entity>`."""
    selected = {key.path[-1] for key in context.selected_asset_keys}
    specs = [spec for spec in REGISTRY if spec.raw_table in selected]

    started = time.monotonic()
    loaded = {"records": 0}

    def progress(done: int, total: int, result: FileResult) -> None:
        loaded["records"] += result.records
        rate = loaded["records"] / max(time.monotonic() - started, 1e-3)
        # A file the ledger already has is a debug line: a day's run lists its new files.
        log = context.log.debug if result.status == "skipped" else context.log.info
        log(
            f"[{done}/{total} files, {loaded['records']} records, {rate:,.0f} rows/s] "
            f"{result.path}: {result.status} "
            f"({result.records} records, {result.rejected} rejected) {result.message}"
        )

    con = connect(warehouse.warehouse_path)
    try:
        summary = ingest(con, Path(warehouse.landing_dir), specs, progress=progress)
    finally:
        con.close()

    for path in summary.unknown_files:
        context.log.warning(f"no parser for {path}: not a registered landing folder")
    for spec in specs:
        results = [result for result in summary.files if result.raw_table == spec.raw_table]
        yield dg.MaterializeResult(
            asset_key=raw_asset_key(spec.raw_table),
            metadata={
                "files_loaded": sum(result.status in ("loaded", "partial") for result in results),
                "files_skipped": sum(result.status == "skipped" for result in results),
                "files_rejected": sum(result.status == "rejected" for result in results),
                "records_loaded": sum(result.records for result in results),
                "records_rejected": sum(result.rejected for result in results),
            },
        )
    if summary.errors:
        failed = "; ".join(f"{result.path}: {result.message}" for result in summary.errors)
        raise dg.Failure(description=f"{len(summary.errors)} file(s) failed to load: {failed}")
