"""`make bench SCALE=<n>` / `python -m benchmarks.run --scale N`: generate sample exports at
a scale, run the whole pipeline into a fresh warehouse, measure it against DuckDB's own
limits on the same machine, add ~1% more files and run again, and print one table.

    python -m benchmarks.run --scale hundredth [--out DIR] [--seed 42]
                             [--skip-limits] [--skip-incremental] [--results-dir DIR]

Steps (each timed; see benchmarks/README.md for what every figure means):
1. generate the exports into `<out>/landing` (default `data/bench/<scale>/`, deleted first);
   the newest ~1% of the files (by bytes) are moved to `<out>/held_back/`;
2. the full pipeline (`orchestration.cli.execute_pipeline`: ingest → dbt build →
   validation) into `<out>/warehouse.duckdb`; records per source from the ingest ledger;
3. the limits: DuckDB's native read of the same files (benchmarks/native.py), and
   `dbt run --full-refresh -s +kpi_incident_response +kpi_support_performance` against the
   one-script lower bound benchmarks/lower_bound.sql on the same warehouse;
4. the held-back files dropped into the landing folder and the pipeline run again
   (incremental, not a full refresh).
The table goes to stdout and to `<results-dir>/<YYYY-MM-DD>-<scale>.md` (with a `.json`
of the figures), and the newest result of every scale to `<results-dir>/summary.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import holdback, report
from benchmarks.memory import PeakSampler, largest_process_rss_bytes
from benchmarks.scales import TARGET_MONTHS, Scale, parse_scale

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
SUBSET = ("+kpi_incident_response", "+kpi_support_performance")

VOLUME_SQL = {
    "zendesk_tickets": "select count(*) from marts.fct_tickets where source = 'zendesk'",
    "incidents": "select count(*) from marts.fct_incidents",
    "deployments": "select count(*) from marts.fct_deployments",
    "survey_responses": "select count(*) from marts.fct_survey_responses",
    "contracts": "select count(distinct contract_id) from staging.stg_crm__contracts",
}
MONTHS_SQL = """
select date_diff('month', min(triggered_at), max(triggered_at)) + 1 from marts.fct_incidents
"""


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{os.cpu_count()} cores, {memory / report.GIB:.0f} GiB"


def _file_bytes(path: Path) -> int:
    wal = Path(f"{path}.wal")
    return (path.stat().st_size if path.exists() else 0) + (
        wal.stat().st_size if wal.exists() else 0
    )


def _measure_warehouse(warehouse: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        ledger = con.execute(
            "select source_folder, count(*), sum(records) from raw.ingest_files "
            "where status = 'loaded' group by source_folder"
        ).fetchall()
        volumes = {name: con.execute(sql).fetchone()[0] for name, sql in VOLUME_SQL.items()}
        months = con.execute(MONTHS_SQL).fetchone()[0]
    finally:
        con.close()
    return {
        "files": {folder: int(files) for folder, files, _ in ledger},
        "records": {folder: int(records or 0) for folder, _, records in ledger},
        "volumes": volumes,
        "months": months,
    }


def _run_pipeline() -> tuple[bool, Any, float]:
    from orchestration.cli import execute_pipeline

    started = time.perf_counter()
    ok, _mode, summary = execute_pipeline(full_refresh=False)
    return ok, summary, time.perf_counter() - started


def _dbt(args: list[str], target: Path) -> float:
    """Run dbt in a subprocess on the benchmark warehouse; its wall time in seconds."""
    command = [
        str(Path(sys.executable).with_name("dbt")), *args,
        "--profiles-dir", str(PROJECT_ROOT), "--project-dir", str(PROJECT_ROOT),
        "--target-path", str(target),
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _limits(out: Path, landing: Path, warehouse: Path, result: dict[str, Any]) -> None:
    from benchmarks.lower_bound import MARTS, run_lower_bound
    from benchmarks.native import read_natively

    print("Limits: DuckDB native read of the landing files ...", flush=True)
    native = read_natively(landing, out / "native.duckdb")
    result["native"] = {
        "seconds": native.seconds,
        "rows": native.rows,
        "tables": native.tables,
        "failures": native.failures,
        "rescanned": native.rescanned,
    }
    print("Limits: dbt run of the two marts' lineage ...", flush=True)
    target = out / "dbt_target"
    _dbt(["parse", "--quiet"], target)  # untimed: the manifest a scheduled run reuses
    selector = ["-s", *SUBSET]
    result["dbt_subset_seconds"] = _dbt(["run", "--quiet", "--full-refresh", *selector], target)
    print("Limits: the lower-bound script ...", flush=True)
    lower = run_lower_bound(warehouse)
    result["lower_bound_seconds"] = lower.seconds
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        matches = True
        for mart in MARTS:
            marts = con.execute(f"select * from marts.{mart}").fetchall()
            key = lambda row: tuple((value is None, str(value)) for value in row)  # noqa: E731
            matches = matches and sorted(marts, key=key) == sorted(lower.rows[mart], key=key)
    finally:
        con.close()
    result["lower_bound_matches"] = matches


def run(
    scale: Scale,
    out: Path,
    seed: int = 42,
    limits: bool = True,
    incremental: bool = True,
    holdback_fraction: float = 0.01,
) -> dict[str, Any]:
    landing, held, warehouse = out / "landing", out / "held_back", out / "warehouse.duckdb"
    if out.exists():
        shutil.rmtree(out)
    landing.mkdir(parents=True)
    os.environ["KPI_LANDING_DIR"] = str(landing)
    os.environ["KPI_WAREHOUSE_PATH"] = str(warehouse)
    os.environ["KPI_EXPORTS_DIR"] = str(out / "exports")
    from orchestration import settings
    from orchestration.ingest.loader import duckdb_settings
    from orchestration.samples.generate import generate

    settings.export_paths()
    result: dict[str, Any] = {
        "date": datetime.now(UTC).date().isoformat(),
        "scale": scale.label,
        "generator_scale": scale.value,
        "seed": seed,
        "machine": _machine(),
        "duckdb": duckdb_settings(),
        "volume_targets": scale.targets(),
        "target_months": TARGET_MONTHS,
    }
    print(f"Generating exports at scale {scale.label} ({scale.value:g}) into {landing} ...")
    with PeakSampler() as generate_memory:
        started = time.perf_counter()
        generate(landing, seed=seed, scale=scale.value)
        phases = {"generate": time.perf_counter() - started}
    result["generate_peak_rss_bytes"] = generate_memory.peak_bytes

    held_paths: list[str] = []
    if incremental:
        sizes = holdback.landing_sizes(landing)
        held_paths = holdback.choose_holdback(sizes, holdback_fraction)
        holdback.move(held_paths, landing, held)
        print(f"Held back {len(held_paths)} files for the incremental run")

    print("Full run: ingest → dbt build → validation ...", flush=True)
    with PeakSampler() as full_memory:
        ok, summary, wall = _run_pipeline()
    phases.update(
        {
            name: summary.phase_seconds.get(name, 0.0)
            for name in ("ingest", "dbt build", "validation")
        }
    )
    measured = sum(seconds for name, seconds in phases.items() if name != "generate")
    phases["other"] = max(wall - measured, 0.0)  # dbt parse, Dagster, exports and reports
    result.update(
        {
            "pipeline_ok": ok,
            "phases": phases,
            "full_run_seconds": wall,
            "records_loaded": summary.records_loaded,
            "records_rejected": summary.records_rejected,
            "peak_rss_bytes": full_memory.peak_bytes,
            "warehouse_bytes": _file_bytes(warehouse),
            "records": {},
            "files": {},
        }
    )
    peaks = [generate_memory.peak_bytes, full_memory.peak_bytes]
    try:
        result.update(_measure_warehouse(warehouse))
    except Exception as error:  # a failed run leaves no marts: report what there is
        print(f"Full run incomplete, limits and incremental skipped: {error}")
        result["failure"] = str(error).splitlines()[0]
        limits = incremental = False
    if limits:
        with PeakSampler() as limits_memory:
            _limits(out, landing, warehouse, result)
        peaks.append(limits_memory.peak_bytes)
    if incremental and held_paths:
        holdback.move(held_paths, held, landing)
        print("Incremental run with the held-back files ...", flush=True)
        with PeakSampler() as incremental_memory:
            ok_again, summary_again, wall_again = _run_pipeline()
        result["incremental"] = {
            "seconds": wall_again,
            "ok": ok_again,
            "files": len(held_paths),
            "records": summary_again.records_loaded,
            "fraction_of_records": summary_again.records_loaded
            / max(summary.records_loaded + summary_again.records_loaded, 1),
            "phases": dict(summary_again.phase_seconds),
            "peak_rss_bytes": incremental_memory.peak_bytes,
        }
        peaks.append(incremental_memory.peak_bytes)
        result["pipeline_ok"] = ok and ok_again
    result["benchmark_peak_rss_bytes"] = max(peaks)
    result["largest_process_rss_bytes"] = largest_process_rss_bytes()
    return result


def write_results(result: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stem = results_dir / f"{result['date']}-{result['scale']}"
    Path(f"{stem}.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    Path(f"{stem}.md").write_text(report.render_result(result))
    (results_dir / "summary.md").write_text(
        report.render_summary(report.latest_per_scale(results_dir))
    )
    return Path(f"{stem}.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks.run", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", required=True, help="large, tenth, hundredth or a number")
    parser.add_argument("--out", type=Path, help="work folder (default data/bench/<scale>)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--skip-limits", action="store_true", help="no native read, no dbt run")
    parser.add_argument("--skip-incremental", action="store_true", help="no held-back 1%% run")
    args = parser.parse_args(argv)
    try:
        scale = parse_scale(args.scale)
    except ValueError as error:
        parser.error(str(error))
    out = (args.out or PROJECT_ROOT / "data" / "bench" / scale.label).resolve()
    result = run(
        scale,
        out,
        seed=args.seed,
        limits=not args.skip_limits,
        incremental=not args.skip_incremental,
    )
    path = write_results(result, args.results_dir)
    print()
    print(report.render_result(result))
    print(report.render_combined(report.latest_per_scale(args.results_dir)))
    print(f"Written: {path}")
    return 0 if result["pipeline_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
