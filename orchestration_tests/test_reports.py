"""The cadence reports (orchestration/reports/) on the hand-built end-to-end warehouse
(the session's `e2e_run`): every number in a page is the mart's value, and a headless
Chromium draws every chart offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from orchestration.reports import browser, build_reports
from orchestration.reports.html import fmt
from orchestration.reports.pages import latest_period, parse_period

# Periods with fixture data in both the period and the one before: the fixture's tickets,
# incidents, deployments and surveys fall in January and early February 2026.
PERIODS = {"weekly": "2026-W06", "monthly": "2026-02", "quarterly": "2026-Q1"}
CHARTS = {
    "weekly": ["chart-volume", "chart-frt", "chart-fcr", "chart-escalation", "chart-backlog"],
    "monthly": [
        "chart-csat",
        "chart-resolution",
        "chart-cost",
        "chart-sla",
        "chart-mttr",
        "chart-mtta",
        "chart-incidents",
    ],
    "quarterly": ["chart-nps-ces", "chart-retention", "chart-credits", "chart-cfr"],
}
SECTIONS = [
    "Executive Summary",
    "Key Metrics & Trends",
    "Root Cause Analysis",
    "Wins & Opportunities",
    "Action Items",
]
# plotly's first two default trace colours (#636efa, #ef553b): the previous and the
# current period's bars/lines. A page whose charts did not draw has neither.
TRACE_COLOURS = [(99, 110, 250), (239, 85, 59)]


class Tables(HTMLParser):
    """Every <table id=...> as a list of {data-col: cell text}; section headings; links."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[dict[str, str]]] = {}
        self.headings: list[str] = []
        self.links: list[str] = []
        self._table: str | None = None
        self._row: dict[str, str] | None = None
        self._col: str | None = None
        self._text: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table" and attributes.get("id"):
            self._table = attributes["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = {}
        elif tag == "td" and self._row is not None and attributes.get("data-col"):
            self._col, self._text = attributes["data-col"], []
        elif tag == "h2":
            self._in_h2, self._text = True, []
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_data(self, data: str) -> None:
        if self._col is not None or self._in_h2:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._col is not None and self._row is not None:
            self._row[self._col] = "".join(self._text).strip()
            self._col = None
        elif tag == "tr" and self._row is not None:
            if self._row and self._table:
                self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "h2":
            self.headings.append("".join(self._text).strip())
            self._in_h2 = False


def parse(path: Path) -> Tables:
    parser = Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def mart_rows(e2e_run, sql: str, columns: list[str]) -> list[dict[str, str]]:
    return [
        {column: fmt(value) for column, value in zip(columns, row, strict=True)}
        for row in e2e_run.query(sql)
    ]


@pytest.fixture(scope="module")
def reports(e2e_run, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    built: dict[str, Path] = {}
    for cadence, period in PERIODS.items():
        for path in build_reports(e2e_run.warehouse, out, cadence, period):
            built["scorecard" if path.name.endswith("-release-health.html") else cadence] = path
    return built


def test_make_run_ends_with_the_report_paths(e2e_run) -> None:
    # `run` builds the latest complete period of each cadence and prints the paths last.
    # The fixture's newest event is an incident at 2026-02-10 10:00, so data runs through
    # 02-10: the week of Monday 02-09 (W07) and February are still running -> W06 and
    # January; Q1 too -> 2025-Q4.
    output = e2e_run.second_output
    tail = output[output.index("Reports (open in a browser, offline):") :].splitlines()[1:]
    paths = [Path(line.strip()) for line in tail if line.strip().endswith(".html")]
    assert [f"{path.parent.name}/{path.name}" for path in paths] == [
        "weekly/2026-W06.html",
        "monthly/2026-01.html",
        "monthly/2026-01-release-health.html",
        "quarterly/2025-Q4.html",
    ]
    assert all(path.is_file() and path.stat().st_size > 0 for path in paths)
    assert paths[0].parent.parent == e2e_run.warehouse.parent / "exports" / "reports"


def test_every_report_has_the_five_sections_and_names_its_files(reports) -> None:
    assert reports["weekly"].name == "2026-W06.html"
    assert reports["monthly"].name == "2026-02.html"
    assert reports["scorecard"].name == "2026-02-release-health.html"
    assert reports["quarterly"].name == "2026-Q1.html"
    for cadence in ("weekly", "monthly", "quarterly"):
        assert parse(reports[cadence]).headings == SECTIONS
    # The monthly report links its scorecard, and the scorecard links back.
    assert "2026-02-release-health.html" in parse(reports["monthly"]).links
    assert "2026-02.html" in parse(reports["scorecard"]).links


def test_reports_need_no_network(reports) -> None:
    # plotly.js is inline: no <script src=...>, no stylesheet or font from elsewhere.
    for path in reports.values():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", text)
        assert not re.search(r"<link[^>]+href=\"https?:", text)
    assert "plotly.js v" in reports["monthly"].read_text(encoding="utf-8")[:200_000]


def test_quarterly_retention_is_the_marts_and_the_hand_worked_values(e2e_run, reports) -> None:
    table = parse(reports["quarterly"]).tables["quarterly-retention"]
    columns = [
        "month_start",
        "currency",
        "customers_start",
        "customers_retained",
        "customer_retention_rate_pct",
        "mrr_start",
        "mrr_end_from_start_customers",
        "net_revenue_retention_pct",
    ]
    expected = mart_rows(
        e2e_run,
        f"select {', '.join(columns)} from marts.kpi_customer_retention where tier = 'all' "
        "and month_start >= '2025-10-01' and month_start < '2026-04-01' "
        "order by month_start, currency",
        columns,
    )
    assert table == expected
    february_usd = next(
        row for row in table if row["month_start"] == "2026-02-01" and row["currency"] == "USD"
    )
    # USD contracts in force on 2026-02-01: C-1 20000, C-2 8000, cr-gold-01 10000,
    # cr-tier-01 Silver 2000, sat-k1 5000, sat-k3 800 -> 6 customers, MRR 45800.00. All
    # still in force on 02-28; cr-tier-01 is Gold 4000 from 02-15 -> 45800 + 2000 =
    # 47800.00; NRR 100 × 47800 / 45800 = 104.366... -> 104.37; retention 6/6 = 100.00.
    assert february_usd == {
        "month_start": "2026-02-01",
        "currency": "USD",
        "customers_start": "6",
        "customers_retained": "6",
        "customer_retention_rate_pct": "100.00",
        "mrr_start": "45800.00",
        "mrr_end_from_start_customers": "47800.00",
        "net_revenue_retention_pct": "104.37",
    }


def test_quarterly_satisfaction_and_release_quality_are_the_marts(e2e_run, reports) -> None:
    tables = parse(reports["quarterly"]).tables
    columns = ["month_start", "survey_kind", "responses", "nps", "ces_pct", "csat_pct"]
    assert tables["quarterly-satisfaction"] == mart_rows(
        e2e_run,
        f"select {', '.join(columns)} from marts.kpi_customer_satisfaction "
        "where segment = 'all' and month_start >= '2025-10-01' and month_start < '2026-04-01' "
        "order by month_start, survey_kind",
        columns,
    )
    columns = ["month_start", "service_id", "deployments", "change_failure_rate_pct"]
    shown = [{k: row[k] for k in columns} for row in tables["quarterly-release-quality"]]
    assert shown == mart_rows(
        e2e_run,
        f"select {', '.join(columns)} from marts.kpi_release_quality "
        "where month_start >= '2026-01-01' and month_start < '2026-04-01' "
        "order by month_start, service_id",
        columns,
    )
    assert shown, "the fixture has deployments in January and February 2026"


def test_monthly_report_is_the_marts(e2e_run, reports) -> None:
    tables = parse(reports["monthly"]).tables
    csat_all = next(row for row in tables["monthly-csat"] if row["segment"] == "all")
    ((csat, responses),) = e2e_run.query(
        "select csat_pct, responses from marts.kpi_customer_satisfaction "
        "where month_start = '2026-02-01' and survey_kind = 'csat' and segment = 'all'"
    )
    assert (csat_all["csat_pct"], csat_all["responses"]) == (fmt(csat), fmt(responses))
    columns = ["service_id", "severity", "incidents", "mtta_minutes", "mttr_minutes"]
    shown = sorted(
        (
            {k: row[k] for k in columns}
            for row in tables["monthly-incidents"]
            if row["incidents"] != "-"
        ),
        key=lambda row: (row["severity"], row["service_id"]),
    )
    assert shown == mart_rows(
        e2e_run,
        f"select {', '.join(columns)} from marts.kpi_incident_response "
        "where month_start = '2026-02-01' order by severity, service_id",
        columns,
    )
    assert shown, "the fixture has incidents in February 2026"
    support = {row["group_name"]: row for row in tables["monthly-support"]}
    mart = e2e_run.query(
        "select coalesce(groups.group_name, kpi.group_id), kpi.tickets_created, "
        "kpi.resolution_mean_hours, kpi.cost_per_ticket "
        "from marts.kpi_support_performance as kpi left join reference.support_groups as groups "
        "on kpi.group_id = cast(groups.group_id as varchar) where kpi.month_start = '2026-02-01'"
    )
    assert mart, "the fixture has support tickets in February 2026"
    for group_id, created, resolution, cost in mart:
        assert support[group_id]["tickets_created"] == fmt(created)
        assert support[group_id]["resolution_mean_hours"] == fmt(resolution)
        assert support[group_id]["cost_per_ticket"] == fmt(cost)


def test_scorecard_lists_every_production_deployment_of_the_month(e2e_run, reports) -> None:
    columns = [
        "deployment_id",
        "service_id",
        "health_score",
        "attributed_incidents",
        "ticket_spike_ratio",
        "csat_delta_pct",
    ]
    shown = [
        {k: row[k] for k in columns} for row in parse(reports["scorecard"]).tables["release-health"]
    ]
    assert shown == mart_rows(
        e2e_run,
        f"select {', '.join(columns)} from marts.fct_release_health "
        "where started_at >= '2026-02-01' and started_at < '2026-03-01' "
        "order by health_score, started_at, deployment_id",
        columns,
    )
    assert shown, "the fixture has production deployments in February 2026"


def test_weekly_all_row_is_the_count_of_the_weeks_production_tickets(e2e_run, reports) -> None:
    table = parse(reports["weekly"]).tables["weekly-support"]
    all_row = next(row for row in table if row["group_name"] == "all")
    # W06 = Monday 2026-02-02 to Sunday 02-08, W05 = 01-26 to 02-01.
    ((created, previous),) = e2e_run.query(
        "select count(*) filter (where created_at >= '2026-02-02' and created_at < '2026-02-09'), "
        "count(*) filter (where created_at >= '2026-01-26' and created_at < '2026-02-02') "
        "from marts.fct_tickets where is_production"
    )
    # The fixture's production tickets: one created in W06, three in W05.
    assert (created, previous) == (1, 3)
    assert (all_row["tickets_created"], all_row["tickets_created_previous"]) == ("1", "3")


def test_bad_periods_and_missing_warehouse_get_clear_errors(e2e_run, tmp_path) -> None:
    with pytest.raises(ValueError, match="not a monthly period"):
        build_reports(e2e_run.warehouse, tmp_path, "monthly", "2026-13")
    with pytest.raises(ValueError, match="not a quarterly period"):
        parse_period("quarterly", "2026-Q5")
    with pytest.raises(ValueError, match="needs its cadence"):
        build_reports(e2e_run.warehouse, tmp_path, None, "2026-03")
    with pytest.raises(ValueError, match="unknown cadence"):
        build_reports(e2e_run.warehouse, tmp_path, "daily")
    with pytest.raises(FileNotFoundError, match="make run"):
        build_reports(tmp_path / "missing.duckdb", tmp_path)
    assert not (tmp_path / "reports").exists()


def test_periods_parse_and_the_latest_is_complete() -> None:
    # ISO week 10 of 2026 starts Monday 2026-03-02; the previous week 2026-02-23 (W09).
    week = parse_period("weekly", "2026-W10")
    assert (week.start.isoformat(), week.end.isoformat(), week.previous_label) == (
        "2026-03-02",
        "2026-03-09",
        "2026-W09",
    )
    quarter = parse_period("quarterly", "2026-Q1")
    assert (quarter.start.isoformat(), quarter.end.isoformat(), quarter.previous_label) == (
        "2026-01-01",
        "2026-04-01",
        "2025-Q4",
    )
    assert parse_period("monthly", "2026-01").previous_label == "2025-12"


class FakeConnection:
    def __init__(self, data_through) -> None:
        self.data_through = data_through

    def execute(self, sql: str):
        return self

    def fetchone(self):
        return (self.data_through,)


def test_latest_period_skips_the_period_still_running() -> None:
    from datetime import date

    # Events through 2026-06-30 (data_through = 07-01): June and Q2 are complete; the week
    # of Monday 06-29 is not (it ends 07-06), so the latest week is 06-22 (W26).
    con = FakeConnection(date(2026, 7, 1))
    assert latest_period(con, "monthly").label == "2026-06"
    assert latest_period(con, "quarterly").label == "2026-Q2"
    assert latest_period(con, "weekly").label == "2026-W26"
    # Events through 2026-06-15: June is still running -> May; Q2 too -> Q1.
    con = FakeConnection(date(2026, 6, 16))
    assert latest_period(con, "monthly").label == "2026-05"
    assert latest_period(con, "quarterly").label == "2026-Q1"


# --- headless Chromium ---------------------------------------------------------------


def chart_parts(dom: str) -> dict[str, str]:
    """The DOM of each chart: from its `<div id="chart-...">` to the next chart's wrapper
    (the charts are siblings, one after another)."""
    starts = [
        (match.start(), match.group(1)) for match in re.finditer(r'id="(chart-[a-z-]+)"', dom)
    ]
    ends = [start for start, _ in starts[1:]] + [len(dom)]
    return {chart: dom[start:end] for (start, chart), end in zip(starts, ends, strict=True)}


def drawn_marks(chart_dom: str) -> int:
    """Bars of non-zero height (`M x,y1 V y2 ...` with y1 != y2; a NULL bar is flat) and
    scatter markers (`<path class="point" ...>`)."""
    bars = re.findall(r'class="point"><path d="M[-0-9.]+,([-0-9.]+)V([-0-9.]+)', chart_dom)
    markers = re.findall(r'<path class="point"', chart_dom)
    return sum(1 for top, bottom in bars if top != bottom) + len(markers)


@pytest.mark.parametrize("cadence", ["weekly", "monthly", "quarterly"])
def test_chromium_draws_every_chart(reports, cadence) -> None:
    # Before the scripts run a chart is an empty <div>; plotly draws <svg class="main-svg">
    # and a <g class="trace ..."> per series (bars or lines) into it.
    source = chart_parts(reports[cadence].read_text(encoding="utf-8"))
    drawn = chart_parts(browser.dump_dom(reports[cadence]))
    assert sorted(drawn) == sorted(CHARTS[cadence])
    for chart in CHARTS[cadence]:
        assert 'class="main-svg"' not in source[chart]
        assert 'class="main-svg"' in drawn[chart], f"{chart} has no plotly SVG"
        assert re.search(r'<g class="trace[ "]', drawn[chart]), f"{chart} drew no trace"
        # Its axis was laid out with the categories (a chart whose values are all 0 draws
        # flat bars, so marks are counted over the whole page below).
        assert 'class="xtick"' in drawn[chart], f"{chart} has no x axis labels"
    assert sum(drawn_marks(part) for part in drawn.values()) >= len(CHARTS[cadence])


@pytest.mark.parametrize("page", ["weekly", "monthly", "quarterly", "scorecard"])
def test_chromium_screenshot_is_not_blank(reports, page, tmp_path) -> None:
    from PIL import Image

    png = browser.screenshot(reports[page], tmp_path / f"{page}.png")
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (browser.WIDTH, browser.HEIGHT)
        colours = {colour for _, colour in rgb.getcolors(maxcolors=1 << 20)}
    # Text, table borders and backgrounds: far more than a blank page's one colour.
    assert len(colours) > 50
    if page != "scorecard":
        # The charts drew: plotly's trace colours are in the picture.
        assert all(colour in colours for colour in TRACE_COLOURS)


def test_scorecard_sorts_when_a_header_is_clicked(e2e_run, tmp_path) -> None:
    # January 2026 has six production deployments in the fixture (February only one).
    (_, scorecard) = build_reports(e2e_run.warehouse, tmp_path, "monthly", "2026-01")
    before = parse(scorecard).tables["release-health"]
    # The page lists the worst health first; a click on "health score" sorts ascending, a
    # second click descending, moving whole rows.
    clicked = tmp_path / "scorecard-clicked.html"
    clicked.write_text(
        scorecard.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>var th = document.querySelectorAll('#release-health th')[3];"
            "th.click(); th.click();</script></body>",
        ),
        encoding="utf-8",
    )
    parser = Tables()
    parser.feed(browser.dump_dom(clicked))
    after = parser.tables["release-health"]
    numbers = [float(row["health_score"]) for row in after if row["health_score"] != "-"]
    assert len(before) == 6
    assert len(set(numbers)) >= 2
    assert numbers == sorted(numbers, reverse=True)
    assert [row["health_score"] for row in after[: len(numbers)]] == [
        row["health_score"] for row in after if row["health_score"] != "-"
    ]
    key = ("deployment_id", "health_score", "attributed_incidents")
    assert sorted(tuple(row[k] for k in key) for row in after) == sorted(
        tuple(row[k] for k in key) for row in before
    )
    assert after != before
