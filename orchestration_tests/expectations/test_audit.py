"""The hash chain of audit.validation_runs: appended runs verify, any edit is named.

Reports are built by hand (no GX run): the chain only needs their rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from expectations import audit
from expectations.validate import ExpectationOutcome, SuiteReport, ValidationReport

REPO = Path(__file__).resolve().parents[2]
STARTED = dt.datetime(2026, 7, 1, 4, 0, 0, 123456)


def _report(quarter: str, count_difference: float) -> ValidationReport:
    ok = count_difference <= 2
    outcomes = (
        ExpectationOutcome(
            expectation_type="expect_table_row_count_to_be_between",
            columns=(),
            success=True,
            severity="warning",
            observed_value=2,
            result={"success": True, "result": {"observed_value": 2}},
        ),
        ExpectationOutcome(
            expectation_type="expect_column_values_to_be_between",
            columns=("count_difference_pct",),
            success=ok,
            severity="critical",
            unexpected_count=0 if ok else 1,
            unexpected_rows=() if ok else ({"service_id": "checkout", "pct": count_difference},),
            result={"success": ok, "result": {"unexpected_count": 0 if ok else 1}},
        ),
    )
    suite = SuiteReport(
        name="recon_deployments_vs_changes",
        success=ok,
        rows=2,
        evaluated=2,
        successful=1 + ok,
        kind="reconciliation",
        outcomes=outcomes,
    )
    missing = SuiteReport(
        name="recon_credits_vs_billing",
        success=False,
        rows=None,
        error="marts.fct_service_credits cannot be read",
        kind="reconciliation",
    )
    return ValidationReport(
        success=False,
        suites=(suite, missing),
        quarter=quarter,
        started_at=STARTED,
        finished_at=STARTED + dt.timedelta(seconds=3),
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """Two runs appended: 3 rows each (2 expectations + 1 suite that could not run)."""
    path = tmp_path / "warehouse.duckdb"
    audit.record_run(path, _report("2026Q1", 0.5), run_id="run-1")
    audit.record_run(path, _report("2026Q2", 10.0), run_id="run-2")
    return path


def _rows(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select row_id, run_id, quarter, suite, expectation, success, unexpected_count, "
            "unexpected_sample, result_sha256, previous_row_sha256, row_sha256, result_json "
            "from audit.validation_runs order by row_id"
        ).fetchall()


def test_each_run_appends_chained_rows(warehouse: Path) -> None:
    rows = _rows(warehouse)
    assert [(r[0], r[1], r[2], r[5]) for r in rows] == [
        (1, "run-1", "2026Q1", True),
        (2, "run-1", "2026Q1", True),
        (3, "run-1", "2026Q1", False),  # the suite that could not run
        (4, "run-2", "2026Q2", True),
        (5, "run-2", "2026Q2", False),
        (6, "run-2", "2026Q2", False),
    ]
    assert rows[4][4] == "expect_column_values_to_be_between(count_difference_pct)"
    assert json.loads(rows[4][7]) == [{"service_id": "checkout", "pct": 10.0}]
    assert rows[0][9] == audit.GENESIS
    for previous, row in itertools.pairwise(rows):
        assert row[9] == previous[10]  # previous_row_sha256 = the row before's row_sha256
    for row in rows:
        assert row[8] == audit.sha256(row[11])  # result_sha256 = SHA-256 of result_json
    result = audit.verify_chain(warehouse)
    assert (result.ok, result.rows, result.head) == (True, 6, rows[-1][10])


def test_an_edited_row_is_named(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update audit.validation_runs set success = true where row_id = 5")
    result = audit.verify_chain(warehouse)
    assert result.ok is False
    (problem,) = result.problems
    assert problem.startswith("row 5 (run run-2, recon_deployments_vs_changes")
    assert "row content changed" in problem


def test_an_edited_result_is_named(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update audit.validation_runs set result_json = replace(result_json, "
            "'\"success\":false', '\"success\":true') where row_id = 5"
        )
    problems = audit.verify_chain(warehouse).problems
    assert [p.split(":")[0] for p in problems] == [
        "row 5 (run run-2, recon_deployments_vs_changes",
        "row 5 (run run-2, recon_deployments_vs_changes",
    ]
    assert "result_sha256 mismatch" in problems[0] and "row_sha256 mismatch" in problems[1]


def test_a_deleted_row_breaks_the_chain(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from audit.validation_runs where row_id = 3")
    problems = audit.verify_chain(warehouse).problems
    # Row 4 now sits where row 3 was, and its link points at the deleted row.
    assert any("row 4" in p and "row_id 4 where 3 was expected" in p for p in problems)
    assert any("row 4" in p and "chain broken" in p for p in problems)


def test_make_audit_verify_exits_1_and_names_the_row(warehouse: Path) -> None:
    env = {**os.environ, "KPI_WAREHOUSE_PATH": str(warehouse)}
    intact = subprocess.run(
        ["make", "-s", "audit-verify"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "OK: 6 rows of audit.validation_runs, hash chain intact" in intact.stdout
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update audit.validation_runs set unexpected_count = 0 where row_id = 5")
    changed = subprocess.run(
        ["make", "-s", "audit-verify"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert changed.returncode != 0
    assert "CHANGED: 1 problem(s)" in changed.stdout
    assert "row 5 (run run-2" in changed.stdout


def test_no_table_yet_verifies_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    assert audit.main(["verify", "--warehouse", str(path)]) == 0
