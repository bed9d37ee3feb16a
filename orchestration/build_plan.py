"""What a run must rebuild: the dbt models downstream of the raw tables that received rows
since they were last built, or everything when the dbt project changed.

The marts are a function of raw, the seeds and the dbt project alone (no model reads the
clock), so a model whose inputs did not change does not need to run again. Each raw table
remembers, in `audit.dbt_build_state`, the newest ledger load (`raw.ingest_files.loaded_at`)
that a successful dbt build carried through to every model downstream of it, and the
fingerprint of the dbt project that build ran. A run then plans:

- **full**: no build yet, `FULL_REFRESH=1`, or the dbt project (models, macros, seeds,
  tests, `dbt_project.yml`, the dbt version, the PII key the models read) differs from
  the one a table was built with.
  Every model and the dbt unit tests, since the code is new; after a change (or when
  asked) with `--full-refresh`, since an incremental model cannot see changed code or
  seeds in its new rows;
- **changed**: the raw tables with files loaded after their `built_through`, plus those with
  landing files the ledger has not seen yet. The run selects their ingest assets and
  everything downstream (models, data tests as checks, GX suites, the finance export); the
  dbt unit tests ran when this code was last built and are not repeated;
- **nothing**: no new rows anywhere and the same project: the marts are up to date.

`record_build` (called by the dbt asset after a successful `dbt build`) marks a raw table
built only when every model downstream of it ran, so a partial build from the Dagster UI
never hides rows from the next plan.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration import settings
from orchestration.ingest.loader import LEDGER
from orchestration.ingest.registry import REGISTRY

if TYPE_CHECKING:
    from dagster import AssetKey
    from dagster_dbt import DbtProject

    from orchestration.sensors import LandingScan

STATE_TABLE = "audit.dbt_build_state"
STATE_DDL = f"""
create table if not exists {STATE_TABLE} (
    raw_table varchar primary key,
    built_through timestamp,
    project_fingerprint varchar not null,
    built_at timestamp not null,
    dagster_run_id varchar
)
"""
# What the marts are computed from besides raw: a change here can change any model.
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "seeds", "tests", "snapshots")
# Environment the models read (macros/privacy/personal_data_key.sql): a new HMAC key gives
# every person new keys. Only a digest of their values enters the fingerprint.
MODEL_ENVIRONMENT = ("KPI_PII_HMAC_KEY", "KPI_ENV")

FULL, CHANGED, NOTHING = "full", "changed", "nothing"
# Why a plan is full.
FIRST_BUILD = "first build"
PROJECT_CHANGED = "the dbt project changed since the last build"
REQUESTED = "full refresh requested"


@dataclass(frozen=True)
class BuildPlan:
    kind: str  # FULL, CHANGED or NOTHING
    reason: str
    raw_tables: frozenset[str] = field(default_factory=frozenset)

    @property
    def full_refresh(self) -> bool:
        """Rebuild the incremental models from all of raw too: asked for, or the code (or a
        seed) changed, which an incremental model cannot see in its new rows."""
        return self.kind == FULL and self.reason in (REQUESTED, PROJECT_CHANGED)

    @property
    def unit_tests(self) -> bool:
        """dbt unit tests check the code: they run when the code is built for the first
        time (a full plan), not again for new data (dbt's advice for production runs)."""
        return self.kind == FULL


def project_fingerprint(root: Path = settings.PROJECT_ROOT) -> str:
    """SHA-256 over the dbt version, the environment the models read and every file the
    models are compiled from."""
    from dbt.version import __version__ as dbt_version

    digest = hashlib.sha256(f"dbt-core {dbt_version}\n".encode())
    for name in MODEL_ENVIRONMENT:
        digest.update(f"{name}={os.environ.get(name, '')}\n".encode())
    for name in PROJECT_INPUTS:
        top = root / name
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in paths:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def parse_fingerprint(root: Path = settings.PROJECT_ROOT) -> str:
    """What `dbt parse` depends on: the project files and the `DBT_*`/`KPI_*` environment."""
    environment = "".join(
        f"{name}={value}\n"
        for name, value in sorted(os.environ.items())
        if name.startswith(("DBT_", "KPI_"))
    )
    return hashlib.sha256(f"{project_fingerprint(root)}\n{environment}".encode()).hexdigest()


def prepare_manifest(project: DbtProject) -> bool:
    """`dbt parse` (dagster-dbt's preparer) unless `target/manifest.json` is the one it wrote
    last, from the same files and environment; True when it parsed. Any other dbt command
    that rewrites the manifest (another target, `make docs`) makes the next run parse."""
    manifest = Path(project.manifest_path)
    stamp = manifest.with_suffix(".fingerprint")

    def current() -> str:
        stat = manifest.stat()
        return f"{parse_fingerprint(Path(project.project_dir))} {stat.st_size} {stat.st_mtime_ns}"

    if manifest.exists() and stamp.exists() and stamp.read_text() == current():
        return False
    stamp.unlink(missing_ok=True)
    project.preparer.prepare(project)
    stamp.write_text(current())
    return True


def _has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = $1 and table_name = $2",
            [schema, table],
        ).fetchone()[0]
    )


def ledger_watermarks(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """The newest load of each raw table that has loaded rows."""
    if not _has_table(con, LEDGER):
        return {}
    rows = con.execute(
        f"select raw_table, max(loaded_at) from {LEDGER} "
        "where records > 0 and raw_table is not null group by raw_table"
    ).fetchall()
    return dict(rows)


def plan_build(
    con: duckdb.DuckDBPyConnection | None,
    pending_tables: Iterable[str] = (),
    full_refresh: bool = False,
    fingerprint: str | None = None,
    registry_tables: Iterable[str] | None = None,
) -> BuildPlan:
    """The plan for a run on this warehouse (`con`, None when it does not exist yet) with
    landing files not yet in the ledger for `pending_tables`."""
    if full_refresh:
        return BuildPlan(FULL, REQUESTED)
    if con is None or not _has_table(con, STATE_TABLE):
        return BuildPlan(FULL, FIRST_BUILD)
    fingerprint = fingerprint or project_fingerprint()
    tables = set(registry_tables if registry_tables is not None else _registry_tables())
    state = {
        table: (built_through, built_with)
        for table, built_through, built_with in con.execute(
            f"select raw_table, built_through, project_fingerprint from {STATE_TABLE}"
        ).fetchall()
    }
    if tables - set(state):
        return BuildPlan(FULL, f"{FIRST_BUILD} of " + ", ".join(sorted(tables - set(state))))
    if any(state[table][1] != fingerprint for table in tables):
        return BuildPlan(FULL, PROJECT_CHANGED)
    changed = set(pending_tables) & tables
    for table, newest in ledger_watermarks(con).items():
        if table in state and (state[table][0] is None or newest > state[table][0]):
            changed.add(table)
    if not changed:
        return BuildPlan(NOTHING, "no new rows since the last build")
    return BuildPlan(CHANGED, f"new rows in {len(changed)} raw tables", frozenset(changed))


def _registry_tables() -> list[str]:
    return [spec.raw_table for spec in REGISTRY]


def built_raw_tables(manifest: Mapping, built_models: Iterable[str]) -> set[str]:
    """The raw tables whose every downstream model is in `built_models` (unique ids).

    A source is mapped to its raw table by its identifier (`raw.<table>`)."""
    built = set(built_models)
    child_map: Mapping[str, list[str]] = manifest["child_map"]
    result = set()
    for source_id, source in manifest["sources"].items():
        if source.get("schema") != "raw":
            continue
        downstream, stack = set(), list(child_map.get(source_id, []))
        while stack:
            node = stack.pop()
            if node in downstream:
                continue
            downstream.add(node)
            stack.extend(child_map.get(node, []))
        models = {node for node in downstream if node.startswith("model.")}
        if models <= built:
            result.add(source["identifier"])
    return result


def forget_builds(con: duckdb.DuckDBPyConnection) -> None:
    """Before a full build: no table counts as built until it succeeds."""
    if _has_table(con, STATE_TABLE):
        con.execute(f"delete from {STATE_TABLE}")


def record_build(
    con: duckdb.DuckDBPyConnection,
    tables: Iterable[str],
    watermarks: Mapping[str, datetime],
    fingerprint: str,
    run_id: str | None = None,
) -> None:
    """Mark `tables` built through `watermarks` (the ledger when the build started)."""
    con.execute("create schema if not exists audit")
    con.execute(STATE_DDL)
    for table in sorted(tables):
        con.execute(
            f"insert or replace into {STATE_TABLE} values ($1, $2, $3, now(), $4)",
            [table, watermarks.get(table), fingerprint, run_id],
        )


def plan_for_run(
    landing: Path, warehouse: Path, full_refresh: bool = False
) -> tuple[BuildPlan, LandingScan]:
    """The plan for a run now, and the scan of the landing folder it is based on. Reads the
    warehouse read-only; call it while holding the writer lock."""
    from orchestration.sensors import scan_landing

    scan = scan_landing(landing, warehouse)
    return plan_for_tables(warehouse, scan.new_tables, full_refresh), scan


def plan_for_tables(
    warehouse: Path, pending_tables: Iterable[str], full_refresh: bool = False
) -> BuildPlan:
    if not warehouse.exists():
        return plan_build(None, full_refresh=full_refresh)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return plan_build(con, pending_tables, full_refresh=full_refresh)
    finally:
        con.close()


def asset_selection(plan: BuildPlan) -> list[AssetKey] | None:
    """What `kpi_pipeline_job` runs for the plan: None (all of it) for a full plan, else the
    ingest assets of the changed raw tables and everything downstream of them in the job
    (dbt models with their data tests, GX suites, the finance export); empty for nothing."""
    if plan.kind == FULL:
        return None
    import dagster as dg

    from orchestration.assets.ingest import raw_asset_key
    from orchestration.definitions import defs

    raw = [raw_asset_key(table) for table in sorted(plan.raw_tables)]
    selection = dg.AssetSelection.assets(*raw).downstream() - dg.AssetSelection.groups("reports")
    return sorted(selection.resolve(defs.resolve_asset_graph()), key=lambda key: key.path)
