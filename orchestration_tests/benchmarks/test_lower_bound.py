"""The benchmark's hand-written lower-bound script (benchmarks/lower_bound.sql) computes
exactly the rows of the two marts it stands in for, with their column names and types, on
the hand-built end-to-end warehouse (the session's e2e_run fixture; the script only reads
it)."""

from datetime import date

import pytest

from benchmarks.lower_bound import MARTS, LowerBoundResult, run_lower_bound
from orchestration_tests.conftest import PipelineRun
from orchestration_tests.test_pipeline_e2e import EXPECTED_KPI_ROWS as EXPECTED_INCIDENT_ROWS
from orchestration_tests.test_support_e2e import EXPECTED_KPI_ROWS as EXPECTED_SUPPORT_ROWS


@pytest.fixture(scope="module")
def lower_bound(e2e_run: PipelineRun) -> LowerBoundResult:
    return run_lower_bound(e2e_run.warehouse)


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=lambda row: tuple((value is None, str(value)) for value in row))


@pytest.mark.parametrize("mart", MARTS)
def test_lower_bound_gives_the_marts_rows_row_for_row(
    e2e_run: PipelineRun, lower_bound: LowerBoundResult, mart: str
) -> None:
    described = e2e_run.query(f"describe marts.{mart}")
    assert lower_bound.columns[mart] == [row[0] for row in described]
    assert lower_bound.types[mart] == [row[1] for row in described]
    assert _sorted(lower_bound.rows[mart]) == _sorted(e2e_run.query(f"select * from marts.{mart}"))


def _iso(rows: list[tuple]) -> list[tuple]:
    return [(row[0].isoformat() if isinstance(row[0], date) else row[0], *row[1:]) for row in rows]


def test_lower_bound_incident_kpis_are_the_hand_worked_ones(lower_bound: LowerBoundResult) -> None:
    # The rows worked out by hand in test_pipeline_e2e.py (EXPECTED_KPI_ROWS), read from
    # the script's own result rather than from the mart.
    rows = lower_bound.select(
        "kpi_incident_response",
        "month_start", "service_id", "severity", "incidents", "acknowledged", "resolved",
        "mtta_minutes", "mttr_minutes", "tta_p50_minutes", "tta_p90_minutes",
        "ttr_p50_minutes", "ttr_p90_minutes", "recurrence_rate_pct", "mttr_target_minutes",
        "is_mttr_over_target_30pct",
    )  # fmt: skip
    assert sorted(_iso(rows), key=lambda row: row[:3]) == sorted(
        EXPECTED_INCIDENT_ROWS, key=lambda row: row[:3]
    )


def test_lower_bound_support_kpis_are_the_hand_worked_ones(lower_bound: LowerBoundResult) -> None:
    # The rows worked out by hand in test_support_e2e.py (EXPECTED_KPI_ROWS); group 9901
    # holds the satisfaction fixture's tickets, left out there too.
    rows = lower_bound.select(
        "kpi_support_performance",
        "month_start", "group_id", "tickets_created", "tickets_solved", "frt_mean_minutes",
        "frt_p50_minutes", "frt_p90_minutes", "frt_business_mean_minutes",
        "resolution_mean_hours", "resolution_business_mean_hours", "fcr_pct",
        "escalation_rate_pct", "reopen_rate_pct", "backlog_end_of_month", "support_cost",
        "cost_per_ticket", "cost_per_resolution", "complaints_created",
        "complaints_resolved_pct", "proactive_tickets", "proactive_engagement_rate_pct",
    )  # fmt: skip
    rows = sorted((row for row in _iso(rows) if row[1] != "9901"), key=lambda row: row[:2])
    assert rows == EXPECTED_SUPPORT_ROWS
