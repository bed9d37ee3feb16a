"""The finance export of `marts.fct_service_credits` (kpi-definitions.md §6).

Each run, into `<exports dir>/finance/` (`KPI_EXPORTS_DIR`, default `data/exports`):

- `service_credits_<YYYY-MM>.csv` for each closed month not exported yet. A month is
  closed when every contract row of it has `is_month_closed` (contract months are cut in
  each contract's time zone, so New York's April closes a few hours after UTC's);
- `service_credits_<YYYY-MM>_restatement_<n>.csv` beside it when a later load changed a
  closed month: the month's rows are rendered again and compared with the latest file
  of that month (the original or the last restatement); a difference writes the next
  restatement (n = 1, 2, ...). Files already written are never changed or deleted;
- `service_credits.parquet`: the whole table (every month, open ones included), replaced
  on every run.

The CSV columns are the spec's list (is_month_closed is true for every exported row and
left out), rows ordered by contract_id, money and percentages as exact decimals.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration import settings

DEFAULT_EXPORTS_DIR = "data/exports"
RELATION = "marts.fct_service_credits"
COLUMNS = (
    "contract_id",
    "customer_id",
    "tier",
    "month_start",
    "uptime_pct",
    "downtime_minutes",
    "maintenance_minutes",
    "excluded_downtime_minutes",
    "breached_support_slas",
    "uptime_credit_pct",
    "support_credit_pct",
    "credit_pct",
    "is_capped",
    "monthly_fee",
    "credit_amount",
    "currency",
)
FILE_PATTERN = re.compile(r"^service_credits_(\d{4}-\d{2})(?:_restatement_(\d+))?\.csv$")


def exports_dir() -> Path:
    """`KPI_EXPORTS_DIR` (default `data/exports`), relative paths from the project root."""
    path = Path(os.environ.get("KPI_EXPORTS_DIR") or DEFAULT_EXPORTS_DIR).expanduser()
    return path if path.is_absolute() else (settings.PROJECT_ROOT / path).resolve()


@dataclass
class FinanceExportResult:
    written: list[Path] = field(default_factory=list)
    restatements: list[Path] = field(default_factory=list)
    parquet: Path | None = None
    closed_months: list[str] = field(default_factory=list)
    open_months: list[str] = field(default_factory=list)
    rows: int = 0


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def render_month(rows: list[tuple]) -> str:
    """The CSV text of one month's rows (header first, sorted by contract_id)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in sorted(rows, key=lambda r: r[0] or ""):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _latest_files(folder: Path) -> dict[str, tuple[int, Path]]:
    """month -> (restatement number, 0 for the original; its path) of the latest file."""
    latest: dict[str, tuple[int, Path]] = {}
    for path in folder.glob("service_credits_*.csv"):
        match = FILE_PATTERN.match(path.name)
        if not match:
            continue
        month, number = match.group(1), int(match.group(2) or 0)
        if month not in latest or number > latest[month][0]:
            latest[month] = (number, path)
    return latest


def read_service_credits(warehouse: Path) -> tuple[list[tuple], list[bool]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            f"select {', '.join(COLUMNS)}, is_month_closed from {RELATION} "
            "order by month_start, contract_id"
        ).fetchall()
    finally:
        con.close()
    return [row[:-1] for row in rows], [bool(row[-1]) for row in rows]


def write_parquet(warehouse: Path, target: Path) -> None:
    temporary = target.with_suffix(".parquet.tmp")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        escaped = str(temporary).replace("'", "''")
        con.execute(
            f"copy (select * from {RELATION} order by month_start, contract_id) "
            f"to '{escaped}' (format parquet)"
        )
    finally:
        con.close()
    temporary.replace(target)


def export_service_credits(warehouse: Path, root: Path | None = None) -> FinanceExportResult:
    """Write the finance files for the warehouse's current fct_service_credits."""
    folder = (root or exports_dir()) / "finance"
    folder.mkdir(parents=True, exist_ok=True)
    rows, closed = read_service_credits(warehouse)
    result = FinanceExportResult(rows=len(rows))

    by_month: dict[str, list[tuple]] = {}
    month_closed: dict[str, bool] = {}
    for row, is_closed in zip(rows, closed, strict=True):
        month = row[COLUMNS.index("month_start")].strftime("%Y-%m")
        by_month.setdefault(month, []).append(row)
        month_closed[month] = month_closed.get(month, True) and is_closed

    latest = _latest_files(folder)
    for month in sorted(by_month):
        if not month_closed[month]:
            result.open_months.append(month)
            continue
        result.closed_months.append(month)
        text = render_month(by_month[month])
        if month not in latest:
            path = folder / f"service_credits_{month}.csv"
            path.write_text(text, encoding="utf-8")
            result.written.append(path)
        elif latest[month][1].read_text(encoding="utf-8") != text:
            path = folder / f"service_credits_{month}_restatement_{latest[month][0] + 1}.csv"
            path.write_text(text, encoding="utf-8")
            result.written.append(path)
            result.restatements.append(path)

    result.parquet = folder / "service_credits.parquet"
    write_parquet(warehouse, result.parquet)
    return result
