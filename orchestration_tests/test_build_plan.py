"""The build plan (orchestration/build_plan.py): what a run rebuilds, decided from the ledger,
the build state and the dbt project's fingerprint, on hand-built ledgers."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.build_plan import (
    CHANGED,
    FULL,
    NOTHING,
    BuildPlan,
    asset_selection,
    built_raw_tables,
    forget_builds,
    plan_build,
    project_fingerprint,
    record_build,
)
from orchestration.ingest.loader import LEDGER_DDL
from orchestration_tests.conftest import PROJECT_ROOT

TABLES = ("pagerduty__incidents", "zendesk__tickets", "crm__contracts")
TEN, ELEVEN = datetime(2026, 7, 1, 10), datetime(2026, 7, 1, 11)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("create schema raw")
    con.execute(LEDGER_DDL)
    yield con
    con.close()


def _load(con: duckdb.DuckDBPyConnection, table: str, at: datetime, records: int = 5) -> None:
    con.execute(
        "insert into raw.ingest_files (file_path, file_sha256, source_folder, raw_table, bytes, "
        "records, rejected, status, message, loaded_at) "
        "values ($1, $2, 'folder', $3, 10, $4, 0, 'loaded', null, $5)",
        [f"{table}/{at:%H}.json", f"{table}{at}", table, records, at],
    )


def _plan(con, pending=(), fingerprint="f1", full_refresh=False) -> BuildPlan:
    return plan_build(
        con,
        pending,
        full_refresh=full_refresh,
        fingerprint=fingerprint,
        registry_tables=TABLES,
    )


def test_no_warehouse_or_no_build_yet_is_a_first_build(con) -> None:
    assert _plan(None) == BuildPlan(FULL, "first build")
    _load(con, "zendesk__tickets", TEN)
    assert _plan(con) == BuildPlan(FULL, "first build")
    assert _plan(con).unit_tests


def test_new_rows_after_a_build_select_their_tables(con) -> None:
    # Built at 10:00 with every table: zendesk and pagerduty had rows, crm none yet.
    _load(con, "zendesk__tickets", TEN)
    _load(con, "pagerduty__incidents", TEN)
    record_build(con, TABLES, {"zendesk__tickets": TEN, "pagerduty__incidents": TEN}, "f1")
    assert _plan(con) == BuildPlan(NOTHING, "no new rows since the last build")
    # 11:00: a ticket file (after its 10:00 watermark) and the first CRM rows (never built
    # with rows: built_through is null) -> those two tables, not pagerduty.
    _load(con, "zendesk__tickets", ELEVEN)
    _load(con, "crm__contracts", ELEVEN)
    plan = _plan(con)
    assert plan.kind == CHANGED
    assert plan.raw_tables == {"zendesk__tickets", "crm__contracts"}
    assert not plan.unit_tests
    # Landing files not yet ingested add their tables.
    assert _plan(con, pending={"pagerduty__incidents"}).raw_tables == set(TABLES)
    # A rejected file (no records) is nothing to build.
    con.execute("delete from raw.ingest_files where loaded_at = $1", [ELEVEN])
    _load(con, "pagerduty__incidents", ELEVEN, records=0)
    assert _plan(con).kind == NOTHING


def test_changed_code_missing_tables_and_full_refresh_build_everything(con) -> None:
    _load(con, "zendesk__tickets", TEN)
    record_build(con, TABLES, {"zendesk__tickets": TEN}, "f1")
    assert _plan(con, fingerprint="f2") == BuildPlan(
        FULL, "the dbt project changed since the last build"
    )
    # Changed code or seeds are invisible to an incremental model's new rows: rebuilt from
    # all of raw, as when asked for; a first build has nothing incremental to refresh.
    assert _plan(con, fingerprint="f2").full_refresh
    assert _plan(con, full_refresh=True) == BuildPlan(FULL, "full refresh requested")
    assert _plan(con, full_refresh=True).full_refresh
    assert not _plan(None).full_refresh
    # A raw table registered after the last build (a new tool) was never built.
    con.execute("delete from audit.dbt_build_state where raw_table = 'crm__contracts'")
    assert _plan(con) == BuildPlan(FULL, "first build of crm__contracts")
    # A full build forgets the state first: should it fail, the next plan is full again.
    forget_builds(con)
    assert _plan(con).kind == FULL


def test_a_raw_table_counts_as_built_only_when_all_its_models_ran() -> None:
    # raw.a -> m1 -> m2 (and a test); raw.b -> m3; raw.c has no model; seeds are not raw.
    manifest = {
        "sources": {
            "source.p.s.a": {"schema": "raw", "identifier": "a"},
            "source.p.s.b": {"schema": "raw", "identifier": "b"},
            "source.p.s.c": {"schema": "raw", "identifier": "c"},
            "source.p.ref.x": {"schema": "reference", "identifier": "x"},
        },
        "child_map": {
            "source.p.s.a": ["model.p.m1"],
            "model.p.m1": ["model.p.m2", "test.p.not_null_m1"],
            "model.p.m2": [],
            "source.p.s.b": ["model.p.m3"],
            "source.p.s.c": [],
            "source.p.ref.x": ["model.p.m3"],
        },
    }
    assert built_raw_tables(manifest, {"model.p.m1"}) == {"c"}
    assert built_raw_tables(manifest, {"model.p.m1", "model.p.m2"}) == {"a", "c"}
    assert built_raw_tables(manifest, {"model.p.m1", "model.p.m2", "model.p.m3"}) == {
        "a",
        "b",
        "c",
    }


def test_the_fingerprint_follows_the_dbt_project_files(tmp_path: Path, monkeypatch) -> None:
    shutil.copy2(PROJECT_ROOT / "dbt_project.yml", tmp_path / "dbt_project.yml")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "a.sql").write_text("select 1 as one\n")
    before = project_fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("not a dbt input")
    assert project_fingerprint(tmp_path) == before
    (tmp_path / "models" / "a.sql").write_text("select 2 as one\n")
    changed = project_fingerprint(tmp_path)
    assert changed != before
    (tmp_path / "models" / "a.sql").rename(tmp_path / "models" / "b.sql")
    assert project_fingerprint(tmp_path) not in (before, changed)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "tiers.csv").write_text("tier\nGold\n")
    seeded = project_fingerprint(tmp_path)
    assert seeded != changed
    # A new PII key changes every person key the models write.
    monkeypatch.setenv("KPI_PII_HMAC_KEY", "another key")
    assert project_fingerprint(tmp_path) != seeded


def test_a_changed_plan_selects_the_dbt_models_downstream_of_its_sources(
    dbt_manifest: Path,
) -> None:
    """The run's assets for new PagerDuty incidents are that ingest asset and, among the
    dbt models, exactly dbt's own `source:service_kpis.pagerduty.incidents+`."""
    keys = asset_selection(BuildPlan(CHANGED, "test", frozenset({"pagerduty__incidents"})))
    raw = {key for key in keys if key.path[0] == "raw"}
    assert raw == {dg.AssetKey(["raw", "pagerduty__incidents"])}
    manifest = json.loads(dbt_manifest.read_text())
    child_map = manifest["child_map"]
    downstream, stack = set(), ["source.service_kpis.pagerduty.incidents"]
    while stack:
        for child in child_map[stack.pop()]:
            if child not in downstream:
                downstream.add(child)
                stack.append(child)

    def key(node: str) -> dg.AssetKey:
        return dg.AssetKey([manifest["nodes"][node]["schema"], manifest["nodes"][node]["name"]])

    every_model = {key(node) for node in manifest["nodes"] if node.startswith("model.")}
    expected = {key(node) for node in downstream if node.startswith("model.")}
    models = {key for key in keys if key in every_model}
    assert models == expected
    assert dg.AssetKey(["marts", "fct_incidents"]) in models
    assert dg.AssetKey(["marts", "fct_tickets"]) not in models
    assert asset_selection(BuildPlan(FULL, "first build")) is None
    assert asset_selection(BuildPlan(NOTHING, "no new rows")) == []
