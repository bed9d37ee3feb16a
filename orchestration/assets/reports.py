"""The business's reporting cadence as assets, each materialised by its schedule
(orchestration/schedules.py): the weekly team report, the monthly department report (with
its release health scorecard) and the quarterly executive brief.

Each asset is a thin call of the HTML renderer (`orchestration.reports.build_reports`) for
its cadence's latest complete period: self-contained pages under
`$KPI_EXPORTS_DIR/reports/<cadence>/`, every number read from the marts. `make reports`
and the end of `make run` call the same function.
"""

from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.exports.finance import exports_dir
from orchestration.reports import build_reports
from orchestration.resources import WarehouseResource

GROUP = "reports"


@dataclass(frozen=True)
class ReportSpec:
    name: str
    cadence: str
    description: str
    # The marts the page reads (orchestration/reports/queries.py), as dbt asset keys.
    deps: tuple[str, ...]


REPORTS = (
    ReportSpec(
        name="weekly_team_report",
        cadence="weekly",
        description=(
            "Weekly team report (HTML) of the latest complete ISO week: ticket volume, FCR, "
            "escalation, first response time and backlog per support group, the previous "
            "week beside it, and action items from the incident and SLA thresholds."
        ),
        deps=(
            "marts/fct_tickets",
            "marts/kpi_incident_response",
            "marts/kpi_sla_compliance",
        ),
    ),
    ReportSpec(
        name="monthly_department_report",
        cadence="monthly",
        description=(
            "Monthly department report (HTML) of the latest complete month: CSAT, "
            "resolution time, cost per ticket, SLA attainment, MTTA/MTTR by severity, "
            "incidents per service; and the release health scorecard page it links."
        ),
        deps=(
            "marts/kpi_customer_satisfaction",
            "marts/kpi_support_performance",
            "marts/kpi_sla_compliance",
            "marts/kpi_incident_response",
            "marts/fct_incidents",
            "marts/fct_release_health",
        ),
    ),
    ReportSpec(
        name="quarterly_executive_report",
        cadence="quarterly",
        description=(
            "Quarterly executive brief (HTML) of the latest complete quarter: NPS, CES, "
            "customer and net revenue retention, credits paid, DORA bands, release quality."
        ),
        deps=(
            "marts/kpi_customer_satisfaction",
            "marts/kpi_customer_retention",
            "marts/fct_service_credits",
            "marts/kpi_dora",
            "marts/kpi_release_quality",
            "marts/kpi_incident_response",
        ),
    ),
)


def publish_report(spec: ReportSpec, warehouse_path: Path, exports: Path) -> list[Path]:
    """The one place a report asset produces its pages."""
    return build_reports(warehouse_path, exports, cadence=spec.cadence)


def _report_asset(spec: ReportSpec) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.name,
        group_name=GROUP,
        deps=[dg.AssetKey.from_user_string(dep) for dep in spec.deps],
        description=spec.description,
        kinds={"html"},
    )
    def _report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.Output:
        pages = publish_report(spec, Path(warehouse.warehouse_path), exports_dir())
        for page in pages:
            context.log.info(f"{spec.name}: {page}")
        return dg.Output(
            None,
            metadata={
                "period": pages[0].stem,
                "pages": dg.MetadataValue.json([str(page) for page in pages]),
                "path": dg.MetadataValue.path(str(pages[0])),
            },
        )

    return _report


report_assets = [_report_asset(spec) for spec in REPORTS]
