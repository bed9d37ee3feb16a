"""Shared end-to-end fixture: the whole pipeline on the hand-built landing folder, run once
per test session (twice, to prove the second run adds nothing) and read by many tests."""

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
E2E_LANDING = Path(__file__).resolve().parent / "fixtures" / "landing_e2e"
# The incident fixture's ledger; other domains' fixtures are counted by their own modules.
RAW_TABLES_SQL = """
select 'ingest_files', count(*) from raw.ingest_files
where file_path like 'pagerduty/%' or file_path like 'catalog/%'
union all select 'ingest_rejections', count(*) from raw.ingest_rejections
union all select 'pagerduty__incidents', count(*) from raw.pagerduty__incidents
union all select 'pagerduty__log_entries', count(*) from raw.pagerduty__log_entries
union all select 'catalog__services', count(*) from raw.catalog__services
"""


@dataclass
class PipelineRun:
    landing: Path
    warehouse: Path
    first_output: str
    second_output: str
    first_dbt_artifacts: Path  # manifest.json and run_results.json of the first run's build
    raw_counts_after_first: dict[str, int]
    raw_counts_after_second: dict[str, int]
    landing_hashes_before: dict[str, str]

    def query(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def run_cli(landing: Path, warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "KPI_LANDING_DIR": str(landing),
        "KPI_WAREHOUSE_PATH": str(warehouse),
        # Finance export files go beside the warehouse, never into the project's data/.
        "KPI_EXPORTS_DIR": str(warehouse.parent / "exports"),
    }
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def raw_counts(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return dict(con.execute(RAW_TABLES_SQL).fetchall())
    finally:
        con.close()


@pytest.fixture(scope="session")
def e2e_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    work = tmp_path_factory.mktemp("e2e")
    landing = work / "landing"
    shutil.copytree(E2E_LANDING, landing)
    warehouse = work / "warehouse.duckdb"
    hashes = tree_hashes(landing)

    first = run_cli(landing, warehouse, "run")
    assert first.returncode == 0, first.stdout[-5000:] + first.stderr[-5000:]
    after_first = raw_counts(warehouse)
    # The first run's dbt artifacts, before another test's run replaces target/last_run.
    first_dbt = work / "first_run_dbt"
    shutil.copytree(PROJECT_ROOT / "target" / "last_run", first_dbt)
    second = run_cli(landing, warehouse, "run")
    assert second.returncode == 0, second.stdout[-5000:] + second.stderr[-5000:]
    return PipelineRun(
        landing=landing,
        warehouse=warehouse,
        first_output=first.stdout + first.stderr,
        second_output=second.stdout + second.stderr,
        first_dbt_artifacts=first_dbt,
        raw_counts_after_first=after_first,
        raw_counts_after_second=raw_counts(warehouse),
        landing_hashes_before=hashes,
    )


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """`target/manifest.json` of the current project (`dbt parse` unless it is current):
    what importing `orchestration.definitions` needs, e.g. to resolve asset selections."""
    from orchestration.build_plan import prepare_manifest
    from orchestration.resources import dbt_project

    prepare_manifest(dbt_project)
    return Path(dbt_project.manifest_path)
