"""The same dbt project on a real PostgreSQL server gives the same answers as DuckDB.

For each hand-built landing fixture: the raw rows DuckDB ingested are copied to a
throwaway PostgreSQL cluster (`orchestration.engines`), `dbt build --target postgres`
runs every seed, model, unit test and data test there, and every relation dbt built
(seeds, staging views, intermediate and mart tables) is compared row for row with the
DuckDB build of the same rows. Marts also keep their decimal scale (`10.00`, never
`10.0`). Run by `make test-engines` (`pytest -m engines`), not by `make test`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from orchestration.engines.load_raw import copy_raw
from orchestration.engines.postgres import PostgresServer, throwaway_cluster
from orchestration_tests.engines.conftest import (
    BUILT_SCHEMAS,
    DbtBuild,
    duckdb_relations,
    run_dbt_build,
)
from orchestration_tests.engines.parity import Relation, differences

pytestmark = pytest.mark.engines


@dataclass(frozen=True)
class PostgresBuild:
    server: PostgresServer
    copied: dict[str, int]
    build: DbtBuild

    def relations(self, schemas: tuple[str, ...]) -> dict[str, Relation]:
        con = self.server.connect()
        try:
            with con.cursor() as cursor:
                cursor.execute("set time zone 'UTC'")
                cursor.execute(
                    "select table_schema, table_name from information_schema.tables "
                    "where table_schema = any(%s) order by 1, 2",
                    (list(schemas),),
                )
                names = cursor.fetchall()
                relations = {}
                for schema, table in names:
                    cursor.execute(f'select * from {schema}."{table}"')
                    columns = tuple(column.name for column in cursor.description)
                    relations[f"{schema}.{table}"] = Relation(columns, cursor.fetchall())
            return relations
        finally:
            con.close()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresServer]:
    with throwaway_cluster(database="service_kpis") as server:
        yield server


@pytest.fixture(scope="session")
def postgres_build(
    duckdb_build: DbtBuild,
    postgres_cluster: PostgresServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> PostgresBuild:
    server = postgres_cluster.with_database(f"kpi_{duckdb_build.fixture}")
    copied = copy_raw(duckdb_build.warehouse, server)
    logs = tmp_path_factory.mktemp(f"postgres-{duckdb_build.fixture}")
    build = run_dbt_build(
        duckdb_build.fixture, duckdb_build.warehouse, "postgres", logs, server.dbt_env()
    )
    return PostgresBuild(server, copied, build)


def test_raw_rows_are_copied_exactly(duckdb_build: DbtBuild, postgres_build: PostgresBuild) -> None:
    expected = duckdb_relations(duckdb_build.warehouse, ("raw",))
    actual = postgres_build.relations(("raw",))
    assert sorted(actual) == sorted(expected)
    assert postgres_build.copied == {
        name.removeprefix("raw."): len(relation.rows) for name, relation in expected.items()
    }
    found = [
        difference
        for name in sorted(expected)
        for difference in differences(name, expected[name], actual[name], strict_scale=True)
    ]
    assert found == []


def test_every_seed_model_unit_test_and_data_test_passes(postgres_build: PostgresBuild) -> None:
    build = postgres_build.build
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


def test_marts_match_duckdb_row_for_row(
    duckdb_build: DbtBuild, postgres_build: PostgresBuild
) -> None:
    expected = duckdb_relations(duckdb_build.warehouse, ("marts",))
    actual = postgres_build.relations(("marts",))
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
    duckdb_build: DbtBuild, postgres_build: PostgresBuild
) -> None:
    schemas = tuple(schema for schema in BUILT_SCHEMAS if schema != "marts")
    expected = duckdb_relations(duckdb_build.warehouse, schemas)
    actual = postgres_build.relations(schemas)
    assert sorted(actual) == sorted(expected)
    found = [
        difference
        for name in sorted(expected)
        for difference in differences(name, expected[name], actual[name])
    ]
    assert found == []
