"""`python -m orchestration.reports [--cadence weekly|monthly|quarterly] [--period P]`:
build the cadence reports from the current warehouse (what `make reports` runs) and print
the paths written."""

from __future__ import annotations

import argparse
import sys

from orchestration import settings
from orchestration.exports.finance import exports_dir
from orchestration.reports import CADENCES, build_reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.reports", description=__doc__)
    parser.add_argument("--cadence", choices=CADENCES, help="one cadence (default: all three)")
    parser.add_argument(
        "--period", help="e.g. 2026-W26, 2026-06, 2026-Q2 (default: the latest complete one)"
    )
    args = parser.parse_args(argv)
    try:
        paths = build_reports(settings.warehouse_path(), exports_dir(), args.cadence, args.period)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
