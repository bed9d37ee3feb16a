"""On a generated sample warehouse (every tool's exports): no e-mail leaves raw, the
retention purge leaves every built table unchanged, and grants follow the folders.

One build of the samples, a purge of everything (0 days), and a rebuild, once per module.
"""

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
from orchestration.privacy.purge import PurgeResult, purge
from orchestration_tests.conftest import PROJECT_ROOT

DBT = Path(sys.executable).parent / "dbt"
SEED, SCALE = 42, 0.05
BUILT = ("staging", "intermediate", "marts")
# Shaped like an e-mail address: local part, @, a dotted domain with a 2+ letter TLD.
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


@dataclass(frozen=True)
class SampleWarehouse:
    warehouse: Path
    before: dict[str, list[str]]
    after: dict[str, list[str]]
    emails_before_purge: dict[str, int]
    raw_emails_after_purge: dict[str, int]
    result: PurgeResult
    manifest: dict


def _build(warehouse: Path, target_path: str, log_path: Path) -> None:
    result = subprocess.run(
        [str(DBT), "build", "--profiles-dir", ".", "--resource-type", "model",
         "--resource-type", "seed", "--target-path", target_path, "--log-path", str(log_path)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KPI_WAREHOUSE_PATH": str(warehouse), "KPI_PII_HMAC_KEY": ""},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, (result.stdout + result.stderr)[-8000:]


def _snapshot(warehouse: Path, schemas: tuple[str, ...]) -> dict[str, list[str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({', '.join('?' for _ in schemas)})",
            list(schemas),
        ).fetchall()
        return {
            f"{schema}.{table}": sorted(
                map(repr, con.execute(f'select * from {schema}."{table}"').fetchall())
            )
            for schema, table in tables
        }
    finally:
        con.close()


def email_columns(warehouse: Path, schemas: tuple[str, ...]) -> dict[str, int]:
    """`schema.table.column` -> how many values look like an e-mail address."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            f"where table_schema in ({', '.join('?' for _ in schemas)})",
            list(schemas),
        ).fetchall()
        found = {}
        for schema, table, column in columns:
            (hits,) = con.execute(
                f'select count(*) from {schema}."{table}" '
                f'where regexp_matches(cast("{column}" as varchar), ?)',
                [EMAIL],
            ).fetchone()
            if hits:
                found[f"{schema}.{table}.{column}"] = hits
        return found
    finally:
        con.close()


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> SampleWarehouse:
    from orchestration.samples.generate import generate

    work = tmp_path_factory.mktemp("privacy-samples")
    landing = work / "landing"
    generate(landing, seed=SEED, scale=SCALE)
    warehouse = work / "warehouse.duckdb"
    con = connect(warehouse)
    try:
        assert not ingest(con, landing).errors
    finally:
        con.close()
    target_path = "target/privacy_samples"
    _build(warehouse, target_path, work / "logs")
    before = _snapshot(warehouse, BUILT)
    emails = email_columns(warehouse, BUILT)
    con = connect(warehouse)
    try:
        result = purge(con, 0)
    finally:
        con.close()
    raw_emails = email_columns(warehouse, ("raw",))
    _build(warehouse, target_path, work / "logs")
    manifest = json.loads((PROJECT_ROOT / target_path / "manifest.json").read_text())
    return SampleWarehouse(
        warehouse, before, _snapshot(warehouse, BUILT), emails, raw_emails, result, manifest
    )


def test_the_scan_finds_e_mail_shaped_values(tmp_path: Path) -> None:
    path = tmp_path / "probe.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema staging")
    con.execute(
        "create table staging.t as select * from (values "
        "('{\"email\":\"jane.doe@example.com\"}', 'x@y'), ('Ada', 'ada@acme.example')) as v(a, b)"
    )
    con.close()
    assert email_columns(path, ("staging",)) == {"staging.t.a": 1, "staging.t.b": 1}


def test_no_e_mail_leaves_raw(samples: SampleWarehouse) -> None:
    assert len(samples.before) > 50  # every staging, intermediate and mart relation
    assert samples.emails_before_purge == {}


def test_the_purge_replaces_every_e_mail_in_raw(samples: SampleWarehouse) -> None:
    # With a 0-day period every record is due: the purge specs cover every place the
    # sample exports put an address (Zendesk, Opsgenie, SLA, GitLab, Jenkins, ...).
    assert samples.result.records_purged > 500
    assert {t.raw_table for t in samples.result.tables if t.records_purged} >= {
        "zendesk__users", "zendesk__tickets", "delighted__survey_responses", "jira__issues",
        "opsgenie__alerts", "gitlab__deployments", "jenkins__builds",
    }  # fmt: skip
    in_records = {
        name: hits
        for name, hits in samples.raw_emails_after_purge.items()
        if name.endswith(".record_json")
    }
    assert in_records == {}


def test_the_purge_leaves_every_built_table_unchanged(samples: SampleWarehouse) -> None:
    assert sorted(samples.after) == sorted(samples.before)
    changed = [name for name in samples.before if samples.before[name] != samples.after[name]]
    assert changed == []
    kpi_marts = [name for name in samples.before if name.startswith("marts.kpi_")]
    assert kpi_marts and all(samples.before[name] for name in kpi_marts)


def _models(manifest: dict) -> list[dict]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]


def test_grants_follow_the_folders(samples: SampleWarehouse) -> None:
    grants = {
        node["name"]: (node["fqn"], sorted(node["config"]["grants"].get("select", [])))
        for node in _models(samples.manifest)
    }
    for name, (fqn, readers) in grants.items():
        folder = fqn[1]
        finance_sensitive = fqn[1:3] == ["marts", "finance"] or "credit" in name
        if folder == "marts" and not finance_sensitive:
            assert readers == ["auditor", "engineer", "kpi_reader"], name
        elif folder == "marts":
            # Credits are not for BI readers: they must live in marts/finance/.
            assert fqn[1:3] == ["marts", "finance"], f"{name} belongs in models/marts/finance/"
            assert readers == ["auditor", "engineer", "finance"], name
        elif fqn[1:3] == ["staging", "finance"]:
            assert readers == ["engineer", "finance"], name
        else:
            assert readers == ["engineer"], name


def test_models_that_hash_personal_data_are_not_views(samples: SampleWarehouse) -> None:
    """A view's SQL is visible to every PostgreSQL role, and the key SQL holds key
    material (the padded HMAC key): those models are tables."""
    hashing = [
        node
        for node in _models(samples.manifest)
        if "macro.service_kpis.personal_data_key" in node["depends_on"]["macros"]
    ]
    assert {node["name"] for node in hashing} >= {"stg_zendesk__users", "stg_jira__issues"}
    assert [n["name"] for n in hashing if n["config"]["materialized"] == "view"] == []


def test_survey_comments_only_in_the_restricted_model(samples: SampleWarehouse) -> None:
    con = duckdb.connect(str(samples.warehouse), read_only=True)
    try:
        comments = con.execute(
            "select count(*), sum(case when is_purged then 1 else 0 end) "
            "from restricted.rst_survey_comments"
        ).fetchone()
        sample_comment = con.execute(
            "select comment_text from restricted.rst_survey_comments limit 1"
        ).fetchone()
    finally:
        con.close()
    # After the 0-day purge every comment is replaced: all rows are purged.
    assert comments[0] > 0 and comments[1] == comments[0]
    assert sample_comment == (None,)
    built_columns = {
        column
        for node in _models(samples.manifest)
        if node["fqn"][1] in BUILT
        for column in node["columns"]
    }
    assert not {"comment", "comment_text", "email"} & built_columns
