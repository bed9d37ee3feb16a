"""`make bench-days` / `python -m benchmarks.day_runs --scale 10`: what adding one day's
exports costs against the first full run, run as a team runs it: `make run`'s command
(`python -m orchestration.cli run`), a new process each time, timed from start to exit.

    python -m benchmarks.day_runs [--scale 10] [--days 2026-06-29,2026-07-01]
                                  [--landing DIR] [--out DIR] [--seed 42]

Steps:
1. the exports: generated at the scale into `<out>/landing` (default `data/bench/days-<scale>`,
   deleted first), or copied there from `--landing` (the given folder is never changed);
2. every file whose name carries one of the days (`YYYY-MM-DD`) is held back; by default
   the two newest days of the landing folder (in the sample: the last weekly Zendesk
   incremental export, and the month-end day with the snapshots of users, organizations,
   groups, schedules, SLA policies, contracts, GitLab environments and Jenkins builds);
3. the first run into a new `<out>/warehouse.duckdb`, after an untimed `dbt parse` for its
   environment (a parse follows a change of the project, not of the data);
4. each day's files put back, oldest day first, and the pipeline run again (incremental);
5. a run with nothing new;
6. a full rebuild of every file into `<out>/full.duckdb`, compared with the incremental
   warehouse row for row (benchmarks/compare.py): the marts must be equal.
The table goes to stdout and to `<results-dir>/<YYYY-MM-DD>-days-<scale>.md` (and `.json`);
each run's output to `<out>/<run>.log`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import holdback
from benchmarks.compare import compare_marts
from benchmarks.scales import parse_scale

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SUMMARY = {
    "files": re.compile(r"^  files:\s+(\d+) loaded"),
    "records": re.compile(r"^  records:\s+(\d+) loaded"),
    "models": re.compile(r"^  dbt:\s+(\d+) models built"),
    "tests": re.compile(r"tests (\d+) passed"),
}
_PHASE = re.compile(r"([a-z][a-z ]*?) (\d+(?:\.\d+)?) s")
# `dbt parse` for the environment a run will have (orchestration/build_plan.py).
PARSE = (
    "from orchestration.build_plan import prepare_manifest\n"
    "from orchestration.resources import dbt_project\n"
    "prepare_manifest(dbt_project)\n"
)


def files_of_day(relative_paths: list[str], day: str) -> list[str]:
    """The files whose name carries `day` (the date of the export in the file name)."""
    return sorted(path for path in relative_paths if day in _DAY.findall(Path(path).name))


def newest_days(relative_paths: list[str], count: int) -> list[str]:
    """The `count` newest full dates (`YYYY-MM-DD`) found in file names, oldest first."""
    days = {day for path in relative_paths for day in _DAY.findall(Path(path).name)}
    return sorted(days)[-count:]


def parse_run_output(output: str) -> dict[str, Any]:
    """Files, records, models and tests of `make run`'s run summary, and its time per phase
    (`time:    ingest 1.0 s, dbt build 18.5 s, ...`); zeros when nothing was built."""
    figures: dict[str, Any] = dict.fromkeys(_SUMMARY, 0)
    figures["phases"] = {}
    for line in output.splitlines():
        for name, pattern in _SUMMARY.items():
            if match := pattern.search(line):
                figures[name] = int(match[1])
        if line.startswith("  time:"):
            figures["phases"] = {
                name.strip(): float(seconds)
                for name, seconds in _PHASE.findall(line.removeprefix("  time:"))
            }
    return figures


def _python(
    code: list[str], landing: Path, warehouse: Path, exports: Path, log: Path | None = None
) -> tuple[float, str]:
    """Run `python <code>` on these folders: (seconds, output); the output is kept in `log`
    first, so a failed run leaves it there too."""
    env = {
        **os.environ,
        "KPI_LANDING_DIR": str(landing),
        "KPI_WAREHOUSE_PATH": str(warehouse),
        "KPI_EXPORTS_DIR": str(exports),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if log is not None:
        log.write_text(output)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(code)} failed (exit {done.returncode}):\n{output[-3000:]}")
    return seconds, output


def _parse(landing: Path, warehouse: Path, exports: Path) -> float:
    """`dbt parse` for this environment (the manifest depends on the KPI_* variables), so
    the timed run that follows does not parse: a parse follows a change of the dbt project,
    not of the data, and would flatter the first run."""
    return _python(["-c", PARSE], landing, warehouse, exports)[0]


def _run(landing: Path, warehouse: Path, exports: Path, log: Path) -> dict[str, Any]:
    """One `make run`, its output kept in `log`."""
    command = ["-m", "orchestration.cli", "run"]
    seconds, output = _python(command, landing, warehouse, exports, log)
    return {"seconds": seconds, **parse_run_output(output)}


def run(out: Path, days: list[str] | None, scale: float, seed: int, source: Path | None):
    landing, held = out / "landing", out / "held_back"
    warehouse, full, exports = out / "warehouse.duckdb", out / "full.duckdb", out / "exports"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if source is not None:
        shutil.copytree(source, landing)
    else:
        from orchestration.samples.generate import generate

        print(f"Generating exports at scale {scale:g} into {landing} ...", flush=True)
        generate(landing, seed=seed, scale=scale)
    paths = list(holdback.landing_sizes(landing))
    days = days or newest_days(paths, 2)
    held_by_day = {day: files_of_day(paths, day) for day in days}
    for day, files in held_by_day.items():
        if not files:
            raise ValueError(f"no file of {day} in {landing}")
        holdback.move(files, landing, held)
    result: dict[str, Any] = {
        "date": datetime.now(UTC).date().isoformat(),
        "scale": scale,
        "seed": seed,
        "machine": f"{os.cpu_count()} cores",
        "landing_files": len(paths),
        "runs": [],
    }
    result["parse_seconds"] = _parse(landing, warehouse, exports)
    print("First run ...", flush=True)
    result["runs"].append(
        {"run": "first run", **_run(landing, warehouse, exports, out / "first_run.log")}
    )
    for day, files in held_by_day.items():
        holdback.move(files, held, landing)
        print(f"Adding {len(files)} files of {day} ...", flush=True)
        log = out / f"day_{day}.log"
        result["runs"].append({"run": f"+ {day}", **_run(landing, warehouse, exports, log)})
    result["runs"].append(
        {"run": "nothing new", **_run(landing, warehouse, exports, out / "nothing_new.log")}
    )
    print("Full rebuild of every file, for the comparison ...", flush=True)
    _parse(landing, full, out / "exports_full")
    result["full_rebuild"] = _run(landing, full, out / "exports_full", out / "full_rebuild.log")
    differences, rows = compare_marts(full, warehouse)
    result["compared_tables"] = len(rows)
    result["compared_rows"] = sum(rows.values())
    result["differences"] = {table: str(diff) for table, diff in differences.items()}
    return result


def render(result: dict[str, Any]) -> str:
    first = result["runs"][0]["seconds"]
    lines = [
        f"# Day runs at scale {result['scale']:g} ({result['date']}, {result['machine']}, "
        f"{result['landing_files']} landing files)",
        "",
        "| run | files | records | models | tests passed | wall | of the first run "
        "| ingest | dbt build | validation |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in result["runs"]:
        phases = entry["phases"]
        cells = [
            entry["run"],
            f"{entry['files']:,}",
            f"{entry['records']:,}",
            str(entry["models"]),
            str(entry["tests"]),
            f"{entry['seconds']:.1f} s",
            f"{100 * entry['seconds'] / first:.0f}%",
            *(
                f"{phases[name]:.1f} s" if name in phases else "-"
                for name in ("ingest", "dbt build", "validation")
            ),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    equal = "equal" if not result["differences"] else f"DIFFERENT: {result['differences']}"
    lines.append("")
    if "parse_seconds" in result:
        parse = result["parse_seconds"]
        lines.append(
            f"The first run follows a `dbt parse` for its environment ({parse:.1f} s, not "
            "timed: a parse follows a change of the dbt project, not of the data)."
        )
    lines += [
        f"Full rebuild of every file: {result['full_rebuild']['seconds']:.1f} s. Incremental "
        f"warehouse vs full rebuild: {equal} ({result['compared_tables']} tables, "
        f"{result['compared_rows']:,} rows).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks.day_runs",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("--scale", default="10", help="generator scale (a number or a name)")
    parser.add_argument("--days", help="comma-separated YYYY-MM-DD (default: the two newest)")
    parser.add_argument("--landing", type=Path, help="copy these exports instead of generating")
    parser.add_argument("--out", type=Path, help="work folder (default data/bench/days-<scale>)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    try:
        scale = parse_scale(args.scale)
    except ValueError as error:
        parser.error(str(error))
    out = (args.out or PROJECT_ROOT / "data" / "bench" / f"days-{scale.label}").resolve()
    days = args.days.split(",") if args.days else None
    result = run(out, days, scale.value, args.seed, args.landing)
    text = render(result)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stem = args.results_dir / f"{result['date']}-days-{scale.label}"
    Path(f"{stem}.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    Path(f"{stem}.md").write_text(text)
    print()
    print(text)
    print(f"Written: {stem}.md")
    return 0 if not result["differences"] else 1


if __name__ == "__main__":
    sys.exit(main())
