"""The finance export (orchestration/exports/finance.py) as an asset after dbt build."""

from pathlib import Path

import dagster as dg

from orchestration.exports.finance import export_service_credits, exports_dir
from orchestration.resources import WarehouseResource

SERVICE_CREDITS = dg.AssetKey(["marts", "fct_service_credits"])


@dg.asset(
    name="finance_service_credit_export",
    deps=[SERVICE_CREDITS],
    group_name="exports",
    description=(
        "Finance files of fct_service_credits: a CSV per closed month not yet exported, a "
        "restatement beside it when a closed month changed, a Parquet of the whole table."
    ),
    check_specs=[
        dg.AssetCheckSpec(
            name="no_restated_closed_months",
            asset="finance_service_credit_export",
            description="Warns when a load changed a month finance already received.",
        )
    ],
)
def finance_service_credit_export(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.Output:
    result = export_service_credits(Path(warehouse.warehouse_path), exports_dir())
    for path in result.restatements:
        context.log.warning(f"Closed month changed: restatement written to {path}")
    yield dg.Output(
        None,
        metadata={
            "rows": result.rows,
            "closed_months": ", ".join(result.closed_months) or "-",
            "open_months": ", ".join(result.open_months) or "-",
            "written": dg.MetadataValue.md(
                "\n".join(f"- {path.name}" for path in result.written) or "-"
            ),
            "parquet": str(result.parquet),
        },
    )
    yield dg.AssetCheckResult(
        check_name="no_restated_closed_months",
        passed=not result.restatements,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"restatements": ", ".join(path.name for path in result.restatements) or "-"},
    )
