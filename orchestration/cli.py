"""`python -m orchestration.cli run|kpis|generate`: what `make run` calls.

`run` fills an empty landing folder with generated sample exports, prepares the dbt
manifest, executes `kpi_pipeline_job` in process, prints a run summary (files, records,
rejections, models, tests and checks, time per phase), the headline KPIs and the paths of
the newest cadence reports (orchestration/reports/).

Runs are incremental: ingest loads only files the ledger has not seen and dbt's
incremental models process only what arrived since their last build. `--full-refresh`
(`make run FULL_REFRESH=1`) rebuilds every dbt model from all of raw.

One writer at a time: `run` holds the warehouse's writer lock (orchestration/
writer_lock.py) from start to end. A second `make run` stops at once with a message
naming the running process, or queues behind it with `--wait SECONDS` (`make run WAIT=n`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration import settings

if TYPE_CHECKING:
    from orchestration.run_summary import RunSummary


def _landing_is_empty(landing: Path) -> bool:
    return not landing.exists() or not any(
        path.is_file() and not path.name.startswith(".") for path in landing.rglob("*")
    )


def generate_samples(landing: Path, seed: int, scale: float) -> None:
    from orchestration.samples.generate import generate

    landing.mkdir(parents=True, exist_ok=True)
    counts = generate(landing, seed=seed, scale=scale)
    total = sum(counts.values())
    print(f"Generated sample exports into {landing}: {total} records in {len(counts)} folders")


def run_pipeline(full_refresh: bool = False) -> tuple[bool, str]:
    """Plan the run (orchestration/build_plan.py), execute `kpi_pipeline_job` in this
    process for what the plan selects and print its summary. Returns (True when every step
    succeeded, what was built: "incremental", "full refresh", "nothing new" or the reason
    of a full build, e.g. "first build")."""
    ok, mode, _summary = execute_pipeline(full_refresh)
    return ok, mode


def execute_pipeline(full_refresh: bool = False) -> tuple[bool, str, RunSummary]:
    """`run_pipeline`, also returning the printed run summary (phase times, records: what
    the benchmark reads, benchmarks/run.py; empty when the plan had nothing to build)."""
    import dagster as dg

    from orchestration.build_plan import (
        FULL,
        NOTHING,
        asset_selection,
        plan_for_run,
        prepare_manifest,
    )
    from orchestration.resources import dbt_project
    from orchestration.run_summary import RunSummary, summarise

    # dbt parse: the manifest @dbt_assets is built from, for the current environment
    # (skipped when the project files and environment are those it was parsed from).
    prepare_manifest(dbt_project)
    from orchestration.definitions import defs

    plan, scan = plan_for_run(
        settings.landing_dir(), settings.warehouse_path(), full_refresh=full_refresh
    )
    tables = f": {', '.join(sorted(plan.raw_tables))}" if plan.raw_tables else ""
    print(f"Plan: {plan.kind} ({plan.reason}{tables}); {len(scan.new)} new landing files")
    if plan.kind == NOTHING:
        print(
            "Run summary\n"
            f"  files:   0 loaded, {scan.found} already loaded, 0 rejected\n"
            "  records: 0 loaded, 0 rejected\n"
            f"  dbt:     nothing to build ({plan.reason}): the marts are up to date"
        )
        return True, "nothing new", RunSummary()
    last_run_results = Path(dbt_project.project_dir) / "target" / "last_run" / "run_results.json"
    last_run_results.unlink(missing_ok=True)
    mode = "incremental" if plan.kind != FULL else "full refresh" if full_refresh else plan.reason
    job = defs.resolve_job_def("kpi_pipeline_job")
    run_config: dict = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
    if full_refresh:
        run_config["ops"] = {"dbt_models": {"config": {"full_refresh": True}}}
    from orchestration.checks import is_reconciliation_check

    # Disposed at the end: its temporary folder would outlive a process that ends with
    # os._exit (exit_quickly), which runs no finalizers.
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=run_config,
            asset_selection=asset_selection(plan),
        )
        failed_checks = [
            event.asset_check_evaluation_data
            for event in result.all_events
            if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
            and not event.asset_check_evaluation_data.passed
            and event.asset_check_evaluation_data.severity == dg.AssetCheckSeverity.ERROR
        ]
        # A reconciliation break says two sources disagree (kpi-definitions.md §8): a finding
        # for the quarterly review, recorded in audit.validation_runs, not a failed build.
        breaks = [check for check in failed_checks if is_reconciliation_check(check.check_name)]
        failures = [check for check in failed_checks if check not in breaks]
        for check in breaks:
            print(f"RECONCILIATION BREAK {check.asset_key.to_user_string()}: {check.check_name}")
        for check in failures:
            print(f"FAILED CHECK {check.asset_key.to_user_string()}: {check.check_name}")
        if breaks:
            print(
                "Reconciliation breaks are listed in audit.validation_runs and the Data Docs; "
                "`make evidence QUARTER=<YYYYQn>` packs a quarter for the auditors."
            )
        summary = summarise(instance.all_logs(result.run_id), last_run_results)
    print("\n".join(summary.lines()))
    return result.success and not failures, mode, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="ingest -> dbt build -> validation, then print KPIs")
    run.add_argument("--seed", type=int, default=42, help="sample generator seed")
    run.add_argument("--scale", type=float, default=1.0, help="sample generator scale")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every dbt model from all of raw (incremental models included)",
    )
    run.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when another process is writing the warehouse, wait this long for it",
    )
    commands.add_parser("kpis", help="print the headline KPIs of the warehouse")
    generate = commands.add_parser("generate", help="write sample exports to the landing dir")
    generate.add_argument("--seed", type=int, default=42)
    generate.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)

    settings.export_paths()
    landing, warehouse = settings.landing_dir(), settings.warehouse_path()
    if args.command == "generate":
        generate_samples(landing, args.seed, args.scale)
        return 0
    if args.command == "kpis":
        from orchestration.report import print_headline_kpis

        print_headline_kpis(warehouse)
        return 0

    from orchestration.writer_lock import WarehouseBusy, describe_holder, warehouse_writer

    print(f"Landing folder: {landing}\nWarehouse:      {warehouse}")
    warehouse.parent.mkdir(parents=True, exist_ok=True)

    def announce(holder: dict[str, object]) -> None:
        print(f"Waiting up to {args.wait:.0f} s for the running writer: {describe_holder(holder)}")

    command = "make run" + (" FULL_REFRESH=1" if args.full_refresh else "")
    try:
        with warehouse_writer(warehouse, command=command, wait_seconds=args.wait, on_wait=announce):
            if _landing_is_empty(landing):
                generate_samples(landing, args.seed, args.scale)
            started = time.monotonic()
            ok, mode = run_pipeline(full_refresh=args.full_refresh)
            elapsed = time.monotonic() - started
    except WarehouseBusy as busy:
        print(f"NOT STARTED: {busy}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: try again later
    print(f"Pipeline {'succeeded' if ok else 'FAILED'} in {elapsed:.1f} s ({mode})")
    if warehouse.is_file():
        from expectations.audit import latest_run_summary

        print(latest_run_summary(warehouse))
    from orchestration.exports.finance import exports_dir

    print(f"Finance exports: {exports_dir() / 'finance'}")

    from orchestration.report import print_headline_kpis

    print_headline_kpis(warehouse)
    if ok:
        ok = print_reports(warehouse, exports_dir())
    return 0 if ok else 1


def print_reports(warehouse: Path, exports: Path) -> bool:
    """Build the latest weekly, monthly and quarterly reports and print their paths."""
    from orchestration.reports import build_reports

    try:
        paths = build_reports(warehouse, exports)
    except (ValueError, FileNotFoundError, OSError) as error:
        print(f"Reports FAILED: {error}")
        return False
    print("Reports (open in a browser, offline):")
    for path in paths:
        print(f"  {path}")
    return True


def exit_quickly(code: int) -> None:
    """End the process without tearing the interpreter down: freeing every object Dagster,
    dbt and Great Expectations created takes ~1.2 s of every run. Called after `main`
    returned, when the writer lock is released and the warehouse closed; the output
    streams and log handlers are flushed first."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_quickly(main())
