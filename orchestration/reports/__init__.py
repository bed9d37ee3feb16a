"""Cadence reports people read: static, self-contained HTML pages built from the marts.

`build_reports(warehouse_path, exports_dir)` writes, under `<exports dir>/reports/`:

- `weekly/<YYYY>-W<ww>.html`: the weekly team report (support per group);
- `monthly/<YYYY-MM>.html`: the monthly department report, and beside it
  `monthly/<YYYY-MM>-release-health.html`, the sortable release health scorecard it links;
- `quarterly/<YYYY>-Q<q>.html`: the quarterly executive brief.

Each page holds plotly.js inline (no CDN, no server) and opens offline. By default each
cadence's latest complete period is built (`pages.latest_period`); `cadence`/`period`
pick one. The warehouse is opened read only, and every number is read from the marts by
SQL (`queries.py`). `python -m orchestration.reports` is the CLI (`make reports`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.reports.pages import (
    Period,
    latest_period,
    monthly_report,
    parse_period,
    quarterly_report,
    release_scorecard,
    scorecard_name,
    weekly_report,
)

CADENCES = ("weekly", "monthly", "quarterly")

__all__ = ["CADENCES", "Period", "build_reports", "reports_dir"]


def reports_dir(exports_dir: Path) -> Path:
    return Path(exports_dir) / "reports"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)  # a reader never sees half a page
    return path


def build_reports(
    warehouse_path: Path | str,
    exports_dir: Path | str,
    cadence: str | None = None,
    period: str | None = None,
) -> list[Path]:
    """Build the reports and return the paths written (the monthly scorecard included).

    `cadence` None builds all three cadences, each for its latest complete period;
    `period` (e.g. `2026-W26`, `2026-06`, `2026-Q2`) needs a `cadence`.
    """
    if cadence is not None and cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}: expected one of {', '.join(CADENCES)}")
    if period is not None and cadence is None:
        raise ValueError("a period needs its cadence (weekly, monthly or quarterly)")
    warehouse = Path(warehouse_path)
    if not warehouse.is_file():
        raise FileNotFoundError(f"no warehouse at {warehouse}: run `make run` first")
    root = reports_dir(Path(exports_dir))
    written: list[Path] = []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for name in (cadence,) if cadence else CADENCES:
            chosen = parse_period(name, period) if period else latest_period(con, name)
            folder = root / name
            if name == "weekly":
                written.append(_write(folder / f"{chosen.label}.html", weekly_report(con, chosen)))
            elif name == "monthly":
                written.append(_write(folder / f"{chosen.label}.html", monthly_report(con, chosen)))
                written.append(
                    _write(folder / scorecard_name(chosen), release_scorecard(con, chosen))
                )
            else:
                written.append(
                    _write(folder / f"{chosen.label}.html", quarterly_report(con, chosen))
                )
    finally:
        con.close()
    return written
