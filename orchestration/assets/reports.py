"""The business's reporting cadence as assets, each materialised by its schedule
(orchestration/schedules.py): a weekly team report, a monthly department report and a
quarterly executive report.

For now each is a small CSV under `$KPI_EXPORTS_DIR/reports/`, read from the marts (never
recomputed from raw) for the latest period the marts hold. The one place a report is
produced is `publish_report`: the HTML renderer (orchestration/reports/) plugs in there.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.exports.finance import exports_dir
from orchestration.resources import WarehouseResource

GROUP = "reports"


@dataclass(frozen=True)
class ReportSpec:
    name: str
    description: str
    deps: tuple[str, ...]
    # One statement: the report's rows, with the period as its first column.
    sql: str


WEEKLY_TEAM = ReportSpec(
    name="weekly_team_report",
    description=(
        "Per support group, the latest ISO week (Monday, UTC) with tickets created in "
        "marts.fct_tickets (production services): tickets created and solved that week, "
        "mean first reply time (minutes) of the week's new tickets, escalated tickets."
    ),
    deps=("marts/fct_tickets",),
    sql="""
        with latest as (
            select max(cast(date_trunc('week', created_at) as date)) as week_start
            from marts.fct_tickets
            where is_production
        )
        select
            latest.week_start,
            coalesce(fct_tickets.group_id, '(none)') as group_id,
            count(*) filter (
                where cast(date_trunc('week', fct_tickets.created_at) as date) = latest.week_start
            ) as tickets_created,
            count(*) filter (
                where cast(date_trunc('week', fct_tickets.solved_at) as date) = latest.week_start
            ) as tickets_solved,
            round(avg(fct_tickets.first_reply_seconds / 60.0) filter (
                where cast(date_trunc('week', fct_tickets.created_at) as date) = latest.week_start
            ), 2) as frt_mean_minutes,
            count(*) filter (
                where cast(date_trunc('week', fct_tickets.created_at) as date) = latest.week_start
                    and fct_tickets.is_escalated
            ) as tickets_escalated
        from marts.fct_tickets
        cross join latest
        where fct_tickets.is_production
        group by latest.week_start, coalesce(fct_tickets.group_id, '(none)')
        having count(*) filter (
            where cast(date_trunc('week', fct_tickets.created_at) as date) = latest.week_start
                or cast(date_trunc('week', fct_tickets.solved_at) as date) = latest.week_start
        ) > 0
        order by group_id
    """,
)

MONTHLY_DEPARTMENT = ReportSpec(
    name="monthly_department_report",
    description=(
        "The support department's latest month of marts.kpi_support_performance, one row "
        "per group: volumes, first reply and resolution times, FCR, escalation and reopen "
        "rates, backlog, cost per ticket."
    ),
    deps=("marts/kpi_support_performance",),
    sql="""
        select
            month_start, group_id, tickets_created, tickets_solved, frt_mean_minutes,
            resolution_mean_hours, fcr_pct, escalation_rate_pct, reopen_rate_pct,
            backlog_end_of_month, cost_per_ticket, support_cost_currency
        from marts.kpi_support_performance
        where month_start = (select max(month_start) from marts.kpi_support_performance)
        order by group_id
    """,
)

QUARTERLY_EXECUTIVE = ReportSpec(
    name="quarterly_executive_report",
    description=(
        "One row per headline for the latest quarter the marts hold: tickets created and "
        "solved (kpi_support_performance), incidents and resolved incidents "
        "(kpi_incident_response), SLA clocks measured, breached and attainment % "
        "(kpi_sla_compliance), each summed over the quarter's months."
    ),
    deps=(
        "marts/kpi_support_performance",
        "marts/kpi_incident_response",
        "marts/kpi_sla_compliance",
    ),
    sql="""
        with quarter as (
            select max(cast(date_trunc('quarter', month_start) as date)) as quarter_start
            from marts.kpi_support_performance
        ),
        support as (
            select sum(tickets_created) as created, sum(tickets_solved) as solved
            from marts.kpi_support_performance, quarter
            where cast(date_trunc('quarter', month_start) as date) = quarter.quarter_start
        ),
        incidents as (
            select sum(incidents) as incidents, sum(resolved) as resolved
            from marts.kpi_incident_response, quarter
            where cast(date_trunc('quarter', month_start) as date) = quarter.quarter_start
        ),
        sla as (
            select sum(measured) as measured, sum(breached) as breached
            from marts.kpi_sla_compliance, quarter
            where cast(date_trunc('quarter', month_start) as date) = quarter.quarter_start
        )
        select quarter.quarter_start, headlines.headline, headlines.value
        from quarter
        cross join (
            select 1 as position, 'tickets_created' as headline,
                cast(created as double) as value
            from support
            union all select 2, 'tickets_solved', solved from support
            union all select 3, 'incidents', incidents from incidents
            union all select 4, 'incidents_resolved', resolved from incidents
            union all select 5, 'sla_clocks_measured', measured from sla
            union all select 6, 'sla_clocks_breached', breached from sla
            union all select 7, 'sla_attainment_pct',
                round(100.0 * (measured - breached) / nullif(measured, 0), 2) from sla
        ) as headlines
        order by headlines.position
    """,
)

REPORTS = (WEEKLY_TEAM, MONTHLY_DEPARTMENT, QUARTERLY_EXECUTIVE)


@dataclass(frozen=True)
class PublishedReport:
    path: Path
    period: str
    rows: int


def reports_dir() -> Path:
    return exports_dir() / "reports"


def publish_report(
    spec: ReportSpec, columns: list[str], rows: list[tuple], out_dir: Path
) -> PublishedReport:
    """Write one report: `<name>_<period>.csv` (the period is the rows' first column)."""
    period = str(rows[0][0]) if rows else "empty"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{spec.name}_{period}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    return PublishedReport(path=path, period=period, rows=len(rows))


def build_report(spec: ReportSpec, warehouse_path: Path, out_dir: Path) -> PublishedReport:
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        cursor = con.execute(spec.sql)
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    return publish_report(spec, columns, rows, out_dir)


def _report_asset(spec: ReportSpec) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.name,
        group_name=GROUP,
        deps=[dg.AssetKey.from_user_string(dep) for dep in spec.deps],
        description=spec.description,
        kinds={"csv"},
    )
    def _report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.Output:
        published = build_report(spec, Path(warehouse.warehouse_path), reports_dir())
        context.log.info(f"{spec.name} {published.period}: {published.rows} rows, {published.path}")
        return dg.Output(
            None,
            metadata={
                "period": published.period,
                "rows": published.rows,
                "path": str(published.path),
            },
        )

    return _report


report_assets = [_report_asset(spec) for spec in REPORTS]
