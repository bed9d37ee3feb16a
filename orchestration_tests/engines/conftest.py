"""The reference build every other engine is compared with: each hand-built landing
folder (`orchestration_tests/fixtures/landing_*`) ingested into a DuckDB file and built
with `dbt build` on the default `duckdb` target, once per test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.loader import connect, ingest
from orchestration_tests.conftest import PROJECT_ROOT
from orchestration_tests.engines.parity import Relation

FIXTURES = PROJECT_ROOT / "orchestration_tests" / "fixtures"
# The hand-built landing folders, and a small generated one that has every tool's exports.
GENERATED = "generated_samples"
SAMPLE_SEED, SAMPLE_SCALE = 42, 0.1
LANDINGS = [path.name for path in sorted(FIXTURES.glob("landing_*")) if path.is_dir()] + [GENERATED]
# Built by dbt and compared across engines; `raw` is compared after the copy.
BUILT_SCHEMAS = ("reference", "staging", "intermediate", "marts")
DBT = Path(sys.executable).parent / "dbt"


@dataclass(frozen=True)
class DbtBuild:
    """A `dbt build` of one landing fixture on one target (`warehouse`: the DuckDB file
    its raw rows come from)."""

    fixture: str
    warehouse: Path
    output: str
    results: list[dict]
    manifest: dict


def run_dbt_build(
    fixture: str, warehouse: Path, target: str, log_path: Path, env: dict[str, str]
) -> DbtBuild:
    """`dbt build` of the whole project on `target` into its own target path
    (`target/engines_<target>_<fixture>`); fails the test with dbt's output."""
    target_path = f"target/engines_{target}_{fixture}"
    command = [
        str(DBT), "build", "--profiles-dir", ".", "--target", target,
        "--target-path", target_path, "--log-path", str(log_path),
    ]  # fmt: skip
    result = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"dbt build --target {target} failed:\n{output[-8000:]}"
    run_dir = PROJECT_ROOT / target_path
    return DbtBuild(
        fixture=fixture,
        warehouse=warehouse,
        output=output,
        results=json.loads((run_dir / "run_results.json").read_text())["results"],
        manifest=json.loads((run_dir / "manifest.json").read_text()),
    )


def duckdb_relations(warehouse: Path, schemas: tuple[str, ...]) -> dict[str, Relation]:
    """Every table and view of `schemas` in a DuckDB file, by `schema.name`."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({', '.join('?' for _ in schemas)}) order by 1, 2",
            list(schemas),
        ).fetchall()
        relations = {}
        for schema, table in names:
            result = con.execute(f'select * from {schema}."{table}"')
            columns = tuple(column[0] for column in result.description)
            relations[f"{schema}.{table}"] = Relation(columns, result.fetchall())
        return relations
    finally:
        con.close()


@pytest.fixture(scope="session", params=LANDINGS)
def duckdb_build(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> DbtBuild:
    name: str = request.param
    work = tmp_path_factory.mktemp(f"duckdb-{name}")
    if name == GENERATED:
        from orchestration.samples.generate import generate

        landing = work / "landing"
        generate(landing, seed=SAMPLE_SEED, scale=SAMPLE_SCALE)
    else:
        landing = FIXTURES / name
    warehouse = work / "warehouse.duckdb"
    con = connect(warehouse)
    try:
        summary = ingest(con, landing)
    finally:
        con.close()
    assert not summary.errors, summary.errors
    env = {"KPI_WAREHOUSE_PATH": str(warehouse)}
    return run_dbt_build(name, warehouse, "duckdb", work / "logs", env)
