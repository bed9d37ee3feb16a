"""The three cadence reports and the release health scorecard, each a function from the
warehouse connection and a period to one HTML page.

Each report follows Executive Summary → Key Metrics & Trends → Root Cause Analysis →
Wins & Opportunities → Action Items. The numbers come from `queries.py` (SQL on the
marts); this module only picks rows, compares signs and prints values as read.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import duckdb

from orchestration.reports import queries
from orchestration.reports.html import (
    bar_chart,
    bullet_list,
    esc,
    fmt,
    line_chart,
    page,
    table,
)

# Action items: SLA attainment under this target (the marts carry no attainment target).
SLA_ATTAINMENT_TARGET_PCT = Decimal("95.00")
# Root cause sections name this many movers.
TOP_MOVERS = 3


@dataclass(frozen=True)
class Period:
    cadence: str  # weekly | monthly | quarterly
    start: date
    end: date  # exclusive
    previous_start: date

    @property
    def label(self) -> str:
        if self.cadence == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.cadence == "monthly":
            return f"{self.start:%Y-%m}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def previous_label(self) -> str:
        return period_for(self.cadence, self.previous_start).label

    def params(self) -> dict[str, object]:
        return {
            "period_start": self.start,
            "period_end": self.end,
            "previous_start": self.previous_start,
        }


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_for(cadence: str, day: date) -> Period:
    """The period of `cadence` that contains `day` (ISO weeks start on Monday)."""
    if cadence == "weekly":
        start = day - timedelta(days=day.weekday())
        return Period(cadence, start, start + timedelta(days=7), start - timedelta(days=7))
    if cadence == "monthly":
        start = day.replace(day=1)
        return Period(cadence, start, _add_months(start, 1), _add_months(start, -1))
    if cadence == "quarterly":
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(cadence, start, _add_months(start, 3), _add_months(start, -3))
    raise ValueError(f"unknown cadence {cadence!r}: expected weekly, monthly or quarterly")


def parse_period(cadence: str, label: str) -> Period:
    """`2026-W26`, `2026-06` or `2026-Q2` (or any date inside the period, `2026-06-15`)."""
    text = label.strip()
    try:
        if cadence == "weekly" and "-W" in text:
            year, week = text.split("-W")
            return period_for(cadence, date.fromisocalendar(int(year), int(week), 1))
        if cadence == "quarterly" and "-Q" in text:
            year, quarter = text.split("-Q")
            if not 1 <= int(quarter) <= 4:
                raise ValueError(quarter)
            return period_for(cadence, date(int(year), (int(quarter) - 1) * 3 + 1, 1))
        if cadence == "monthly" and len(text) == 7:
            return period_for(cadence, date.fromisoformat(text + "-01"))
        return period_for(cadence, date.fromisoformat(text))
    except ValueError as error:
        raise ValueError(
            f"period {label!r} is not a {cadence} period (e.g. 2026-W26, 2026-06, 2026-Q2)"
        ) from error


def latest_period(con: duckdb.DuckDBPyConnection, cadence: str) -> Period:
    """The latest complete period: the one that ends on or before the day after the newest
    event in the marts; the period before the newest one when that is still running."""
    (data_through,) = con.execute(queries.DATA_THROUGH).fetchone()
    if data_through is None:
        raise ValueError("the warehouse has no tickets, incidents or deployments to report on")
    newest = period_for(cadence, data_through - timedelta(days=1))
    if newest.end <= data_through:
        return newest
    return period_for(cadence, newest.previous_start)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> list[dict]:
    used = {name: value for name, value in params.items() if f"${name}" in sql}
    cursor = con.execute(sql, used)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- shared pieces ---------------------------------------------------------------------


def _movers(items: list[dict], key: str, *, count: int = TOP_MOVERS) -> list[dict]:
    """The rows whose `key` (a change computed in SQL) is largest in size, non-zero only."""
    moved = [item for item in items if item.get(key) not in (None, 0)]
    return sorted(moved, key=lambda item: abs(item[key]), reverse=True)[:count]


def _signed(value: object) -> str:
    if value is None:
        return "-"
    text = fmt(value)
    return text if text.startswith("-") else f"+{text}"


def _threshold_items(
    mttr: Sequence[dict], degraded: Sequence[dict], sla: Sequence[dict], *, limit: int = 15
) -> list[str]:
    items = []
    for row in mttr:
        items.append(
            f'<span class="flag">MTTR over target by more than 30%</span>: '
            f"{esc(row['service_id'])} {esc(row['severity'])} in {esc(row['month_start'])} "
            f"— MTTR {esc(row['mttr_minutes'])} min vs target {esc(row['mttr_target_minutes'])}"
            f" min ({esc(row['incidents'])} incidents). Review the runbook and on-call escalation."
        )
    for row in degraded:
        items.append(
            f'<span class="flag">Release quality degraded three cycles running</span>: '
            f"{esc(row['service_id'])} in {esc(row['month_start'])} — change failure rate "
            f"{esc(row['change_failure_rate_pct'])}% on {esc(row['deployments'])} deployments."
            " Hold a release-process review with the owning team."
        )
    for row in sla[:limit]:
        items.append(
            f'<span class="flag">SLA attainment under {fmt(SLA_ATTAINMENT_TARGET_PCT)}%</span>: '
            f"{esc(row['customer_id'])} {esc(row['sla_metric'])} ({esc(row['priority'])}) in "
            f"{esc(row['month_start'])} — {esc(row['attainment_pct'])}% "
            f"({esc(row['breached'])} of {esc(row['measured'])} breached). Follow up with the "
            "account team."
        )
    if len(sla) > limit:
        items.append(f"… and {len(sla) - limit} more SLA rows under target (kpi_sla_compliance).")
    return items


def _previous_and_current(period: Period, items: list[dict], column: str) -> list[tuple[str, list]]:
    """A chart's two series: `<column>_previous` under the previous period's label, then
    `<column>` under this period's (the queries return both side by side)."""
    return [
        (period.previous_label, [row[f"{column}_previous"] for row in items]),
        (period.label, [row[column] for row in items]),
    ]


def _subtitle(period: Period, generated_from: str) -> str:
    return (
        f"Period {html.escape(period.label)} ({period.start.isoformat()} to "
        f"{(period.end - timedelta(days=1)).isoformat()}), beside the previous period "
        f"{html.escape(period.previous_label)}. Every figure is read from the marts "
        f"({html.escape(generated_from)})."
    )


# --- weekly team report ------------------------------------------------------------------


def weekly_report(con: duckdb.DuckDBPyConnection, period: Period) -> str:
    params = {"week_start": period.start, "month_start": period.start.replace(day=1)}
    support = rows(con, queries.WEEKLY_SUPPORT, params)
    all_row = next((row for row in support if row["group_id"] == "all"), {})
    groups = [row for row in support if row["group_id"] != "all"]

    summary = bullet_list(
        [
            f"Tickets created: <b>{esc(all_row.get('tickets_created'))}</b> "
            f"(previous week {esc(all_row.get('tickets_created_previous'))}); solved "
            f"{esc(all_row.get('tickets_solved'))}.",
            f"First response time (mean): <b>{esc(all_row.get('frt_mean_minutes'))} min</b> "
            f"(previous {esc(all_row.get('frt_mean_minutes_previous'))} min).",
            f"First contact resolution: <b>{esc(all_row.get('fcr_pct'))}%</b> "
            f"(previous {esc(all_row.get('fcr_pct_previous'))}%).",
            f"Escalation rate: <b>{esc(all_row.get('escalation_rate_pct'))}%</b> "
            f"(previous {esc(all_row.get('escalation_rate_pct_previous'))}%).",
            f"Open tickets at the week's end: <b>{esc(all_row.get('backlog_end_of_week'))}</b> "
            f"(previous {esc(all_row.get('backlog_end_of_week_previous'))}).",
        ]
    )
    names = [row["group_name"] for row in groups]

    def pair(column: str) -> list[tuple[str, list]]:
        return _previous_and_current(period, groups, column)

    metrics = (
        table(
            "weekly-support",
            [
                ("group_name", "group"),
                ("tickets_created", "created"),
                ("tickets_created_previous", "created prev"),
                ("tickets_solved", "solved"),
                ("frt_mean_minutes", "FRT mean min"),
                ("frt_mean_minutes_previous", "FRT prev"),
                ("fcr_pct", "FCR %"),
                ("fcr_pct_previous", "FCR prev"),
                ("escalation_rate_pct", "escalation %"),
                ("escalation_rate_pct_previous", "escal. prev"),
                ("backlog_end_of_week", "open at end"),
                ("backlog_end_of_week_previous", "open prev"),
            ],
            support,
            source="marts.fct_tickets (production tickets; created side by first group, "
            "solved side by solving group)",
        )
        + bar_chart(
            "chart-volume",
            "Ticket volume per group",
            names,
            pair("tickets_created"),
            yaxis="tickets created",
        )
        + bar_chart(
            "chart-frt",
            "First response time per group",
            names,
            pair("frt_mean_minutes"),
            yaxis="minutes (mean)",
        )
        + bar_chart(
            "chart-fcr", "First contact resolution per group", names, pair("fcr_pct"), yaxis="%"
        )
        + bar_chart(
            "chart-escalation",
            "Escalation rate per group",
            names,
            pair("escalation_rate_pct"),
            yaxis="%",
        )
        + bar_chart(
            "chart-backlog",
            "Open tickets at the week's end per group",
            names,
            pair("backlog_end_of_week"),
            yaxis="tickets",
        )
    )

    root_cause = bullet_list(
        [
            f"{esc(row['group_name'])}: ticket volume {_signed(row['tickets_created_change'])} "
            f"({esc(row['tickets_created_previous'])} → {esc(row['tickets_created'])})."
            for row in _movers(groups, "tickets_created_change")
        ]
        + [
            f"{esc(row['group_name'])}: first response time "
            f"{_signed(row['frt_mean_minutes_change'])} min "
            f"({esc(row['frt_mean_minutes_previous'])} → {esc(row['frt_mean_minutes'])})."
            for row in _movers(groups, "frt_mean_minutes_change")
        ],
        empty="No group moved between the two weeks.",
    )
    wins = [
        f'<span class="good">Win</span>: {esc(row["group_name"])} answered faster '
        f"({esc(row['frt_mean_minutes_previous'])} → {esc(row['frt_mean_minutes'])} min)."
        for row in groups
        if row["frt_mean_minutes_change"] is not None and row["frt_mean_minutes_change"] < 0
    ] + [
        f'<span class="good">Win</span>: {esc(row["group_name"])} resolved more on first '
        f"contact ({esc(row['fcr_pct_previous'])} → {esc(row['fcr_pct'])}%)."
        for row in groups
        if row["fcr_pct_change"] is not None and row["fcr_pct_change"] > 0
    ]
    opportunities = [
        f"Opportunity: {esc(row['group_name'])} escalated more "
        f"({esc(row['escalation_rate_pct_previous'])} → {esc(row['escalation_rate_pct'])}%)."
        for row in groups
        if row["escalation_rate_pct_change"] is not None and row["escalation_rate_pct_change"] > 0
    ] + [
        f"Opportunity: {esc(row['group_name'])} backlog grew "
        f"({esc(row['backlog_end_of_week_previous'])} → {esc(row['backlog_end_of_week'])})."
        for row in groups
        if row["backlog_change"] is not None and row["backlog_change"] > 0
    ]
    month = {"month_start": period.start.replace(day=1), "target": SLA_ATTAINMENT_TARGET_PCT}
    actions = _threshold_items(
        rows(con, queries.MTTR_OVER_TARGET, month),
        rows(con, queries.DEGRADED_3_CYCLES, month),
        rows(con, queries.SLA_UNDER_TARGET, month),
        limit=5,
    )
    return page(
        f"Weekly team report {period.label}",
        _subtitle(period, "fct_tickets; thresholds from the month's KPI marts"),
        [
            ("Executive Summary", summary),
            ("Key Metrics & Trends", metrics),
            ("Root Cause Analysis", root_cause),
            ("Wins & Opportunities", bullet_list(wins + opportunities)),
            ("Action Items", bullet_list(actions, "actions", "No threshold was crossed.")),
        ],
        charts=True,
    )


# --- monthly department report -----------------------------------------------------------


def scorecard_name(period: Period) -> str:
    return f"{period.label}-release-health.html"


def monthly_report(con: duckdb.DuckDBPyConnection, period: Period) -> str:
    params = {
        "month_start": period.start,
        "previous_start": period.previous_start,
        "period_start": period.start,
        "period_end": period.end,
        "target": SLA_ATTAINMENT_TARGET_PCT,
    }
    support = rows(con, queries.MONTHLY_SUPPORT, params)
    csat = rows(con, queries.CSAT_BY_SEGMENT, params)
    sla = rows(con, queries.SLA_BY_METRIC, params)
    incidents = rows(con, queries.INCIDENT_RESPONSE, params)
    per_service = rows(con, queries.INCIDENTS_PER_SERVICE, params)
    releases = rows(con, queries.RELEASE_HEALTH, params)
    csat_all = next((row for row in csat if row["segment"] == "all"), {})
    (totals,) = rows(con, queries.MONTH_TOTALS, params)

    summary = bullet_list(
        [
            f"CSAT (all segments): <b>{esc(csat_all.get('csat_pct'))}%</b> on "
            f"{esc(csat_all.get('responses'))} answers (previous month "
            f"{esc(csat_all.get('csat_pct_previous'))}%).",
            f"Incidents: <b>{esc(totals['incidents'])}</b> across services (previous month "
            f"{esc(totals['incidents_previous'])}).",
            f"Production deployments this month: <b>{esc(totals['deployments'])}</b>; the "
            f'<a href="{html.escape(scorecard_name(period))}">release health scorecard</a> '
            "lists each one.",
        ]
    )
    group_names = [row["group_name"] for row in support]
    metrics = (
        "<h3>Customer satisfaction</h3>"
        + table(
            "monthly-csat",
            [
                ("segment", "segment"),
                ("responses", "answers"),
                ("csat_pct", "CSAT %"),
                ("responses_previous", "answers prev"),
                ("csat_pct_previous", "CSAT prev"),
            ],
            csat,
            source="marts.kpi_customer_satisfaction (survey_kind = csat)",
        )
        + bar_chart(
            "chart-csat",
            "CSAT per segment",
            [row["segment"] for row in csat],
            _previous_and_current(period, csat, "csat_pct"),
            yaxis="%",
        )
        + "<h3>Support: resolution time and cost per ticket</h3>"
        + table(
            "monthly-support",
            [
                ("group_name", "group"),
                ("tickets_created", "created"),
                ("resolution_mean_hours", "resolution h"),
                ("resolution_mean_hours_previous", "resolution prev"),
                ("cost_per_ticket", "cost/ticket"),
                ("cost_per_ticket_previous", "cost/ticket prev"),
                ("support_cost_currency", "currency"),
                ("fcr_pct", "FCR %"),
                ("backlog_end_of_month", "backlog"),
            ],
            support,
            source="marts.kpi_support_performance",
        )
        + bar_chart(
            "chart-resolution",
            "Average resolution time per group",
            group_names,
            _previous_and_current(period, support, "resolution_mean_hours"),
            yaxis="hours (mean)",
        )
        + bar_chart(
            "chart-cost",
            "Cost per ticket per group",
            group_names,
            _previous_and_current(period, support, "cost_per_ticket"),
            yaxis="cost per ticket",
        )
        + "<h3>SLA attainment</h3>"
        + table(
            "monthly-sla",
            [
                ("sla_metric", "SLA metric"),
                ("measured", "measured"),
                ("breached", "breached"),
                ("attainment_pct", "attainment %"),
                ("measured_previous", "measured prev"),
                ("attainment_pct_previous", "attainment prev"),
            ],
            sla,
            source="marts.kpi_sla_compliance, summed over customers and priorities",
        )
        + bar_chart(
            "chart-sla",
            "SLA attainment per metric",
            [row["sla_metric"] for row in sla],
            _previous_and_current(period, sla, "attainment_pct"),
            yaxis="%",
        )
        + "<h3>Incident response: MTTA and MTTR by severity</h3>"
        + table(
            "monthly-incidents",
            [
                ("severity", "severity"),
                ("service_id", "service"),
                ("incidents", "incidents"),
                ("incidents_previous", "inc prev"),
                ("mtta_minutes", "MTTA min"),
                ("mtta_minutes_previous", "MTTA prev"),
                ("mttr_minutes", "MTTR min"),
                ("mttr_minutes_previous", "MTTR prev"),
                ("mttr_target_minutes", "MTTR target"),
            ],
            incidents,
            source="marts.kpi_incident_response",
        )
        + bar_chart(
            "chart-mttr",
            "MTTR by severity and service",
            [f"{row['severity']} {row['service_id']}" for row in incidents],
            _previous_and_current(period, incidents, "mttr_minutes"),
            yaxis="minutes (mean)",
        )
        + bar_chart(
            "chart-mtta",
            "MTTA by severity and service",
            [f"{row['severity']} {row['service_id']}" for row in incidents],
            _previous_and_current(period, incidents, "mtta_minutes"),
            yaxis="minutes (mean)",
        )
        + "<h3>Incidents per service</h3>"
        + table(
            "monthly-incidents-per-service",
            [
                ("service_id", "service"),
                ("incidents", "incidents"),
                ("incidents_previous", "incidents prev"),
            ],
            per_service,
            source="marts.kpi_incident_response, summed over severities",
        )
        + bar_chart(
            "chart-incidents",
            "Incidents per service",
            [row["service_id"] for row in per_service],
            _previous_and_current(period, per_service, "incidents"),
            yaxis="incidents",
        )
    )
    worst_releases = [row for row in releases if row["health_score"] is not None][:TOP_MOVERS]
    root_cause = bullet_list(
        [
            f"Service {esc(row['service_id'])}: incidents {_signed(row['incidents_change'])} "
            f"({esc(row['incidents_previous'])} → {esc(row['incidents'])})."
            for row in _movers(per_service, "incidents_change")
        ]
        + [
            f"Service {esc(row['service_id'])} {esc(row['severity'])}: MTTR "
            f"{_signed(row['mttr_minutes_change'])} min ({esc(row['mttr_minutes_previous'])}"
            f" → {esc(row['mttr_minutes'])})."
            for row in _movers(incidents, "mttr_minutes_change")
        ]
        + [
            f"Release {esc(row['deployment_id'])} ({esc(row['service_id'])}, "
            f"{esc(row['started_at'])}): health score {esc(row['health_score'])}, "
            f"{esc(row['attributed_incidents'])} attributed incidents, ticket spike "
            f"{esc(row['ticket_spike_ratio'])}×, CSAT delta {esc(row['csat_delta_pct'])} pp."
            for row in worst_releases
        ]
        + [
            f"Group {esc(row['group_name'])}: resolution time "
            f"{_signed(row['resolution_mean_hours_change'])} h "
            f"({esc(row['resolution_mean_hours_previous'])} → "
            f"{esc(row['resolution_mean_hours'])})."
            for row in _movers(support, "resolution_mean_hours_change")
        ],
        empty="Nothing moved between the two months.",
    )
    wins = [
        f'<span class="good">Win</span>: {esc(row["service_id"])} {esc(row["severity"])} '
        f"restored faster ({esc(row['mttr_minutes_previous'])} → {esc(row['mttr_minutes'])} min)."
        for row in incidents
        if row["mttr_minutes_change"] is not None and row["mttr_minutes_change"] < 0
    ][:5]
    if csat_all.get("csat_pct_change") is not None and csat_all["csat_pct_change"] > 0:
        wins.append(f'<span class="good">Win</span>: CSAT rose to {esc(csat_all["csat_pct"])}%.')
    opportunities = [
        f"Opportunity: group {esc(row['group_name'])} resolution time rose "
        f"({esc(row['resolution_mean_hours_previous'])} → {esc(row['resolution_mean_hours'])} h)."
        for row in support
        if row["resolution_mean_hours_change"] is not None
        and row["resolution_mean_hours_change"] > 0
    ]
    if csat_all.get("csat_pct_change") is not None and csat_all["csat_pct_change"] < 0:
        opportunities.append(f"Opportunity: CSAT fell to {esc(csat_all['csat_pct'])}%.")
    actions = _threshold_items(
        rows(con, queries.MTTR_OVER_TARGET, params),
        rows(con, queries.DEGRADED_3_CYCLES, params),
        rows(con, queries.SLA_UNDER_TARGET, params),
    )
    return page(
        f"Monthly department report {period.label}",
        _subtitle(
            period,
            "kpi_customer_satisfaction, kpi_support_performance, "
            "kpi_sla_compliance, kpi_incident_response, fct_release_health",
        )
        + f' <a href="{html.escape(scorecard_name(period))}">Release health scorecard</a>.',
        [
            ("Executive Summary", summary),
            ("Key Metrics & Trends", metrics),
            ("Root Cause Analysis", root_cause),
            ("Wins & Opportunities", bullet_list(wins + opportunities)),
            ("Action Items", bullet_list(actions, "actions", "No threshold was crossed.")),
        ],
        charts=True,
    )


def release_scorecard(con: duckdb.DuckDBPyConnection, period: Period) -> str:
    releases = rows(con, queries.RELEASE_HEALTH, period.params())
    body = table(
        "release-health",
        [
            ("deployment_id", "deployment"),
            ("service_id", "service"),
            ("started_at", "started (UTC)"),
            ("health_score", "health score"),
            ("attributed_incidents", "attributed incidents"),
            ("ticket_spike_ratio", "ticket spike ×"),
            ("csat_delta_pct", "CSAT delta pp"),
            ("is_rolled_back", "rolled back"),
            ("is_friday_afternoon", "Friday pm"),
            ("change_request_number", "change request"),
        ],
        releases,
        source="marts.fct_release_health (one row per production deployment); click a "
        "header to sort",
        sortable=True,
    )
    return page(
        f"Release health scorecard {period.label}",
        f"Every production deployment that started in {html.escape(period.label)}, worst "
        f"health first. Back to the "
        f'<a href="{html.escape(period.label)}.html">monthly department report</a>.',
        [("Deployments", body)],
        charts=False,
    )


# --- quarterly executive brief ---------------------------------------------------------


def _months(period: Period) -> list[date]:
    return [_add_months(period.previous_start, index) for index in range(6)]


def quarterly_report(con: duckdb.DuckDBPyConnection, period: Period) -> str:
    params = {**period.params(), "target": SLA_ATTAINMENT_TARGET_PCT}
    satisfaction = rows(con, queries.SATISFACTION_MONTHS, params)
    retention = rows(con, queries.RETENTION_MONTHS, params)
    credits = rows(con, queries.CREDITS_MONTHS, params)
    dora = rows(con, queries.DORA_BANDS, params)
    quality = rows(con, queries.RELEASE_QUALITY_MONTHS, params)
    attributed = rows(con, queries.ATTRIBUTED_BY_SERVICE, params)
    months = _months(period)
    last_month = months[-1]
    previous_last = months[2]

    def value_at(items: list[dict], month: date, column: str, **match: object) -> object:
        for item in items:
            if item["month_start"] == month and all(item[k] == v for k, v in match.items()):
                return item[column]
        return None

    currencies = sorted({row["currency"] for row in retention} | {r["currency"] for r in credits})
    nps_now = value_at(satisfaction, last_month, "nps", survey_kind="nps")
    nps_before = value_at(satisfaction, previous_last, "nps", survey_kind="nps")
    ces_now = value_at(satisfaction, last_month, "ces_pct", survey_kind="ces")
    ces_before = value_at(satisfaction, previous_last, "ces_pct", survey_kind="ces")
    summary_items = [
        f"NPS in {last_month:%B %Y}: <b>{esc(nps_now)}</b> (end of previous quarter "
        f"{esc(nps_before)}); CES <b>{esc(ces_now)}%</b> (previous {esc(ces_before)}%).",
    ]
    for currency in currencies:
        rate = value_at(retention, last_month, "customer_retention_rate_pct", currency=currency)
        nrr = value_at(retention, last_month, "net_revenue_retention_pct", currency=currency)
        summary_items.append(
            f"{esc(currency)} customers, {last_month:%B %Y}: retention <b>{esc(rate)}%</b>, "
            f"net revenue retention <b>{esc(nrr)}%</b>."
        )
    summary = bullet_list(summary_items)

    month_labels = [f"{month:%Y-%m}" for month in months]
    metrics = (
        "<h3>NPS and CES</h3>"
        + table(
            "quarterly-satisfaction",
            [
                ("month_start", "month"),
                ("survey_kind", "kind"),
                ("responses", "answers"),
                ("nps", "NPS"),
                ("ces_pct", "CES %"),
                ("csat_pct", "CSAT %"),
            ],
            satisfaction,
            source="marts.kpi_customer_satisfaction (segment = all)",
        )
        + line_chart(
            "chart-nps-ces",
            "NPS and CES, previous quarter and this quarter",
            month_labels,
            [
                ("NPS", [value_at(satisfaction, m, "nps", survey_kind="nps") for m in months]),
                (
                    "CES %",
                    [value_at(satisfaction, m, "ces_pct", survey_kind="ces") for m in months],
                ),
            ],
            yaxis="score / %",
        )
        + "<h3>Customer retention and net revenue retention</h3>"
        + table(
            "quarterly-retention",
            [
                ("month_start", "month"),
                ("currency", "currency"),
                ("customers_start", "customers at start"),
                ("customers_retained", "retained"),
                ("customer_retention_rate_pct", "retention %"),
                ("mrr_start", "MRR start"),
                ("mrr_end_from_start_customers", "MRR end (same customers)"),
                ("net_revenue_retention_pct", "NRR %"),
            ],
            retention,
            source="marts.kpi_customer_retention (tier = all)",
        )
        + line_chart(
            "chart-retention",
            "Customer retention and NRR per currency",
            month_labels,
            [
                (
                    f"{label} {currency}",
                    [value_at(retention, m, column, currency=currency) for m in months],
                )
                for currency in currencies
                for label, column in (
                    ("retention %", "customer_retention_rate_pct"),
                    ("NRR %", "net_revenue_retention_pct"),
                )
            ],
            yaxis="%",
        )
        + "<h3>Uptime and service credits paid</h3>"
        + table(
            "quarterly-credits",
            [
                ("month_start", "month"),
                ("currency", "currency"),
                ("contract_months", "contracts"),
                ("contracts_credited", "credited"),
                ("lowest_uptime_pct", "lowest uptime %"),
                ("credits_paid", "credits paid"),
                ("is_month_closed", "closed"),
            ],
            credits,
            source="marts.fct_service_credits, summed per month and currency",
        )
        + bar_chart(
            "chart-credits",
            "Service credits paid per month",
            month_labels,
            [
                (
                    currency,
                    [value_at(credits, m, "credits_paid", currency=currency) for m in months],
                )
                for currency in currencies
            ],
            yaxis="credits paid",
        )
        + "<h3>DORA bands</h3>"
        + table(
            "quarterly-dora",
            [
                ("service_id", "service"),
                ("week_start", "week"),
                ("deployment_frequency_band", "deploy freq"),
                ("lead_time_band", "lead time"),
                ("change_failure_rate_band", "change failure"),
                ("failed_deployment_recovery_band", "recovery"),
                ("week_start_previous", "prev week"),
                ("deployment_frequency_band_previous", "deploy freq prev"),
                ("change_failure_rate_band_previous", "change failure prev"),
            ],
            dora,
            source="marts.kpi_dora (each quarter's last week)",
        )
        + "<h3>Release quality</h3>"
        + table(
            "quarterly-release-quality",
            [
                ("month_start", "month"),
                ("service_id", "service"),
                ("deployments", "deployments"),
                ("change_failure_rate_pct", "CFR %"),
                ("rollback_rate_pct", "rollback %"),
                ("attributed_incidents", "attributed incidents"),
                ("mttr_minutes", "MTTR min"),
            ],
            [row for row in quality if row["month_start"] >= period.start],
            source="marts.kpi_release_quality (this quarter's months)",
        )
        + line_chart(
            "chart-cfr",
            "Change failure rate per service",
            month_labels,
            [
                (
                    service,
                    [
                        value_at(quality, m, "change_failure_rate_pct", service_id=service)
                        for m in months
                    ],
                )
                for service in sorted({row["service_id"] for row in quality})
            ],
            yaxis="%",
        )
    )
    root_cause = bullet_list(
        [
            f"Service {esc(row['service_id'])}: {esc(row['attributed_incidents'])} incidents "
            f"attributed to releases this quarter (previous "
            f"{esc(row['attributed_incidents_previous'])}, change "
            f"{_signed(row['attributed_incidents_change'])})."
            for row in _movers(attributed, "attributed_incidents_change")
        ]
        + [
            f"Release {esc(row['deployment_id'])} ({esc(row['service_id'])}): health score "
            f"{esc(row['health_score'])}, {esc(row['attributed_incidents'])} attributed incidents."
            for row in rows(con, queries.RELEASE_HEALTH, params)[:TOP_MOVERS]
        ],
        empty="Nothing moved between the two quarters.",
    )
    wins = [
        f'<span class="good">Win</span>: {esc(row["service_id"])} had fewer release-caused '
        f"incidents ({esc(row['attributed_incidents_previous'])} → "
        f"{esc(row['attributed_incidents'])})."
        for row in attributed
        if row["attributed_incidents_change"] is not None and row["attributed_incidents_change"] < 0
    ]
    opportunities = [
        f"Opportunity: {esc(row['service_id'])} had more release-caused incidents "
        f"({esc(row['attributed_incidents_previous'])} → {esc(row['attributed_incidents'])})."
        for row in attributed
        if row["attributed_incidents_change"] is not None and row["attributed_incidents_change"] > 0
    ]
    actions = _threshold_items(
        rows(con, queries.QUARTER_THRESHOLDS_MTTR, params),
        rows(con, queries.QUARTER_THRESHOLDS_DEGRADED, params),
        rows(con, queries.SLA_UNDER_TARGET, {**params, "month_start": last_month}),
        limit=5,
    )
    return page(
        f"Quarterly executive brief {period.label}",
        _subtitle(
            period,
            "kpi_customer_satisfaction, kpi_customer_retention, "
            "fct_service_credits, kpi_dora, kpi_release_quality",
        ),
        [
            ("Executive Summary", summary),
            ("Key Metrics & Trends", metrics),
            ("Root Cause Analysis", root_cause),
            ("Wins & Opportunities", bullet_list(wins + opportunities)),
            ("Action Items", bullet_list(actions, "actions", "No threshold was crossed.")),
        ],
        charts=True,
    )
