"""One Dagster asset per raw table, all filled by one op so that one process writes the
DuckDB file at a time. The work is plain Python in `orchestration/ingest/`."""

import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from orchestration.ingest.loader import FileResult, connect, ingest
from orchestration.ingest.registry import REGISTRY
from orchestration.resources import WarehouseResource

RAW_KEY_PREFIX = "raw"


def raw_asset_key(raw_table: str) -> dg.AssetKey:
    return dg.AssetKey([RAW_KEY_PREFIX, raw_table])


class ProgressLog:
    """The ingest step's progress lines: `[done/total files, records, rows/s] <file>:
    <status> (...)`. A file with rejections is always logged, as a warning; a loaded file
    at most once every `every_seconds`, and the last file always. Files the ledger already
    has are only counted: each Dagster log line is an event in the run's log (~1.4 ms), so
    listing the 115,000 already-loaded files of a large landing folder would cost minutes
    of a run that loads 1% more."""

    def __init__(
        self,
        info: Callable[[str], object],
        warning: Callable[[str], object],
        every_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._info, self._warning, self._every, self._clock = info, warning, every_seconds, clock
        self._started = clock()
        self._last_line: float | None = None
        self.records = 0

    def __call__(self, done: int, total: int, result: FileResult) -> None:
        self.records += result.records
        now = self._clock()
        if result.rejected or result.status in ("rejected", "error"):
            log = self._warning
        elif done == total or (
            result.status != "skipped"
            and (self._last_line is None or now - self._last_line >= self._every)
        ):
            log = self._info
        else:
            return
        self._last_line = now
        rate = self.records / max(now - self._started, 1e-3)
        log(
            f"[{done}/{total} files, {self.records} records, {rate:,.0f} rows/s] "
            f"{result.path}: {result.status} "
            f"({result.records} records, {result.rejected} rejected) {result.message}"
        )


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

    progress = ProgressLog(info=context.log.info, warning=context.log.warning)

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
