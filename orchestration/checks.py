"""Great Expectations suites as Dagster asset checks on the assets they validate.

GX 1.x is called directly (dagster-ge supports only GX < 1). Every suite of
`expectations/suites` is one check, `gx_<suite>`, on the asset of its relation
(`marts.fct_incidents` -> `marts/fct_incidents`). In `kpi_pipeline_job` (`make run`) one
multi-asset check validates every row of the selected suites after dbt has built the marts
(all of them in a full run; those on marts downstream of new rows in an incremental one,
orchestration/build_plan.py): it
reads the DuckDB file read-only, closes it, runs GX, then appends the results to
`audit.validation_runs` (quarter `all`). `validation_quarterly_job` (orchestration/jobs.py)
reports the same check keys for one quarter's rows.

Severity: ERROR when a `critical` expectation failed (a broken mart definition, or a
reconciliation break) or the suite could not run; WARN when only `warning` expectations
failed (e.g. no rows in the period).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from expectations.suites import RECONCILIATION, SUITES, SuiteSpec
from orchestration.resources import WarehouseResource

if TYPE_CHECKING:
    from expectations.validate import SuiteReport, ValidationReport


def check_key(suite: SuiteSpec) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(dg.AssetKey(suite.asset_path), f"gx_{suite.name}")


def is_reconciliation_check(check_name: str) -> bool:
    name = check_name.removeprefix("gx_")
    return name in SUITES and SUITES[name].kind == RECONCILIATION


def severity_of(result: SuiteReport) -> dg.AssetCheckSeverity:
    """ERROR for a broken definition or reconciliation break (and for a passing suite, the
    severity its critical expectations would fail with); WARN when only warnings failed."""
    if result.success or result.has_critical_failure:
        return dg.AssetCheckSeverity.ERROR
    return dg.AssetCheckSeverity.WARN


def check_metadata(report: ValidationReport, result: SuiteReport, run_id: str) -> dict:
    failed = []
    for outcome in result.outcomes:
        if outcome.success:
            continue
        line = (
            f"{outcome.expectation_type}({', '.join(outcome.columns)}) [{outcome.severity}]: "
            f"{outcome.unexpected_count if outcome.unexpected_count is not None else '-'} "
            f"unexpected, observed {outcome.observed_value!r}"
        )
        failed.append(line)
        failed.extend(f"    - {row}" for row in outcome.unexpected_rows)
    return {
        "quarter": report.quarter or "all",
        "kind": result.kind,
        "rows": result.rows,
        "expectations_evaluated": result.evaluated,
        "expectations_successful": result.successful,
        "failed": dg.MetadataValue.md("\n".join(f"- {line}" for line in failed) or "-"),
        "error": result.error or "",
        "audit_run_id": run_id,
        "data_docs": str(report.data_docs or ""),
    }


def evaluations(report: ValidationReport, run_id: str) -> list[dg.AssetCheckEvaluation]:
    """One Dagster check evaluation per validated suite."""
    return [
        dg.AssetCheckEvaluation(
            asset_key=check_key(SUITES[result.name]).asset_key,
            check_name=check_key(SUITES[result.name]).name,
            passed=result.success,
            severity=severity_of(result),
            metadata=check_metadata(report, result, run_id),
        )
        for result in report.suites
    ]


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=check_key(suite).name,
            asset=check_key(suite).asset_key,
            description=(
                f"Great Expectations suite `{suite.name}` ({suite.kind}) over `{suite.relation}`."
            ),
            blocking=False,
        )
        for suite in SUITES.values()
    ],
    name="gx_validation",
    description=(
        "Great Expectations suites over every row of the selected marts (all of them in a "
        "full run, those downstream of new rows otherwise); results to audit.validation_runs."
    ),
    can_subset=True,
)
def gx_validation(context, warehouse: WarehouseResource):
    from expectations.audit import record_run
    from expectations.validate import run_validation

    selected = context.selected_asset_check_keys
    suites = [name for name, suite in SUITES.items() if check_key(suite) in selected]
    path = Path(warehouse.warehouse_path)
    report = run_validation(path, suites=suites)
    run_id = record_run(path, report)
    for item in evaluations(report, run_id):
        yield dg.AssetCheckResult(
            asset_key=item.asset_key,
            check_name=item.check_name,
            passed=item.passed,
            severity=item.severity,
            metadata=item.metadata,
        )


expectation_checks = [gx_validation]
