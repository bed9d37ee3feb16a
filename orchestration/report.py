"""The headline KPIs `make run` prints: read from the marts, never recomputed here."""

from __future__ import annotations

from pathlib import Path

import duckdb

LATEST_MONTH_SQL = """
select service_id, severity, incidents, acknowledged, resolved, mtta_minutes, mttr_minutes,
       ttr_p90_minutes, recurrence_rate_pct, mttr_target_minutes, is_mttr_over_target_30pct
from marts.kpi_incident_response
where month_start = (select max(month_start) from marts.kpi_incident_response)
order by severity, service_id
"""

HEADERS = (
    "service",
    "sev",
    "inc",
    "ack",
    "res",
    "MTTA m",
    "MTTR m",
    "TTR p90 m",
    "recur %",
    "target m",
    "over 30%",
)


# The other domains' headline rows, each for its mart's latest period: (title, SQL, headers).
DOMAIN_SECTIONS = (
    (
        "Support performance, {period:%B %Y} (marts.kpi_support_performance)",
        "select month_start, group_id, tickets_created, tickets_solved, frt_mean_minutes, "
        "resolution_mean_hours, fcr_pct, escalation_rate_pct, backlog_end_of_month "
        "from marts.kpi_support_performance where month_start = "
        "(select max(month_start) from marts.kpi_support_performance) order by group_id",
        ("group", "created", "solved", "FRT m", "resol h", "FCR %", "escal %", "backlog"),
    ),
    (
        "Customer satisfaction, {period:%B %Y}, all segments (marts.kpi_customer_satisfaction)",
        "select month_start, survey_kind, responses, csat_pct, nps, ces_pct, response_rate_pct "
        "from marts.kpi_customer_satisfaction where segment = 'all' and month_start = "
        "(select max(month_start) from marts.kpi_customer_satisfaction) order by survey_kind",
        ("kind", "responses", "CSAT %", "NPS", "CES %", "resp rate %"),
    ),
    (
        "DORA, week of {period:%Y-%m-%d} (marts.kpi_dora)",
        "select week_start, service_id, deployments, lead_time_p50_hours, "
        "change_failure_rate_pct, time_to_restore_p50_hours, deployment_frequency_band, "
        "change_failure_rate_band from marts.kpi_dora where week_start = "
        "(select max(week_start) from marts.kpi_dora) order by service_id",
        ("service", "deploys", "lead p50 h", "CFR %", "restore p50 h", "freq band", "CFR band"),
    ),
    (
        "Service credits, {period:%B %Y}, the latest closed month (marts.fct_service_credits)",
        "select month_start, contract_id, tier, uptime_pct, credit_pct, is_capped, "
        "credit_amount, currency from marts.fct_service_credits where credit_amount > 0 "
        "and month_start = (select max(month_start) from marts.fct_service_credits "
        "where is_month_closed) order by credit_amount desc, contract_id limit 10",
        ("contract", "tier", "uptime %", "credit %", "capped", "amount", "cur"),
    ),
)


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _table(rows: list[tuple[object, ...]], headers: tuple[str, ...]) -> str:
    cells = [headers, *[tuple(_fmt(value) for value in row) for row in rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def print_headline_kpis(warehouse: Path) -> None:
    if not warehouse.exists():
        print(f"No warehouse at {warehouse}: run `make run` first.")
        return
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        ledger = con.execute(
            "select count(*), coalesce(sum(records), 0), coalesce(sum(rejected), 0) "
            "from raw.ingest_files"
        ).fetchone()
        month = con.execute("select max(month_start) from marts.kpi_incident_response").fetchone()
        totals = con.execute(
            "select count(*), count(*) filter (where resolved_at is null), "
            "count(*) filter (where service_id like 'unmapped:%') from marts.fct_incidents"
        ).fetchone()
        rows = con.execute(LATEST_MONTH_SQL).fetchall()
        sections = [
            (title, headers, con.execute(sql).fetchall()) for title, sql, headers in DOMAIN_SECTIONS
        ]
    finally:
        con.close()
    print()
    print(
        f"Ingest: {ledger[0]} files, {ledger[1]} records loaded, {ledger[2]} rejected "
        "(see raw.ingest_rejections)"
    )
    print(
        f"Incidents: {totals[0]} in fct_incidents, {totals[1]} open, "
        f"{totals[2]} on services the catalog does not list"
    )
    if month and month[0]:
        print(f"\nIncident response, {month[0]:%B %Y} (marts.kpi_incident_response):")
        print(_table(rows, HEADERS))
    for title, headers, section_rows in sections:
        if section_rows:
            # The first column is the period: in the title, not in the table.
            print("\n" + title.format(period=section_rows[0][0]) + ":")
            print(_table([row[1:] for row in section_rows], headers))
