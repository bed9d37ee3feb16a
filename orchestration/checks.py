"""Great Expectations suites as Dagster asset checks on the marts they validate.

GX 1.x is called directly (dagster-ge supports only GX < 1). Each suite of
`expectations/suites` becomes one check on the asset of its relation
(`marts.fct_incidents` -> asset `marts/fct_incidents`); it runs after dbt has built that
asset, reading the DuckDB file read-only and closing it before GX starts.
"""

from pathlib import Path

import dagster as dg

from expectations.suites import SUITES, SuiteSpec
from orchestration.resources import WarehouseResource


def _check_for(suite: SuiteSpec) -> dg.AssetChecksDefinition:
    asset_key = dg.AssetKey(suite.relation.split("."))

    @dg.asset_check(
        asset=asset_key,
        name=f"gx_{suite.name}",
        description=f"Great Expectations suite `{suite.name}` over `{suite.relation}`.",
        blocking=False,
    )
    def _gx_check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        from expectations.validate import format_report, run_validation

        report = run_validation(Path(warehouse.warehouse_path), suites=[suite.name])
        result = report.suite(suite.name)
        failed = [
            f"{failure.expectation_type}({', '.join(failure.columns)}): "
            f"{failure.unexpected_count} unexpected"
            for failure in result.failed
        ]
        return dg.AssetCheckResult(
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "rows": result.rows,
                "expectations_evaluated": result.evaluated,
                "expectations_successful": result.successful,
                "failed": dg.MetadataValue.md("\n".join(f"- {line}" for line in failed) or "-"),
                "error": result.error or "",
                "data_docs": str(report.data_docs or ""),
                "report": dg.MetadataValue.text(format_report(report)),
            },
        )

    return _gx_check


expectation_checks = [_check_for(suite) for suite in SUITES.values()]
