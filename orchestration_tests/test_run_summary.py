"""The run summary (orchestration/run_summary.py) from a run's own event log and dbt's
run_results.json: a toy run with one raw table, a GX check that fails, a dbt check that
is counted from run_results instead, and a run_results file worked out by hand."""

import json
from pathlib import Path

import dagster as dg

from orchestration.run_summary import summarise


@dg.asset(
    key=["raw", "tool__entity"],
    check_specs=[
        dg.AssetCheckSpec("gx_suite", asset=["raw", "tool__entity"]),
        dg.AssetCheckSpec("gx_recon_raw_to_staging", asset=["raw", "tool__entity"]),
    ],
)
def raw_tool_entity():
    yield dg.MaterializeResult(
        metadata={
            "files_loaded": 3,
            "files_skipped": 2,
            "files_rejected": 1,
            "records_loaded": 120,
            "records_rejected": 4,
        }
    )
    yield dg.AssetCheckResult(check_name="gx_suite", passed=False)
    # a reconciliation suite (expectations/suites): a break, counted apart from failures
    yield dg.AssetCheckResult(check_name="gx_recon_raw_to_staging", passed=False)


@dg.asset(
    key=["marts", "fct_x"],
    deps=[raw_tool_entity],
    check_specs=[dg.AssetCheckSpec("unique_fct_x_id", asset=["marts", "fct_x"])],
)
def fct_x():
    yield dg.MaterializeResult()
    # a dbt test surfaced as a check: counted from run_results.json, not here
    yield dg.AssetCheckResult(check_name="unique_fct_x_id", passed=False)


def test_summary_counts_the_run(tmp_path: Path) -> None:
    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        json.dumps(
            {
                "results": [
                    {"unique_id": "model.p.a", "status": "success"},
                    {"unique_id": "model.p.b", "status": "success"},
                    {"unique_id": "model.p.c", "status": "error"},
                    {"unique_id": "seed.p.s", "status": "success"},
                    {"unique_id": "test.p.t1", "status": "pass"},
                    {"unique_id": "test.p.t2", "status": "fail"},
                    {"unique_id": "test.p.t3", "status": "warn"},
                    {"unique_id": "unit_test.p.a.u1", "status": "pass"},
                ]
            }
        )
    )
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([raw_tool_entity, fct_x], instance=instance, raise_on_error=False)
    summary = summarise(instance.all_logs(result.run_id), run_results)
    assert (summary.files_loaded, summary.files_skipped, summary.files_rejected) == (3, 2, 1)
    assert (summary.records_loaded, summary.records_rejected) == (120, 4)
    # gx_suite failed (ERROR severity); gx_recon_raw_to_staging is a reconciliation break;
    # unique_fct_x_id is a dbt test: not a check here
    assert (summary.checks_passed, summary.checks_failed) == (0, 1)
    assert summary.reconciliation_breaks == 1
    lines = summary.lines()
    assert lines[1] == "  files:   3 loaded, 2 already loaded, 1 rejected"
    assert lines[2] == "  records: 120 loaded, 4 rejected"
    # models: a, b built, c failed; tests: t1 + u1 passed, t2 failed, t3 warned
    assert lines[3] == (
        "  dbt:     2 models built, 1 failed, 1 seeds; tests 2 passed, 1 failed, 1 warned"
    )
    assert lines[4] == "  checks:  0 passed, 1 failed; 1 reconciliation breaks"
    # both steps were timed (the toy steps are neither ingest, dbt nor validation)
    assert list(summary.phase_seconds) == ["exports and reports"]
    assert lines[5].startswith("  time:    exports and reports ")
