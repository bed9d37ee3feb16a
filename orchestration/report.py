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
