"""The §8 reconciliations on small hand-built DuckDB files (no dbt, no Dagster).

Each warehouse holds only the columns the reconciliation query reads. One GX project is
built per module; each validation run costs a second or two.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from expectations import validate
from expectations.suites import reconciliation

DEPLOYS = reconciliation.DEPLOYMENTS_VS_CHANGES
CREDITS = reconciliation.CREDITS_VS_BILLING
SLA = reconciliation.SLA_VERDICTS
CONSERVATION = reconciliation.CONSERVATION

DELIVERY_DDL = """
create schema marts; create schema staging; create schema intermediate;
create table marts.fct_deployments (
    service_id varchar, finished_at timestamp, is_production boolean, is_success boolean,
    status varchar
);
create table intermediate.int_service_keys_unnested (
    service_id varchar, source varchar, source_key varchar
);
create table staging.stg_servicenow__change_requests (
    cmdb_ci_sys_id varchar, state varchar, close_code varchar, work_ended_at timestamp,
    closed_at timestamp
);
insert into intermediate.int_service_keys_unnested values
    ('checkout', 'servicenow', 'ci-checkout'), ('search', 'servicenow', 'ci-search');
"""


def _deploys(con, service: str, at: str, successful: int, failed: int = 0) -> None:
    con.execute(
        "insert into marts.fct_deployments select ?, cast(? as timestamp), true, "
        "i < ?, case when i < ? then 'success' else 'failed' end from range(?) as t(i)",
        [service, at, successful, successful, successful + failed],
    )


def _changes(con, ci: str, at: str, successful: int, unsuccessful: int = 0) -> None:
    con.execute(
        "insert into staging.stg_servicenow__change_requests select ?, '3', "
        "case when i < ? then 'successful' else 'unsuccessful' end, cast(? as timestamp), "
        "cast(? as timestamp) from range(?) as t(i)",
        [ci, successful, at, at, successful + unsuccessful],
    )


def _delivery_warehouse(path: Path, checkout_changes: int) -> Path:
    """2026Q2: checkout 50 successful + 1 failed production deployments against
    ``checkout_changes`` successful + 1 unsuccessful changes; search 100 deployments against
    99 changes (1 % apart: within the default 2). 2026Q1: checkout 10 deployments and no
    change at all (a break in Q1 only). Noise the query must ignore: a non-production
    deployment, a canceled one, a change still open (state -1)."""
    with duckdb.connect(str(path)) as con:
        con.execute(DELIVERY_DDL)
        _deploys(con, "checkout", "2026-05-10 10:00:00", successful=50, failed=1)
        _deploys(con, "search", "2026-04-02 10:00:00", successful=100)
        _deploys(con, "checkout", "2026-02-10 10:00:00", successful=10)
        con.execute(
            "insert into marts.fct_deployments values "
            "('checkout', '2026-05-11 10:00', false, true, 'success'), "
            "('checkout', '2026-05-11 11:00', true, false, 'canceled')"
        )
        _changes(con, "ci-checkout", "2026-05-10 11:00:00", checkout_changes, unsuccessful=1)
        _changes(con, "ci-search", "2026-04-02 11:00:00", 99)
        con.execute(
            "insert into staging.stg_servicenow__change_requests values "
            "('ci-checkout', '-1', null, null, null)"
        )
    return path


@pytest.fixture(scope="module")
def gx_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gx_recon") / "gx"
    validate.build_suites(root)
    return root


@pytest.fixture(scope="module")
def agreeing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _delivery_warehouse(tmp_path_factory.mktemp("agree") / "w.duckdb", checkout_changes=50)


@pytest.fixture(scope="module")
def disagreeing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _delivery_warehouse(tmp_path_factory.mktemp("apart") / "w.duckdb", checkout_changes=45)


def test_agreeing_deployments_and_changes_pass(gx_root: Path, agreeing: Path) -> None:
    # checkout: 50 vs 50 successful (0 %), rates 50/51 = 98.04 vs 50/51 = 98.04 (0 points);
    # search: |100 - 99| / 100 = 1.00 % <= 2, rates 100 vs 100.
    report = validate.run_validation(agreeing, gx_root=gx_root, suites=[DEPLOYS], quarter="2026Q2")
    suite = report.suite(DEPLOYS)
    assert (suite.success, suite.rows, suite.failed) == (True, 2, ())


def test_deployments_and_changes_apart_beyond_tolerance_fail_listing_the_rows(
    gx_root: Path, disagreeing: Path
) -> None:
    # checkout: |50 - 45| / 50 = 10.00 % > 2; rates 50/51 = 98.04 vs 45/46 = 97.83, 0.21
    # points apart (within 2). search is within tolerance and is not listed.
    report = validate.run_validation(
        disagreeing, gx_root=gx_root, suites=[DEPLOYS], quarter="2026Q2"
    )
    suite = report.suite(DEPLOYS)
    assert suite.success is False and suite.has_critical_failure
    (failure,) = [outcome for outcome in suite.outcomes if not outcome.success]
    assert failure.columns == ("count_difference_pct",)
    assert failure.unexpected_count == 1
    (row,) = failure.unexpected_rows
    assert (
        row["service_id"],
        row["deployments_successful"],
        row["changes_successful"],
        row["count_difference_pct"],
        row["deployment_success_rate_pct"],
        row["change_success_rate_pct"],
    ) == ("checkout", 50, 45, 10.0, 98.04, 97.83)
    assert str(row["quarter_start"]).startswith("2026-04-01")


def test_the_quarter_cuts_the_rows(gx_root: Path, agreeing: Path) -> None:
    # 2026Q1: checkout 10 deployments, 0 changes -> 100 % apart; its change rate is NULL
    # (nothing closed), so only the count check fails.
    report = validate.run_validation(agreeing, gx_root=gx_root, suites=[DEPLOYS], quarter="2026Q1")
    suite = report.suite(DEPLOYS)
    (failure,) = suite.failed
    assert failure.unexpected_values == (100.0,)
    assert suite.rows == 1


def test_the_tolerance_is_a_run_parameter(gx_root: Path, disagreeing: Path) -> None:
    # 10 % apart passes when 10 % is tolerated.
    report = validate.run_validation(
        disagreeing, gx_root=gx_root, suites=[DEPLOYS], quarter="2026Q2", tolerance_pct=10
    )
    assert report.suite(DEPLOYS).success is True
    assert report.parameters == {"reconciliation_tolerance_pct": 10}


def test_tolerance_comes_from_the_dbt_var_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(reconciliation.TOLERANCE_ENV, raising=False)
    assert reconciliation.tolerance_pct() == 2.0  # dbt_project.yml vars
    monkeypatch.setenv(reconciliation.TOLERANCE_ENV, "0.5")
    assert reconciliation.tolerance_pct() == 0.5
    monkeypatch.setenv(reconciliation.TOLERANCE_ENV, "two")
    with pytest.raises(ValueError, match="not a number"):
        reconciliation.tolerance_pct()


def test_bad_quarter_label_is_refused(gx_root: Path, agreeing: Path) -> None:
    with pytest.raises(ValueError, match="YYYYQn"):
        validate.run_validation(agreeing, gx_root=gx_root, suites=[DEPLOYS], quarter="2026-Q2")
    assert validate.quarter_bounds("2026Q4") == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))


# --------------------------------------------------------------------------- credits

CREDITS_DDL = """
create schema marts; create schema staging;
create table marts.fct_service_credits (
    contract_id varchar, month_start date, currency varchar, credit_amount decimal(18, 2),
    is_month_closed boolean
);
create table staging.stg_finance__billing_adjustments (
    adjustment_id varchar, contract_id varchar, month_start date, amount decimal(18, 2),
    currency varchar, reason varchar
);
insert into marts.fct_service_credits values
    ('C1', '2026-04-01', 'USD', 100.00, true),   -- booked exactly
    ('C2', '2026-04-01', 'EUR', 250.00, true),   -- booked 252.50
    ('C3', '2026-05-01', 'USD', 80.00, true),    -- never booked
    ('C4', '2026-05-01', 'USD', 0.00, true),     -- nothing owed, a goodwill booking only
    ('C6', '2026-06-01', 'USD', 40.00, false);   -- month still open: not compared
insert into staging.stg_finance__billing_adjustments values
    ('A1', 'C1', '2026-04-01', 60.00, 'USD', 'sla_credit'),
    ('A2', 'C1', '2026-04-01', 40.00, 'USD', 'sla_credit'),
    ('A3', 'C2', '2026-04-01', 252.50, 'EUR', 'sla_credit'),
    ('A4', 'C4', '2026-05-01', 50.00, 'USD', 'goodwill'),
    ('A5', 'C5', '2026-06-01', 30.00, 'USD', 'sla_credit'),  -- booked, nothing owed
    ('A6', 'C6', '2026-06-01', 35.00, 'USD', 'sla_credit');  -- open month: not yet compared
"""


def test_credits_vs_billing_lists_each_disagreeing_contract_month(
    gx_root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "credits.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(CREDITS_DDL)
    report = validate.run_validation(path, gx_root=gx_root, suites=[CREDITS], quarter="2026Q2")
    suite = report.suite(CREDITS)
    # Compared: C1 (100 = 60 + 40), C2 (250 vs 252.50), C3 (80 vs 0), C5 (0 vs 30) -> 4 rows.
    assert suite.rows == 4
    (failure,) = suite.failed
    assert failure.unexpected_count == 3
    (outcome,) = [item for item in suite.outcomes if not item.success]
    listed = {
        (row["contract_id"], row["credit_amount"], row["billed_amount"], row["difference"])
        for row in outcome.unexpected_rows
    }
    assert listed == {("C2", 250.0, 252.5, 2.5), ("C3", 80.0, 0.0, -80.0), ("C5", 0.0, 30.0, 30.0)}


# --------------------------------------------------------------------------- SLA verdicts


@pytest.mark.parametrize(("disagreeing_clocks", "passes"), [(1, True), (2, False)])
def test_sla_verdicts_agree_on_at_least_99_pct(
    gx_root: Path, tmp_path: Path, disagreeing_clocks: int, passes: bool
) -> None:
    # 100 clocks: 99/100 = 99 % agreement passes, 98/100 fails.
    path = tmp_path / "sla.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create schema marts; create table marts.fct_sla_events as select 'zendesk' as "
            "source, cast(i as varchar) as ticket_id, 'first_reply_time' as sla_metric, "
            "1 as instance_id, date '2026-04-01' as month_start, 60 as target_minutes, "
            "30 as elapsed_minutes, i < ? as is_breached, false as source_is_breached "
            "from range(100) as t(i)",
            [disagreeing_clocks],
        )
    suite = validate.run_validation(path, gx_root=gx_root, suites=[SLA], quarter="2026Q2").suite(
        SLA
    )
    assert suite.success is passes
    if not passes:
        (outcome,) = [item for item in suite.outcomes if not item.success]
        assert outcome.unexpected_count == 2
        assert {row["ticket_id"] for row in outcome.unexpected_rows} == {"0", "1"}


# --------------------------------------------------------------------------- conservation


def test_a_raw_key_missing_from_staging_breaks_conservation(gx_root: Path, tmp_path: Path) -> None:
    path = tmp_path / "ledger.duckdb"  # not raw.duckdb: the catalog would shadow schema raw
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw; create schema staging")
        con.execute(
            "create table raw.ingest_files (raw_table varchar, records integer, "
            "rejected integer, status varchar)"
        )
        con.execute("create table raw.ingest_rejections (raw_table varchar, record_number integer)")
        for raw_table, staging, _, key in reconciliation.CONSERVED_ENTITIES:
            con.execute(
                f"create table raw.{raw_table} (record_json varchar, _file_path varchar, "
                "_record_number integer)"
            )
            con.execute(
                f"create table staging.{staging} ({key} varchar, _file_path varchar, "
                "_record_number integer)"
            )
        # PagerDuty: P1 twice (the later version staged), P2 once and not staged: vanished.
        # The file read 3 records and rejected 1, which is in ingest_rejections.
        con.execute(
            "insert into raw.pagerduty__incidents values ('{\"id\": \"P1\"}', 'a.json', 1), "
            "('{\"id\": \"P1\"}', 'b.json', 1), ('{\"id\": \"P2\"}', 'b.json', 2)"
        )
        con.execute("insert into staging.stg_pagerduty__incidents values ('P1', 'b.json', 1)")
        con.execute(
            "insert into raw.ingest_files values ('pagerduty__incidents', 1, 0, 'loaded'), "
            "('pagerduty__incidents', 2, 1, 'partial')"
        )
        con.execute("insert into raw.ingest_rejections values ('pagerduty__incidents', 3)")
    suite = validate.run_validation(path, gx_root=gx_root, suites=[CONSERVATION]).suite(
        CONSERVATION
    )
    (outcome,) = [item for item in suite.outcomes if not item.success]
    assert outcome.columns == ("raw_records_not_staged",)
    (row,) = outcome.unexpected_rows
    # raw 3 = 1 staged version (P1 from b.json) + 1 superseded (P1 from a.json) + 1 lost (P2).
    assert (
        row["raw_table"],
        row["raw_records"],
        row["staged_versions"],
        row["superseded_versions"],
        row["raw_records_not_staged"],
        row["records_missing_from_raw"],
        row["rejections_missing"],
    ) == ("pagerduty__incidents", 3, 1, 1, 1, 0, 0)


# --------------------------------------------------------------------------- a mart invariant

CREDIT_CAP_DDL = """
create schema marts; create schema reference;
create table reference.sla_tiers (tier varchar, monthly_cap_pct decimal(5, 2));
insert into reference.sla_tiers values ('Gold', 50), ('Gold', 50), ('Silver', 35);
create table marts.fct_service_credits (
    contract_id varchar, tier varchar, month_start date, uptime_pct decimal(7, 4),
    downtime_minutes decimal(12, 2), maintenance_minutes decimal(12, 2),
    excluded_downtime_minutes decimal(12, 2), breached_support_slas integer,
    uptime_credit_pct decimal(5, 2), support_credit_pct decimal(5, 2),
    credit_pct decimal(5, 2), monthly_fee decimal(18, 2), credit_amount decimal(18, 2)
);
insert into marts.fct_service_credits values
    -- Gold at its cap: 50 % of 1000.00 = 500.00.
    ('G1', 'Gold', '2026-04-01', 94.0, 2592, 0, 0, 0, 50, 0, 50, 1000.00, 500.00),
    -- Silver above its 35 % cap (25 + 15 support credits = 40, not capped): broken.
    ('S1', 'Silver', '2026-04-01', 98.9, 475, 0, 0, 15, 25, 15, 40, 1000.00, 400.00),
    -- A credit above the monthly fee: broken.
    ('S2', 'Silver', '2026-05-01', 99.8, 86, 0, 0, 0, 10, 0, 10, 500.00, 600.00);
"""


def test_credit_above_the_tier_cap_or_the_fee_fails_the_mart_suite(
    gx_root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "credits_cap.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(CREDIT_CAP_DDL)
    suite = validate.run_validation(
        path, gx_root=gx_root, suites=["fct_service_credits"], quarter="2026Q2"
    ).suite("fct_service_credits")
    assert suite.rows == 3 and suite.has_critical_failure
    failed = {
        outcome.columns: [row["contract_id"] for row in outcome.unexpected_rows]
        for outcome in suite.outcomes
        if not outcome.success
    }
    assert failed == {
        ("monthly_cap_pct", "credit_pct"): ["S1"],
        ("monthly_fee", "credit_amount"): ["S2"],
    }


RETENTION_DDL = """
create schema marts;
create table marts.kpi_customer_retention (
    month_start date, tier varchar, currency varchar, customers_start integer,
    customers_retained integer, customer_retention_rate_pct decimal(5, 2),
    mrr_start decimal(18, 2), mrr_end_from_start_customers decimal(18, 2),
    net_revenue_retention_pct decimal(18, 2)
);
insert into marts.kpi_customer_retention values
    -- 3 of 4 retained = 75.00 %; 8500.00 -> 6800.00 = 80.00 % NRR: sound.
    ('2026-04-01', 'all', 'USD', 4, 3, 75.00, 8500.00, 6800.00, 80.00),
    -- Upgrades: NRR 4500.00 -> 5500.00 = 122.22 % may exceed 100: sound.
    ('2026-04-01', 'Silver', 'USD', 3, 3, 100.00, 4500.00, 5500.00, 122.22),
    -- 3 retained of 2 at the start (150 %): broken twice.
    ('2026-05-01', 'Gold', 'USD', 2, 3, 150.00, 3000.00, 3000.00, 100.00);
"""


def test_more_retained_than_started_fails_the_retention_suite(
    gx_root: Path, tmp_path: Path
) -> None:
    path = tmp_path / "retention.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(RETENTION_DDL)
    suite = validate.run_validation(
        path, gx_root=gx_root, suites=["kpi_customer_retention"], quarter="2026Q2"
    ).suite("kpi_customer_retention")
    assert suite.rows == 3 and suite.has_critical_failure
    failed = {
        outcome.columns: [
            (str(row["month_start"])[:10], row["tier"]) for row in outcome.unexpected_rows
        ]
        for outcome in suite.outcomes
        if not outcome.success
    }
    # Only the May Gold row: retained 3 > start 2, and 150.00 outside 0..100.
    assert failed == {
        ("customers_start", "customers_retained"): [("2026-05-01", "Gold")],
        ("customer_retention_rate_pct",): [("2026-05-01", "Gold")],
    }
