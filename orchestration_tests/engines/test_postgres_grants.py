"""Roles on a real PostgreSQL: each role reads exactly its tables (issue: access).

The project (a copy, so a stand-in `marts/finance/fct_service_credits` can be added while
the real mart does not exist yet) is built on a throwaway cluster from the raw rows of the
hand-built landing fixture. Login users that are members of each role then try every
kind of relation: each allow returns rows, each deny raises PostgreSQL's own
`permission denied` (SQLSTATE 42501, psycopg2's InsufficientPrivilege). Run by
`make test-engines` (`pytest -m engines`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.engines.load_raw import copy_raw
from orchestration.engines.postgres import PostgresServer, throwaway_cluster
from orchestration.ingest.loader import connect, ingest
from orchestration.privacy.purge import PURGE_LOG_DDL
from orchestration_tests.conftest import E2E_LANDING, PROJECT_ROOT

pytestmark = pytest.mark.engines

DBT = Path(sys.executable).parent / "dbt"
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")
CREDITS = "marts.fct_service_credits"
# Until the credits mart exists: a stand-in in its folder, so the folder's grants apply.
STAND_IN_CREDITS = """{{ config(contract={'enforced': false}) }}
select
    cast('C-1' as {{ dbt.type_string() }}) as contract_id,
    cast(12.50 as decimal(18, 2)) as credit_amount
"""
LOGINS = {"kpi_reader": "bi_tool", "finance": "finance_user", "auditor": "audit_user",
          "engineer": "engineer_user"}  # fmt: skip


@dataclass(frozen=True)
class GrantedWarehouse:
    server: PostgresServer

    def as_role(self, role: str) -> PostgresServer:
        server = self.server
        return PostgresServer(server.host, server.port, LOGINS[role], "", server.database)


def _dbt(project: Path, env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [str(DBT), *args, "--profiles-dir", ".", "--target", "postgres"],
        cwd=project,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-8000:]


@pytest.fixture(scope="module")
def granted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GrantedWarehouse]:
    work = tmp_path_factory.mktemp("grants")
    project = work / "project"
    for part in PROJECT_PARTS:
        source = PROJECT_ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        else:
            project.mkdir(exist_ok=True)
            shutil.copy2(source, project / part)
    if not list(project.glob("models/**/fct_service_credits.sql")):
        (project / "models/marts/finance").mkdir(parents=True, exist_ok=True)
        (project / "models/marts/finance/fct_service_credits.sql").write_text(STAND_IN_CREDITS)

    warehouse = work / "warehouse.duckdb"
    con = connect(warehouse)
    try:
        assert not ingest(con, E2E_LANDING).errors
    finally:
        con.close()

    with throwaway_cluster(database="kpi_grants") as server:
        copy_raw(warehouse, server)
        admin = server.connect()
        try:
            admin.autocommit = True
            with admin.cursor() as cursor:
                # The audit schema is written outside dbt (the purge, validation runs).
                cursor.execute("create schema audit")
                cursor.execute(PURGE_LOG_DDL)
                cursor.execute(
                    "insert into audit.purge_log values ('p-1', '2026-07-01', 365, "
                    "'2025-07-01', 'zendesk__users', 10, 2, 4, 'env')"
                )
        finally:
            admin.close()
        env = {**server.dbt_env(), "KPI_WAREHOUSE_PATH": str(warehouse)}
        _dbt(project, env, "seed")
        _dbt(project, env, "run")
        admin = server.connect()
        try:
            admin.autocommit = True
            with admin.cursor() as cursor:
                # Written after the build: readable through the audit schema's defaults.
                cursor.execute(
                    "create table audit.validation_results (run_id text, success boolean)"
                )
                cursor.execute("insert into audit.validation_results values ('r-1', true)")
                for role, login in LOGINS.items():
                    cursor.execute(f"create user {login} login in role {role}")
        finally:
            admin.close()
        yield GrantedWarehouse(server)


def _select(server: PostgresServer, relation: str) -> list[tuple]:
    con = server.connect()
    try:
        with con.cursor() as cursor:
            cursor.execute(f"select * from {relation}")
            return cursor.fetchall()
    finally:
        con.close()


def _refused(server: PostgresServer, sql: str) -> str:
    """The server's own error for a refused statement."""
    import psycopg2.errors

    con = server.connect()
    try:
        with con.cursor() as cursor, pytest.raises(psycopg2.errors.InsufficientPrivilege) as info:
            cursor.execute(sql)
    finally:
        con.close()
    assert info.value.pgcode == "42501"
    return str(info.value)


# What each role may read (a row count > 0 proves the read), and what it may not.
ALLOWED = {
    "kpi_reader": ["marts.kpi_incident_response", "marts.fct_incidents", "marts.dim_services"],
    "finance": [CREDITS, "raw.finance__billing_adjustments", "staging.stg_finance__support_costs"],
    "auditor": ["audit.purge_log", "audit.validation_results", "marts.kpi_incident_response",
                CREDITS],
    "engineer": ["raw.pagerduty__incidents", "staging.stg_pagerduty__incidents",
                 "intermediate.int_incidents_unified", "marts.fct_incidents", CREDITS,
                 "restricted.rst_survey_comments", "audit.purge_log", "reference.severity_map"],
}  # fmt: skip
REFUSED = {
    "kpi_reader": ["raw.pagerduty__incidents", "staging.stg_pagerduty__incidents",
                   "intermediate.int_incidents_unified", CREDITS, "audit.purge_log",
                   "restricted.rst_survey_comments", "raw.finance__billing_adjustments"],
    "finance": ["raw.pagerduty__incidents", "marts.fct_incidents", "audit.purge_log",
                "restricted.rst_survey_comments", "staging.stg_pagerduty__incidents"],
    "auditor": ["raw.pagerduty__incidents", "staging.stg_pagerduty__incidents",
                "restricted.rst_survey_comments"],
    "engineer": [],
}  # fmt: skip
# The landing fixture may have no finance exports, surveys or contracts: reading them
# without an error is the proof there.
MAY_BE_EMPTY = {"raw.finance__billing_adjustments", "staging.stg_finance__support_costs",
                "restricted.rst_survey_comments", CREDITS}  # fmt: skip


@pytest.mark.parametrize(
    ("role", "relation"), [(role, rel) for role, rels in ALLOWED.items() for rel in rels]
)
def test_role_can_read(granted: GrantedWarehouse, role: str, relation: str) -> None:
    rows = _select(granted.as_role(role), relation)
    assert rows or relation in MAY_BE_EMPTY
    # The superuser sees the same rows: the role reads the table, not a filtered copy.
    assert len(rows) == len(_select(granted.server, relation))


@pytest.mark.parametrize(
    ("role", "relation"), [(role, rel) for role, rels in REFUSED.items() for rel in rels]
)
def test_role_is_refused(granted: GrantedWarehouse, role: str, relation: str) -> None:
    message = _refused(granted.as_role(role), f"select * from {relation}")
    assert "permission denied for" in message


def test_kpi_reader_is_refused_on_credits_by_the_table_grant(granted: GrantedWarehouse) -> None:
    # kpi_reader may use schema marts, so the refusal is the table's own grant.
    message = _refused(granted.as_role("kpi_reader"), f"select * from {CREDITS}")
    assert "permission denied for table fct_service_credits" in message


def test_readers_cannot_write(granted: GrantedWarehouse) -> None:
    for role in ("kpi_reader", "auditor", "finance"):
        relation = CREDITS if role == "finance" else "marts.kpi_incident_response"
        _refused(granted.as_role(role), f"delete from {relation}")
    _refused(granted.as_role("auditor"), "delete from audit.purge_log")
