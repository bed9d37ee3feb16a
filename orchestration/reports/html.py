"""HTML building blocks of the cadence reports: one self-contained page (plotly.js and the
table sorter inlined, no network), tables whose cells carry their column name and a chart
per figure. Values are printed exactly as the marts hold them (a Decimal keeps its scale).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1d2733; line-height: 1.45; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } .subtitle { color: #5b6773; margin-top: 0; }
h2 { border-bottom: 2px solid #d6dde4; padding-bottom: 0.2rem; margin-top: 2.2rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1.2rem; font-size: 0.9rem; }
th, td { border: 1px solid #d6dde4; padding: 0.25rem 0.6rem; text-align: right; }
th { background: #eef2f6; } td:first-child, th:first-child { text-align: left; }
table.sortable th { cursor: pointer; } table.sortable th:after { content: " \\2195"; color: #99a; }
.source { color: #5b6773; font-size: 0.8rem; margin-top: -0.8rem; }
.chart { width: 100%; height: 360px; margin-bottom: 1rem; }
ul.actions li { margin-bottom: 0.3rem; } .none { color: #5b6773; font-style: italic; }
.flag { color: #b42318; font-weight: 600; } .good { color: #067647; font-weight: 600; }
"""

# A click on a header sorts the table by that column (numbers as numbers, blanks last).
SORTER_JS = """
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, index) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var ascending = th.getAttribute('data-order') !== 'asc';
      table.querySelectorAll('th').forEach(function (other) { other.removeAttribute('data-order'); });
      th.setAttribute('data-order', ascending ? 'asc' : 'desc');
      function key(row) {
        var text = row.cells[index].getAttribute('data-sort') || row.cells[index].textContent.trim();
        var number = parseFloat(text);
        return (text === '' || text === '-') ? null : (isNaN(number) || !/^-?[0-9.]+$/.test(text) ? text : number);
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === null) { return y === null ? 0 : 1; }
        if (y === null) { return -1; }
        var order = (typeof x === typeof y) ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === 'number' ? -1 : 1);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def fmt(value: object) -> str:
    """A mart value as printed: exact decimals, ISO dates, '-' for NULL."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def esc(value: object) -> str:
    return html.escape(fmt(value) if not isinstance(value, str) else value)


def table(
    table_id: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[dict[str, object]],
    *,
    source: str,
    sortable: bool = False,
    links: dict[str, str] | None = None,
) -> str:
    """A table of mart rows: `columns` = (column name, header); each cell carries its column
    in `data-col`, so tests and readers can find a value without relying on its position."""
    rows = list(rows)
    head = "".join(f"<th>{html.escape(header)}</th>" for _, header in columns)
    body = []
    for row in rows:
        cells = []
        for column, _ in columns:
            text = esc(row.get(column))
            if links and column in links and row.get(column) is not None:
                text = f'<a href="{html.escape(links[column])}">{text}</a>'
            cells.append(f'<td data-col="{html.escape(column)}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        body.append(f'<tr><td class="none" colspan="{len(columns)}">no rows</td></tr>')
    css = ' class="sortable"' if sortable else ""
    return (
        f'<table id="{html.escape(table_id)}"{css}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p class="source">Source: {html.escape(source)}</p>'
    )


def bullet_list(items: Sequence[str], css: str = "", empty: str = "Nothing to report.") -> str:
    """Items are HTML already (built with esc())."""
    if not items:
        return f'<p class="none">{html.escape(empty)}</p>'
    css_attr = f' class="{css}"' if css else ""
    return f"<ul{css_attr}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[object],
    series: Sequence[tuple[str, Sequence[object]]],
    *,
    yaxis: str,
) -> str:
    """Grouped bars: one series per period (previous beside current), NULL as no bar."""
    figure = go.Figure(
        data=[
            go.Bar(
                name=name,
                x=[fmt(category) for category in categories],
                y=[None if value is None else float(value) for value in values],
            )
            for name, values in series
        ]
    )
    return _chart(chart_id, figure.update_layout(barmode="group", title=title, yaxis_title=yaxis))


def line_chart(
    chart_id: str,
    title: str,
    x: Sequence[object],
    series: Sequence[tuple[str, Sequence[object]]],
    *,
    yaxis: str,
) -> str:
    figure = go.Figure(
        data=[
            go.Scatter(
                name=name,
                x=[fmt(value) for value in x],
                y=[None if value is None else float(value) for value in values],
                mode="lines+markers",
            )
            for name, values in series
        ]
    )
    return _chart(chart_id, figure.update_layout(title=title, yaxis_title=yaxis))


def _chart(chart_id: str, figure: go.Figure) -> str:
    figure.update_layout(
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 50, "b": 60},
        legend={"orientation": "h", "y": -0.2},
    )
    # SVG traces only (no WebGL), no mode bar links: the page works offline and headless.
    body = figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=chart_id,
        config={"displayModeBar": False, "staticPlot": False, "responsive": True},
    )
    return f'<div class="chart-wrap" data-chart="{html.escape(chart_id)}">{body}</div>'


@cache
def _plotly_js() -> str:
    return get_plotlyjs()


def page(title: str, subtitle: str, sections: Sequence[tuple[str, str]], *, charts: bool) -> str:
    """The whole document: sections are (heading, HTML body)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{STYLE}</style>",
    ]
    if charts:
        # plotly.js itself, inline: the page needs no network to draw its charts.
        parts.append(f'<script type="text/javascript">{_plotly_js()}</script>')
    parts.append("</head><body>")
    parts.append(f"<h1>{html.escape(title)}</h1>")
    parts.append(f'<p class="subtitle">{subtitle}</p>')
    for heading, body in sections:
        section_id = heading.lower().replace(" ", "-").replace("&", "and")
        parts.append(f'<section id="{html.escape(section_id)}"><h2>{html.escape(heading)}</h2>')
        parts.append(body)
        parts.append("</section>")
    parts.append(f"<script>{SORTER_JS}</script>")
    parts.append("</body></html>")
    return "\n".join(parts)
