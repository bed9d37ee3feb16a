"""Service credits end to end (kpi-definitions.md §6): the hand-built Statuspage, SLA
exclusion and contract files of `fixtures/landing_e2e` through ingest -> dbt ->
`marts.fct_service_credits` -> the finance export, every number worked out by hand.

Catalog: checkout = Statuspage component cmp001, search = cmp002. Statuspage (UTC):

    sp1  checkout major_outage 01-10 10:00 -> operational 11:00              60 min
    sp2  search   major_outage 01-10 10:30, no transition back, resolved 11:30
    sp3  checkout partial 01-20 08:00-06:00 (14:00), major 14:30, resolved 15:30;
         maintenance mx1 on checkout 15:00-16:00 (announced): down 14:30-15:00 only
    sp4  search   major 01-25 00:00-02:00, listed in sla/exclusions (force_majeure)
    sp5  checkout major 01-31 21:00-05:00 -> 22:00 (= 02-01 02:00-03:00 UTC)
    sp6  search   major 02-16 12:00-20:00 (480 min); updated 02-20 00:00 = the latest
         Statuspage stamp: January is closed, February is not.

Contracts (crm/contracts/contracts_credits_2026-01-01.csv):
    cr-gold-01  Gold 10000 USD, checkout;search, from 2026-01-01, UTC
    cr-ny-01    Silver 5000 EUR, checkout, from 2026-01-15, America/New_York
    cr-tier-01  Silver 2000 USD, search, from 2026-01-01, Gold 4000 USD from 2026-02-15
"""

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration_tests.conftest import PipelineRun, run_cli

D = Decimal
RESTATEMENT_FILES = Path(__file__).resolve().parent / "fixtures" / "credits_restatement"
COLUMNS = (
    "contract_id, tier, strftime(month_start, '%Y-%m'), uptime_pct, downtime_minutes, "
    "maintenance_minutes, excluded_downtime_minutes, breached_support_slas, "
    "uptime_credit_pct, support_credit_pct, credit_pct, is_capped, monthly_fee, "
    "credit_amount, currency, is_month_closed"
)

# contract, tier, month, uptime, downtime, maintenance, excluded, breaches,
# uptime credit %, support %, credit %, capped, fee, credit, currency, closed
EXPECTED_FIRST_RUN = [
    # January, 31 days = 44640 min. Downtime = union over checkout and search of
    # (outage - own maintenance): sp1 + sp2 merged = 10:00-11:30 = 90 (not 60 + 60) + sp3's
    # 14:30-15:00 = 30 -> 120; maintenance 60 (15:00-16:00, no downtime in it); sp4
    # excluded 120 (stays in the denominator). Uptime = 100 x (1 - 120 / (44640 - 60))
    # = 99.7308: below 99.95 and 99.9, not 99.5 -> 10 % of 10000 = 1000.00.
    ("cr-gold-01", "Gold", "2026-01", D("99.73"), D("120.00"), D("60.00"), D("120.00"), 0,
     D("10.00"), D("0.00"), D("10.00"), False, D("10000.00"), D("1000.00"), "USD", True),
    # February (open, 28 days = 40320 min): sp5 60 (Feb 1 in UTC) + sp6 480 = 540:
    # 100 x (1 - 540/40320) = 98.6607, below 99.0 not 95.0 -> 25 % = 2500.00.
    ("cr-gold-01", "Gold", "2026-02", D("98.66"), D("540.00"), D("0.00"), D("0.00"), 0,
     D("25.00"), D("0.00"), D("25.00"), False, D("10000.00"), D("2500.00"), "USD", False),
    # New York January from the 15th: Jan 15 05:00 -> Feb 1 05:00 UTC, 17 of 31 days =
    # 24480 min; checkout: sp3 30 + sp5 60 (Jan 31 21:00-22:00 in New York) = 90,
    # maintenance 60: 100 x (1 - 90/24420) = 99.6314 -> Silver 10 %;
    # 5000 x 10 % x 17/31 = 274.1935 -> 274.19.
    ("cr-ny-01", "Silver", "2026-01", D("99.63"), D("90.00"), D("60.00"), D("0.00"), 0,
     D("10.00"), D("0.00"), D("10.00"), False, D("5000.00"), D("274.19"), "EUR", True),
    # New York February (from 02-01 05:00 UTC): no checkout outage -> 100, 0.00.
    ("cr-ny-01", "Silver", "2026-02", D("100.00"), D("0.00"), D("0.00"), D("0.00"), 0,
     D("0.00"), D("0.00"), D("0.00"), False, D("5000.00"), D("0.00"), "EUR", False),
    # search only: sp2 60 down, sp4 120 excluded: 100 x (1 - 60/44640) = 99.8656 ->
    # Silver below 99.9 -> 10 % of 2000 = 200.00.
    ("cr-tier-01", "Silver", "2026-01", D("99.87"), D("60.00"), D("0.00"), D("120.00"), 0,
     D("10.00"), D("0.00"), D("10.00"), False, D("2000.00"), D("200.00"), "USD", True),
    # Tier change on 02-15: Silver 02-01..02-14 (14 days), Gold 02-15..02-28 (14 days);
    # sp6 480 over the month: 100 x (1 - 480/40320) = 98.8095, below 99.0 for both
    # tiers -> 25 %: 2000 x 25 % x 14/28 + 4000 x 25 % x 14/28 = 250 + 500 = 750.00;
    # the row shows the terms at the month's end (Gold, 4000).
    ("cr-tier-01", "Gold", "2026-02", D("98.81"), D("480.00"), D("0.00"), D("0.00"), 0,
     D("25.00"), D("0.00"), D("25.00"), False, D("4000.00"), D("750.00"), "USD", False),
]  # fmt: skip

# The second load (fixtures/credits_restatement): sla/exclusions adds sp2 (third_party),
# and a Statuspage export of 03-02 13:00 (sp8, checkout degraded only: no downtime)
# moves the latest stamp to 03-02 12:30, closing February everywhere.
EXPECTED_RESTATED_JANUARY = [
    # sp2 excluded: downtime sp1 60 + sp3 30 = 90; excluded = sp2's 11:00-11:30 (10:30-
    # 11:00 is sp1's downtime) 30 + sp4 120 = 150: 100 x (1 - 90/44580) = 99.7981 ->
    # still 10 % = 1000.00, but the row changed: a restatement.
    ("cr-gold-01", "Gold", "2026-01", D("99.80"), D("90.00"), D("60.00"), D("150.00"), 0,
     D("10.00"), D("0.00"), D("10.00"), False, D("10000.00"), D("1000.00"), "USD", True),
    ("cr-ny-01", "Silver", "2026-01", D("99.63"), D("90.00"), D("60.00"), D("0.00"), 0,
     D("10.00"), D("0.00"), D("10.00"), False, D("5000.00"), D("274.19"), "EUR", True),
    # search had only sp2 (now excluded) and sp4: 100.00, credit 0.00 (was 200.00).
    ("cr-tier-01", "Silver", "2026-01", D("100.00"), D("0.00"), D("0.00"), D("180.00"), 0,
     D("0.00"), D("0.00"), D("0.00"), False, D("2000.00"), D("0.00"), "USD", True),
]  # fmt: skip


def credit_rows(run: PipelineRun | Path, month: str | None = None) -> list[tuple]:
    sql = (
        f"select {COLUMNS} from marts.fct_service_credits where contract_id like 'cr-%' "
        + (f"and strftime(month_start, '%Y-%m') = '{month}' " if month else "")
        + "order by contract_id, month_start"
    )
    if isinstance(run, PipelineRun):
        return run.query(sql)
    con = duckdb.connect(str(run), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["contract_id"].startswith("cr-")]


CUSTOMERS = {"cr-gold-01": "CUST-CR-G", "cr-ny-01": "CUST-CR-N", "cr-tier-01": "CUST-CR-T"}


def as_csv(expected: tuple) -> dict[str, str]:
    """An expected row as the finance CSV writes it (customer_id from the contracts file)."""
    keys = ("contract_id", "tier", "month", "uptime_pct", "downtime_minutes",
            "maintenance_minutes", "excluded_downtime_minutes", "breached_support_slas",
            "uptime_credit_pct", "support_credit_pct", "credit_pct", "is_capped",
            "monthly_fee", "credit_amount", "currency")  # fmt: skip
    row = dict(zip(keys, expected[:-1], strict=True))
    row["month_start"] = row.pop("month") + "-01"
    row["customer_id"] = CUSTOMERS[row["contract_id"]]
    return {
        key: ("true" if v is True else "false" if v is False else str(v)) for key, v in row.items()
    }


def test_fct_service_credits_matches_hand_worked_rows(e2e_run: PipelineRun) -> None:
    assert credit_rows(e2e_run) == EXPECTED_FIRST_RUN


def test_finance_export_writes_closed_months_and_a_parquet(e2e_run: PipelineRun) -> None:
    finance = e2e_run.warehouse.parent / "exports" / "finance"
    # January is closed -> exported on the first run; February is open -> no file. The
    # second run of the session changed nothing: no restatement.
    assert (finance / "service_credits_2026-01.csv").exists()
    assert not (finance / "service_credits_2026-02.csv").exists()
    assert not list(finance.glob("*restatement*"))
    rows = csv_rows(finance / "service_credits_2026-01.csv")
    assert rows == [as_csv(row) for row in EXPECTED_FIRST_RUN if row[2] == "2026-01"]
    con = duckdb.connect()
    try:
        parquet = con.execute(
            "select count(*), sum(credit_amount) from read_parquet(?) "
            "where contract_id like 'cr-%'",
            [str(finance / "service_credits.parquet")],
        ).fetchone()
    finally:
        con.close()
    # All six cr- rows, open months included: 1000 + 2500 + 274.19 + 0 + 200 + 750.
    assert parquet == (6, D("4724.19"))


@pytest.fixture(scope="module")
def restated(e2e_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A third run on a copy of the session's landing, warehouse and exports, after a
    load that changes closed January and closes February."""
    work = tmp_path_factory.mktemp("credits_restatement")
    landing, warehouse = work / "landing", work / "warehouse.duckdb"
    shutil.copytree(e2e_run.landing, landing)
    shutil.copy2(e2e_run.warehouse, warehouse)
    shutil.copytree(e2e_run.warehouse.parent / "exports", work / "exports")
    shutil.copytree(RESTATEMENT_FILES, landing, dirs_exist_ok=True)
    result = run_cli(landing, warehouse, "run")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return work


def test_a_changed_closed_month_writes_a_restatement(restated: Path) -> None:
    finance = restated / "exports" / "finance"
    assert credit_rows(restated / "warehouse.duckdb", "2026-01") == EXPECTED_RESTATED_JANUARY
    # The original January file stays as finance received it; the restatement beside it.
    original = csv_rows(finance / "service_credits_2026-01.csv")
    assert original == [as_csv(row) for row in EXPECTED_FIRST_RUN if row[2] == "2026-01"]
    restatement = csv_rows(finance / "service_credits_2026-01_restatement_1.csv")
    assert restatement == [as_csv(row) for row in EXPECTED_RESTATED_JANUARY]
    # February is closed now: exported for the first time, with the first run's numbers.
    february = csv_rows(finance / "service_credits_2026-02.csv")
    assert february == [as_csv(row) for row in EXPECTED_FIRST_RUN if row[2] == "2026-02"]
    assert not (finance / "service_credits_2026-02_restatement_1.csv").exists()
