"""The landing sensor: dropping an export into `KPI_LANDING_DIR` is enough.

Each tick lists the files under the registered landing folders and compares them with the
ingest ledger (`raw.ingest_files`) by content, exactly as ingest does (a file's SHA-256
within its folder; `orchestration/ingest/loader.py`), never by modification time: a file
touched but unchanged is not new, a file replaced under the same name is.

The run it asks for is planned like `make run`'s (orchestration/build_plan.py): the ingest
of the new files' raw tables and everything downstream of them, or the whole job when the
dbt project changed since the last build.

Exactly once per new file: the cursor keeps the files already requested and not yet in
the ledger, so a file is asked for once even while its run waits in the queue; a file
leaves the cursor once the ledger has it. The sensor reads the ledger under the warehouse
writer lock (orchestration/writer_lock.py) and skips the tick while a run is writing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import settings
from orchestration.build_plan import asset_selection, plan_for_tables
from orchestration.ingest.loader import LEDGER, _identity, discover, file_sha256
from orchestration.ingest.registry import REGISTRY
from orchestration.jobs import WRITER_TAGS, kpi_pipeline_job
from orchestration.writer_lock import WarehouseBusy, warehouse_writer

SENSOR_INTERVAL_SECONDS = 120


@dataclass(frozen=True)
class LandingScan:
    new: dict[str, str]  # identity key -> file path (relative to the landing folder)
    ledgered: set[str]  # identity keys already in the ledger
    new_tables: frozenset[str] = frozenset()  # the raw tables the new files load into
    found: int = 0  # landing files in registered folders


def _key(identity: tuple[str, ...]) -> str:
    return "|".join(identity)


def ledger_identities(warehouse: Path) -> set[str]:
    """The identity of every ledgered file; empty when the warehouse does not exist yet."""
    if not warehouse.exists():
        return set()
    by_folder = {spec.folder: spec for spec in REGISTRY}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'ingest_files'"
        ).fetchone()[0]
        if not exists:
            return set()
        rows = con.execute(f"select file_sha256, source_folder, file_path from {LEDGER}").fetchall()
    finally:
        con.close()
    return {
        _key(_identity(by_folder[folder], rel, sha))
        for sha, folder, rel in rows
        if folder in by_folder
    }


def scan_landing(landing: Path, warehouse: Path) -> LandingScan:
    """The landing files whose content the ledger does not have."""
    ledgered = ledger_identities(warehouse)
    found, _unknown = discover(landing, REGISTRY)
    new: dict[str, str] = {}
    tables: set[str] = set()
    for spec, path in found:
        rel = path.relative_to(landing).as_posix()
        key = _key(_identity(spec, rel, file_sha256(path)))
        if key not in ledgered:
            new.setdefault(key, rel)
            tables.add(spec.raw_table)
    return LandingScan(new=new, ledgered=ledgered, new_tables=frozenset(tables), found=len(found))


def evaluate_landing(
    landing: Path, warehouse: Path, cursor: str | None
) -> tuple[dg.RunRequest | dg.SkipReason, str]:
    """One tick: a run request for the files neither ledgered nor already requested, and
    the next cursor (the requested files the ledger does not have yet)."""
    requested: set[str] = set(json.loads(cursor)) if cursor else set()
    try:
        with warehouse_writer(warehouse, command="landing sensor", wait_seconds=0):
            scan = scan_landing(landing, warehouse)
            plan = plan_for_tables(warehouse, scan.new_tables)
    except WarehouseBusy as busy:
        return dg.SkipReason(f"warehouse busy, next tick: {busy}"), cursor or "[]"
    still_pending = {key for key in requested if key not in scan.ledgered}
    fresh = {key: rel for key, rel in scan.new.items() if key not in still_pending}
    next_cursor = json.dumps(sorted(still_pending | set(fresh)))
    if not fresh:
        waiting = f"; {len(still_pending)} requested, not loaded yet" if still_pending else ""
        return dg.SkipReason(f"no new landing files{waiting}"), next_cursor
    paths = sorted(fresh.values())
    run_key = hashlib.sha256("\n".join(sorted(fresh)).encode()).hexdigest()[:32]
    # The new files' raw tables and everything downstream of them; the whole job when the
    # dbt project changed or nothing is built yet (orchestration/build_plan.py).
    request = dg.RunRequest(
        run_key=run_key,
        tags={**WRITER_TAGS, "kpi/new_files": str(len(paths)), "kpi/plan": plan.kind},
        asset_selection=asset_selection(plan),
    )
    return request, next_cursor


@dg.sensor(
    name="landing_sensor",
    job=kpi_pipeline_job,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Launches ingest + build when files the ledger has not seen (by content) land in "
        "KPI_LANDING_DIR; each new file is requested once."
    ),
)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    landing, warehouse = settings.landing_dir(), settings.warehouse_path()
    outcome, cursor = evaluate_landing(landing, warehouse, context.cursor)
    if isinstance(outcome, dg.SkipReason):
        return dg.SensorResult(skip_reason=outcome, cursor=cursor)
    context.log.info(f"{outcome.tags.get('kpi/new_files')} new landing file(s)")
    return dg.SensorResult(run_requests=[outcome], cursor=cursor)


sensors = [landing_sensor]
