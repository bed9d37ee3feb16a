"""The report assets' tables (orchestration/assets/reports.py) on a hand-built marts
schema: a few rows per mart, every expected value worked out below."""

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.assets.reports import (
    MONTHLY_DEPARTMENT,
    QUARTERLY_EXECUTIVE,
    WEEKLY_TEAM,
    build_report,
)

MARTS_SQL = """
create schema marts;
create table marts.fct_tickets (
    ticket_id varchar, group_id varchar, is_production boolean, created_at timestamp,
    solved_at timestamp, first_reply_seconds bigint, is_escalated boolean
);
insert into marts.fct_tickets values
    -- ISO week of Monday 2026-03-09 is the latest week with a production ticket created.
    ('t1', 'g1', true,  '2026-03-09 10:00', '2026-03-10 09:00', 600,  false),
    ('t2', 'g1', true,  '2026-03-15 23:00', null,               1800, true),
    ('t3', 'g2', true,  '2026-03-02 09:00', '2026-03-11 12:00', 300,  false),
    ('t4', 'g2', false, '2026-03-16 09:00', null,               60,   false),
    ('t5', 'g3', true,  '2026-02-02 09:00', '2026-02-03 09:00', 120,  false);
create table marts.kpi_support_performance (
    month_start date, group_id varchar, tickets_created bigint, tickets_solved bigint,
    frt_mean_minutes decimal(18,2), resolution_mean_hours decimal(18,2),
    fcr_pct decimal(5,2), escalation_rate_pct decimal(5,2), reopen_rate_pct decimal(5,2),
    backlog_end_of_month bigint, cost_per_ticket decimal(18,2), support_cost_currency varchar
);
insert into marts.kpi_support_performance values
    ('2026-01-01', 'g1', 10, 8, 5.00, 2.00, 80.00, 10.00, 0.00, 2, 12.50, 'USD'),
    ('2026-02-01', 'g1', 20, 15, 6.00, 3.00, 70.00, 5.00, 5.00, 7, 11.00, 'USD'),
    ('2026-03-01', 'g1', 30, 25, 7.00, 4.00, 60.00, 0.00, 4.00, 12, 10.00, 'USD'),
    ('2026-03-01', 'g2', 5, 5, 1.00, 1.00, 100.00, 0.00, 0.00, 0, null, null),
    ('2025-12-01', 'g1', 99, 99, 1.00, 1.00, 100.00, 0.00, 0.00, 0, null, null);
create table marts.kpi_incident_response (
    month_start date, service_id varchar, severity varchar, incidents bigint, resolved bigint
);
insert into marts.kpi_incident_response values
    ('2026-01-01', 'checkout', 'SEV1', 4, 4),
    ('2026-03-01', 'search', 'SEV2', 2, 1),
    ('2025-12-01', 'search', 'SEV2', 50, 50);
create table marts.kpi_sla_compliance (
    month_start date, customer_id varchar, sla_metric varchar, priority varchar,
    measured bigint, breached bigint
);
insert into marts.kpi_sla_compliance values
    ('2026-02-01', 'c1', 'first_reply_time', 'high', 30, 3),
    ('2026-03-01', 'c1', 'first_reply_time', 'high', 10, 2),
    ('2025-11-01', 'c1', 'first_reply_time', 'high', 100, 100);
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute(MARTS_SQL)
    con.close()
    return path


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_weekly_team_report(warehouse: Path, tmp_path: Path) -> None:
    published = build_report(WEEKLY_TEAM, warehouse, tmp_path)
    # Latest production week: t1 (Mon 03-09) and t2 (Sun 03-15) -> week 2026-03-09; t4
    # (03-16) is non-production, t3 was created the week before.
    # g1: created t1, t2 = 2; solved that week t1 (03-10) = 1; first reply mean of t1, t2
    #     (600 + 1800) / 2 = 1200 s = 20.00 min; escalated t2 = 1.
    # g2: created 0; solved t3 (03-11) = 1; no first reply that week; escalated 0.
    # g3: nothing that week: no row.
    assert published.period == "2026-03-09"
    assert published.path.name == "weekly_team_report_2026-03-09.csv"
    assert _read(published.path) == [
        [
            "week_start",
            "group_id",
            "tickets_created",
            "tickets_solved",
            "frt_mean_minutes",
            "tickets_escalated",
        ],
        ["2026-03-09", "g1", "2", "1", "20.0", "1"],
        ["2026-03-09", "g2", "0", "1", "", "0"],
    ]


def test_monthly_department_report(warehouse: Path, tmp_path: Path) -> None:
    published = build_report(MONTHLY_DEPARTMENT, warehouse, tmp_path)
    # The latest month 2026-03: both groups' rows, as the mart has them.
    assert published.period == str(date(2026, 3, 1))
    rows = _read(published.path)
    assert [row[:4] for row in rows[1:]] == [
        ["2026-03-01", "g1", "30", "25"],
        ["2026-03-01", "g2", "5", "5"],
    ]
    assert rows[1][-2:] == ["10.00", "USD"]


def test_quarterly_executive_report(warehouse: Path, tmp_path: Path) -> None:
    published = build_report(QUARTERLY_EXECUTIVE, warehouse, tmp_path)
    # Latest quarter 2026-Q1 (January-March); December and November 2025 are not in it.
    # tickets created 10 + 20 + 30 + 5 = 65; solved 8 + 15 + 25 + 5 = 53;
    # incidents 4 + 2 = 6, resolved 4 + 1 = 5;
    # SLA measured 30 + 10 = 40, breached 3 + 2 = 5: attainment (40 - 5) / 40 = 87.50 %.
    assert published.period == "2026-01-01"
    assert _read(published.path)[1:] == [
        ["2026-01-01", "tickets_created", "65.0"],
        ["2026-01-01", "tickets_solved", "53.0"],
        ["2026-01-01", "incidents", "6.0"],
        ["2026-01-01", "incidents_resolved", "5.0"],
        ["2026-01-01", "sla_clocks_measured", "40.0"],
        ["2026-01-01", "sla_clocks_breached", "5.0"],
        ["2026-01-01", "sla_attainment_pct", "87.5"],
    ]
