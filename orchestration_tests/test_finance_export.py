"""The finance export (orchestration/exports/finance.py) on a small hand-made
`marts.fct_service_credits`, without the pipeline: which months are written, when a
restatement is written and how restatements are numbered."""

from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.exports.finance import export_service_credits, exports_dir

TABLE = """
create schema marts;
create table marts.fct_service_credits (
    contract_id varchar, customer_id varchar, tier varchar, month_start date,
    uptime_pct decimal(5,2), downtime_minutes decimal(18,2), maintenance_minutes decimal(18,2),
    excluded_downtime_minutes decimal(18,2), breached_support_slas integer,
    uptime_credit_pct decimal(5,2), support_credit_pct decimal(7,2), credit_pct decimal(5,2),
    is_capped boolean, monthly_fee decimal(18,2), credit_amount decimal(18,2), currency varchar,
    is_month_closed boolean
);
"""


def write_rows(warehouse: Path, rows: list[tuple]) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        if not con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()[0]:
            con.execute(TABLE)
        con.execute("delete from marts.fct_service_credits")
        con.executemany(
            "insert into marts.fct_service_credits values (?, 'CU', 'Gold', ?, ?, 0, 0, 0, 0,"
            " 0, 0, 0, false, 1000, ?, 'USD', ?)",
            rows,
        )
    finally:
        con.close()


def test_closed_months_once_then_numbered_restatements(tmp_path: Path) -> None:
    warehouse, root = tmp_path / "w.duckdb", tmp_path / "exports"
    finance = root / "finance"
    # January closed for both contracts; February closed for K1 only (K2's zone is
    # behind): February is not exported yet.
    write_rows(warehouse, [
        ("K1", "2026-01-01", Decimal("99.90"), Decimal("100.00"), True),
        ("K2", "2026-01-01", Decimal("100.00"), Decimal("0.00"), True),
        ("K1", "2026-02-01", Decimal("100.00"), Decimal("0.00"), True),
        ("K2", "2026-02-01", Decimal("100.00"), Decimal("0.00"), False),
    ])  # fmt: skip
    first = export_service_credits(warehouse, root)
    assert [path.name for path in first.written] == ["service_credits_2026-01.csv"]
    assert first.open_months == ["2026-02"] and first.restatements == []
    january = (finance / "service_credits_2026-01.csv").read_text()
    assert january.splitlines() == [
        "contract_id,customer_id,tier,month_start,uptime_pct,downtime_minutes,"
        "maintenance_minutes,excluded_downtime_minutes,breached_support_slas,"
        "uptime_credit_pct,support_credit_pct,credit_pct,is_capped,monthly_fee,"
        "credit_amount,currency",
        "K1,CU,Gold,2026-01-01,99.90,0.00,0.00,0.00,0,0.00,0.00,0.00,false,1000.00,100.00,USD",
        "K2,CU,Gold,2026-01-01,100.00,0.00,0.00,0.00,0,0.00,0.00,0.00,false,1000.00,0.00,USD",
    ]
    # The same data again: nothing new (the Parquet is rewritten).
    assert export_service_credits(warehouse, root).written == []
    # K2 February closes and K1 January changes twice: restatements 1 and 2, the
    # original January file untouched.
    write_rows(warehouse, [
        ("K1", "2026-01-01", Decimal("99.80"), Decimal("100.00"), True),
        ("K2", "2026-01-01", Decimal("100.00"), Decimal("0.00"), True),
        ("K1", "2026-02-01", Decimal("100.00"), Decimal("0.00"), True),
        ("K2", "2026-02-01", Decimal("100.00"), Decimal("0.00"), True),
    ])  # fmt: skip
    second = export_service_credits(warehouse, root)
    assert sorted(path.name for path in second.written) == [
        "service_credits_2026-01_restatement_1.csv",
        "service_credits_2026-02.csv",
    ]
    assert [path.name for path in second.restatements] == [
        "service_credits_2026-01_restatement_1.csv"
    ]
    assert (finance / "service_credits_2026-01.csv").read_text() == january
    write_rows(warehouse, [
        ("K1", "2026-01-01", Decimal("99.70"), Decimal("250.00"), True),
        ("K2", "2026-01-01", Decimal("100.00"), Decimal("0.00"), True),
        ("K1", "2026-02-01", Decimal("100.00"), Decimal("0.00"), True),
        ("K2", "2026-02-01", Decimal("100.00"), Decimal("0.00"), True),
    ])  # fmt: skip
    third = export_service_credits(warehouse, root)
    assert [path.name for path in third.written] == ["service_credits_2026-01_restatement_2.csv"]
    assert "K1,CU,Gold,2026-01-01,99.70" in third.written[0].read_text()
    con = duckdb.connect()
    try:
        parquet = con.execute(
            "select count(*), sum(credit_amount) from read_parquet(?)",
            [str(finance / "service_credits.parquet")],
        ).fetchone()
    finally:
        con.close()
    assert parquet == (4, Decimal("250.00"))


def test_exports_dir_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KPI_EXPORTS_DIR", str(tmp_path / "elsewhere"))
    assert exports_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("KPI_EXPORTS_DIR")
    assert exports_dir().parts[-2:] == ("data", "exports")


def test_the_export_runs_after_dbt_builds_fct_service_credits() -> None:
    from orchestration.resources import dbt_project

    dbt_project.preparer.prepare(dbt_project)
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    export = graph.get(dg.AssetKey(["finance_service_credit_export"]))
    assert export.parent_keys == {dg.AssetKey(["marts", "fct_service_credits"])}
    assert graph.get(dg.AssetKey(["marts", "fct_service_credits"])).is_materializable
