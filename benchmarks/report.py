"""The benchmark's tables: one run's measures against the issue's targets, and the runs of
several scales side by side (how the cost grows with the data).

Targets are reported (met / missed), never asserted: benchmarks measure, they do not fail.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GIB = 1 << 30
MIB = 1 << 20

VOLUME_LABELS = {
    "zendesk_tickets": "Zendesk tickets (fct_tickets)",
    "incidents": "incidents (fct_incidents)",
    "deployments": "deployments (fct_deployments)",
    "survey_responses": "survey responses (fct_survey_responses)",
    "contracts": "contracts (distinct contract_id)",
}


@dataclass(frozen=True)
class Target:
    """`value <op> threshold`, e.g. Target("≥", 0.5)."""

    op: str
    threshold: float

    def status(self, value: float | None) -> str:
        if value is None or math.isnan(value):
            return "n/a"
        met = {
            "≥": value >= self.threshold,
            "≤": value <= self.threshold,
            "<": value < self.threshold,
        }[self.op]
        return "met" if met else "missed"

    def text(self, unit: str = "") -> str:
        return f"{self.op} {_number(self.threshold)}{unit}"


INGEST_VS_NATIVE = Target("≥", 0.5)  # native seconds / ingest seconds
DBT_VS_LOWER_BOUND = Target("≤", 2.0)  # dbt seconds / lower-bound seconds
INCREMENTAL_VS_FULL = Target("<", 0.10)  # 1% incremental run / full run
PEAK_MEMORY_GIB = Target("<", 4.0)
GROWTH_PER_10X = Target("≤", 12.0)  # time factor for 10× the data


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def growth_per_10x(
    records_small: float, seconds_small: float, records_large: float, seconds_large: float
) -> float | None:
    """The time factor for 10× the records between two runs, assuming cost ∝ records^k:
    (t_large / t_small) ^ (1 / log10(n_large / n_small))."""
    if min(records_small, seconds_small, records_large, seconds_large) <= 0:
        return None
    decades = math.log10(records_large / records_small)
    if decades <= 0:
        return None
    return (seconds_large / seconds_small) ** (1 / decades)


def _number(value: float) -> str:
    if value == int(value) and abs(value) >= 1:
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _int(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} s"


def _ratio(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.2f}{suffix}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _bytes(value: int | None) -> str:
    if value is None:
        return "-"
    return f"{value / GIB:.2f} GiB" if value >= GIB else f"{value / MIB:.1f} MiB"


def derived(result: dict[str, Any]) -> dict[str, float | None]:
    """The ratios a result is judged by."""
    phases = result.get("phases", {})
    native = result.get("native") or {}
    incremental = result.get("incremental") or {}
    return {
        "ingest_rows_per_second": ratio(result.get("records_loaded"), phases.get("ingest")),
        "ingest_vs_native": ratio(native.get("seconds"), phases.get("ingest"))
        if native and not native.get("failures")
        else None,
        "dbt_vs_lower_bound": ratio(
            result.get("dbt_subset_seconds"), result.get("lower_bound_seconds")
        ),
        "incremental_vs_full": ratio(incremental.get("seconds"), result.get("full_run_seconds")),
        "peak_memory_gib": result["peak_rss_bytes"] / GIB if result.get("peak_rss_bytes") else None,
    }


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def render_result(result: dict[str, Any]) -> str:
    """One run as one markdown table: measure | value | target | result."""
    ratios = derived(result)
    phases = result.get("phases", {})
    native = result.get("native") or {}
    incremental = result.get("incremental") or {}
    lines = [
        f"# Benchmark {result['date']}: scale {result['scale']} "
        f"(generator scale {_number(result['generator_scale'])}, seed {result['seed']})",
        "",
        f"Machine: {result['machine']}. DuckDB memory_limit {result['duckdb']['memory_limit']}, "
        f"threads {result['duckdb']['threads']}. Pipeline "
        f"{'succeeded' if result.get('pipeline_ok') else 'FAILED'}"
        + (f": {result['failure']}" if result.get("failure") else "")
        + ".",
        "",
        _row("measure", "value", "target", "result"),
        _row("---", "---:", "---", "---"),
    ]
    for folder, records in sorted(result.get("records", {}).items()):
        files = result.get("files", {}).get(folder, 0)
        lines.append(
            _row(
                f"records: {folder}",
                f"{records:,} in {files:,} file{'s' if files != 1 else ''}",
                "",
                "",
            )
        )
    lines.append(_row("records: total loaded", _int(result.get("records_loaded")), "", ""))
    targets = result.get("volume_targets", {})
    for name, label in VOLUME_LABELS.items():
        generated = result.get("volumes", {}).get(name)
        target = targets.get(name)
        share = ratio(generated, target)
        lines.append(
            _row(
                f"volume: {label}",
                _int(generated),
                f"issue: {_int(target)} at this scale",
                "-" if share is None else f"{share:.2f}× the issue's",
            )
        )
    lines.append(
        _row(
            "volume: months of history",
            _int(result.get("months")),
            f"issue: {result.get('target_months', 36)}",
            "",
        )
    )
    for phase in ("generate", "ingest", "dbt build", "validation", "other"):
        lines.append(_row(f"seconds: {phase}", _seconds(phases.get(phase)), "", ""))
    lines.append(
        _row(
            "seconds: full run (ingest → validation)",
            _seconds(result.get("full_run_seconds")),
            "",
            "",
        )
    )
    lines.append(_row("ingest rows/s", _int(_round(ratios["ingest_rows_per_second"])), "", ""))
    lines.append(
        _row(
            "peak RSS, process tree (full run)",
            _bytes(result.get("peak_rss_bytes")),
            PEAK_MEMORY_GIB.text(" GiB"),
            PEAK_MEMORY_GIB.status(ratios["peak_memory_gib"]),
        )
    )
    lines.append(
        _row(
            "peak RSS, process tree (whole benchmark)",
            _bytes(result.get("benchmark_peak_rss_bytes")),
            "",
            "",
        )
    )
    lines.append(
        _row(
            "peak RSS, largest single process (whole benchmark, getrusage)",
            _bytes(result.get("largest_process_rss_bytes")),
            "",
            "",
        )
    )
    lines.append(_row("warehouse size on disk", _bytes(result.get("warehouse_bytes")), "", ""))
    if native:
        failures = native.get("failures") or []
        rescanned = native.get("rescanned") or []
        lines.append(
            _row(
                "ingest vs DuckDB native read (native s / ingest s)",
                f"{_seconds(native.get('seconds'))} / {_seconds(phases.get('ingest'))} = "
                f"{_ratio(ratios['ingest_vs_native'])}"
                + (f" ({len(failures)} folders failed to read natively)" if failures else "")
                + (
                    f" ({len(rescanned)} batches of mixed JSON shapes read with the schema "
                    "of every record)"
                    if rescanned
                    else ""
                ),
                INGEST_VS_NATIVE.text(),
                INGEST_VS_NATIVE.status(ratios["ingest_vs_native"]),
            )
        )
    if result.get("lower_bound_seconds") is not None:
        lines.append(
            _row(
                "dbt run (two marts' lineage) vs lower bound SQL",
                f"{_seconds(result.get('dbt_subset_seconds'))} / "
                f"{_seconds(result.get('lower_bound_seconds'))} = "
                f"{_ratio(ratios['dbt_vs_lower_bound'], '×')}"
                + ("" if result.get("lower_bound_matches") else " (rows DIFFER from the marts)"),
                DBT_VS_LOWER_BOUND.text("×"),
                DBT_VS_LOWER_BOUND.status(ratios["dbt_vs_lower_bound"]),
            )
        )
    if incremental:
        lines.append(
            _row(
                "incremental run vs full run",
                f"{_seconds(incremental.get('seconds'))} / "
                f"{_seconds(result.get('full_run_seconds'))} = "
                f"{_pct(ratios['incremental_vs_full'])} "
                f"(+{_int(incremental.get('records'))} records = "
                f"{_pct(incremental.get('fraction_of_records'))}, "
                f"{_int(incremental.get('files'))} files)",
                "< 10%",
                INCREMENTAL_VS_FULL.status(ratios["incremental_vs_full"]),
            )
        )
        steps = incremental.get("phases") or {}
        if steps:
            lines.append(
                _row(
                    "seconds: incremental run by phase",
                    ", ".join(
                        f"{name} {_seconds(steps.get(name))}"
                        for name in ("ingest", "dbt build", "validation")
                    ),
                    "",
                    "",
                )
            )
    if native.get("note"):
        lines += ["", f"Native read: {native['note']}."]
    return "\n".join(lines) + "\n"


def _status_cell(value: float | None, target: Target, suffix: str) -> str:
    return "-" if value is None else f"{value:.2f}{suffix} ({target.status(value)})"


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


def render_combined(results: list[dict[str, Any]]) -> str:
    """The scales side by side, smallest first; growth is per 10× the records against the
    previous (smaller) row."""
    ordered = sorted(results, key=lambda result: result.get("records_loaded") or 0)
    lines = [
        _row(
            "scale",
            "date",
            "records",
            "full run",
            "ingest rows/s",
            "time ×/10× data",
            "ingest/native",
            "dbt/lower bound",
            "incremental/full",
            "peak RSS",
            "warehouse",
        ),
        _row("---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"),
    ]
    previous: dict[str, Any] | None = None
    for result in ordered:
        ratios = derived(result)
        growth = None
        if previous is not None:
            growth = growth_per_10x(
                previous.get("records_loaded") or 0,
                previous.get("full_run_seconds") or 0,
                result.get("records_loaded") or 0,
                result.get("full_run_seconds") or 0,
            )
        lines.append(
            _row(
                f"{result['scale']} ({_number(result['generator_scale'])})",
                result["date"],
                _int(result.get("records_loaded")),
                _seconds(result.get("full_run_seconds")),
                _int(_round(ratios["ingest_rows_per_second"])),
                "-" if growth is None else f"{growth:.1f}× ({GROWTH_PER_10X.status(growth)})",
                _status_cell(ratios["ingest_vs_native"], INGEST_VS_NATIVE, ""),
                _status_cell(ratios["dbt_vs_lower_bound"], DBT_VS_LOWER_BOUND, "×"),
                "-"
                if ratios["incremental_vs_full"] is None
                else f"{_pct(ratios['incremental_vs_full'])} "
                f"({INCREMENTAL_VS_FULL.status(ratios['incremental_vs_full'])})",
                f"{_bytes(result.get('peak_rss_bytes'))} "
                f"({PEAK_MEMORY_GIB.status(ratios['peak_memory_gib'])})",
                _bytes(result.get("warehouse_bytes")),
            )
        )
        previous = result
    targets = (
        f"Targets: ingest/native {INGEST_VS_NATIVE.text()}, dbt/lower bound "
        f"{DBT_VS_LOWER_BOUND.text('×')}, incremental/full < 10%, peak RSS "
        f"{PEAK_MEMORY_GIB.text(' GiB')}, time {GROWTH_PER_10X.text('×')} per 10× the records."
    )
    return "\n".join([*lines, "", targets]) + "\n"


def latest_per_scale(results_dir: Path) -> list[dict[str, Any]]:
    """The newest result of each scale label in `results_dir` (`<date>-<scale>.json`)."""
    latest: dict[str, dict[str, Any]] = {}
    for path in sorted(results_dir.glob("*.json")):
        result = json.loads(path.read_text())
        label = result["scale"]
        if label not in latest or result["date"] >= latest[label]["date"]:
            latest[label] = result
    return list(latest.values())


def rerender(results_dir: Path) -> None:
    """Write every `<date>-<scale>.md` and `summary.md` again from the `.json` figures."""
    for path in sorted(results_dir.glob("*.json")):
        path.with_suffix(".md").write_text(render_result(json.loads(path.read_text())))
    (results_dir / "summary.md").write_text(render_summary(latest_per_scale(results_dir)))


def render_summary(results: list[dict[str, Any]]) -> str:
    return "# Benchmark results, newest of each scale\n\n" + render_combined(results)


if __name__ == "__main__":
    import sys

    rerender(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "results")
