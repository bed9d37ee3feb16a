"""The same dbt project on Apache Spark (local mode) gives the same answers as DuckDB.

For each landing fixture built on DuckDB (conftest's `duckdb_build`: the hand-built ones
and the small generated sample with every tool's exports): the raw rows DuckDB
ingested are copied into a fresh Spark warehouse and metastore (`orchestration.engines.spark
load`, its own folder per fixture: embedded Derby admits one process per metastore),
`dbt build --target spark` runs every seed, model, unit test and data test there (dbt-spark
`method: session`: one SparkSession inside dbt's process), and every relation dbt built
(seeds, staging views, intermediate and mart tables) is compared row for row with the
DuckDB build of the same rows. Marts also keep their decimal scale (`10.00`, never
`10.0`); timestamps compare as UTC. Each step is its own process (its own JVM): the
test process never starts Spark. Run by `make test-engines` (`pytest -m engines`) and, on
its own, by `make test-spark` (`pytest -m spark`).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration_tests.conftest import PROJECT_ROOT
from orchestration_tests.engines.conftest import (
    BUILT_SCHEMAS,
    DbtBuild,
    duckdb_relations,
    run_dbt_build,
)
from orchestration_tests.engines.parity import Relation, differences

pytestmark = [pytest.mark.engines, pytest.mark.spark]

RAW = "raw"


def _run_spark_module(arguments: list[str], env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "orchestration.engines.spark", *arguments]
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
    assert result.returncode == 0, f"{' '.join(arguments[:1])} failed:\n{output[-8000:]}"


@dataclass(frozen=True)
class SparkBuild:
    build: DbtBuild
    dumped: dict[str, Relation]
    seconds: dict[str, float]

    def relations(self, schemas: tuple[str, ...]) -> dict[str, Relation]:
        return {
            name: relation
            for name, relation in self.dumped.items()
            if name.split(".", 1)[0] in schemas
        }


@pytest.fixture(scope="session")
def spark_build(duckdb_build: DbtBuild, tmp_path_factory: pytest.TempPathFactory) -> SparkBuild:
    work = tmp_path_factory.mktemp(f"spark-{duckdb_build.fixture}")
    env = {"KPI_SPARK_DIR": str(work / "spark")}
    seconds: dict[str, float] = {}
    started = time.monotonic()
    _run_spark_module(["load", "--warehouse", str(duckdb_build.warehouse)], env)
    seconds["load"] = time.monotonic() - started
    started = time.monotonic()
    build = run_dbt_build(duckdb_build.fixture, duckdb_build.warehouse, "spark", work / "logs", env)
    seconds["dbt build"] = time.monotonic() - started
    started = time.monotonic()
    dump = work / "relations.pickle"
    _run_spark_module(["dump", "--out", str(dump), RAW, *BUILT_SCHEMAS], env)
    seconds["dump"] = time.monotonic() - started
    dumped = {
        name: Relation(columns, rows)
        for name, (columns, rows) in pickle.loads(Path(dump).read_bytes()).items()
    }
    timings = ", ".join(f"{step} {value:.0f} s" for step, value in seconds.items())
    print(f"\nSpark {duckdb_build.fixture}: {timings}")
    return SparkBuild(build, dumped, seconds)


def test_raw_rows_are_copied_exactly(duckdb_build: DbtBuild, spark_build: SparkBuild) -> None:
    expected = duckdb_relations(duckdb_build.warehouse, (RAW,))
    actual = spark_build.relations((RAW,))
    assert sorted(actual) == sorted(expected)
    found = [
        difference
        for name in sorted(expected)
        for difference in differences(name, expected[name], actual[name], strict_scale=True)
    ]
    assert found == []


def test_every_seed_model_unit_test_and_data_test_passes(spark_build: SparkBuild) -> None:
    build = spark_build.build
    statuses = {result["unique_id"]: result["status"] for result in build.results}
    expected_nodes = [
        unique_id
        for unique_id, node in build.manifest["nodes"].items()
        if node["resource_type"] in ("seed", "model", "test")
    ]
    expected_nodes += list(build.manifest["unit_tests"])
    assert expected_nodes, "the project has nodes to build"
    # A data test configured `severity: warn` may warn; nothing may fail, error or skip.
    assert {
        unique_id: statuses.get(unique_id)
        for unique_id in expected_nodes
        if statuses.get(unique_id) not in ("success", "pass", "warn")
    } == {}
    warned = {u for u, s in statuses.items() if s == "warn"}
    assert all(
        build.manifest["nodes"][unique_id]["config"]["severity"] == "warn" for unique_id in warned
    )


def test_marts_match_duckdb_row_for_row(duckdb_build: DbtBuild, spark_build: SparkBuild) -> None:
    expected = duckdb_relations(duckdb_build.warehouse, ("marts",))
    actual = spark_build.relations(("marts",))
    # Every fixture has incidents: these marts have rows to compare (the others may not).
    incident_marts = ("marts.fct_incidents", "marts.dim_services", "marts.kpi_incident_response")
    assert all(expected[name].rows for name in incident_marts)
    assert sorted(actual) == sorted(expected)
    found = [
        difference
        for name in sorted(expected)
        for difference in differences(name, expected[name], actual[name], strict_scale=True)
    ]
    assert found == []


def test_seeds_staging_and_intermediate_match_duckdb(
    duckdb_build: DbtBuild, spark_build: SparkBuild
) -> None:
    schemas = tuple(schema for schema in BUILT_SCHEMAS if schema != "marts")
    expected = duckdb_relations(duckdb_build.warehouse, schemas)
    actual = spark_build.relations(schemas)
    assert sorted(actual) == sorted(expected)
    found = [
        difference
        for name in sorted(expected)
        for difference in differences(name, expected[name], actual[name])
    ]
    assert found == []
