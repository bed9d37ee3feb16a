"""`python -m orchestration.cli run|kpis|generate`: what `make run` calls.

`run` fills an empty landing folder with generated sample exports, prepares the dbt
manifest, executes `kpi_pipeline_job` in process, prints the headline KPIs and ends with
the paths of the newest cadence reports (orchestration/reports/).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from orchestration import settings


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


def run_pipeline() -> bool:
    """Execute `kpi_pipeline_job` in this process; True when every step succeeded."""
    import dagster as dg

    from orchestration.resources import dbt_project

    # dbt parse: the manifest @dbt_assets is built from, for the current environment.
    dbt_project.preparer.prepare(dbt_project)

    from orchestration.definitions import defs

    job = defs.resolve_job_def("kpi_pipeline_job")
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    from orchestration.checks import is_reconciliation_check

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
    return result.success and not failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="ingest -> dbt build -> validation, then print KPIs")
    run.add_argument("--seed", type=int, default=42, help="sample generator seed")
    run.add_argument("--scale", type=float, default=1.0, help="sample generator scale")
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

    print(f"Landing folder: {landing}\nWarehouse:      {warehouse}")
    if _landing_is_empty(landing):
        generate_samples(landing, args.seed, args.scale)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    ok = run_pipeline()
    print(f"Pipeline {'succeeded' if ok else 'FAILED'} in {time.monotonic() - started:.1f} s")
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


if __name__ == "__main__":
    sys.exit(main())
