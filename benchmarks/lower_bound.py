"""The lower bound of the transform behind `kpi_incident_response` and
`kpi_support_performance`: one hand-written DuckDB SQL script (`benchmarks/lower_bound.sql`)
that computes the two marts straight from the raw tables and the reference seeds, in one
connection, with nothing written to the warehouse (its steps and the two marts are
temporary tables).

It is written for speed, not layered: each raw table is parsed once, for only the JSON
fields the two marts read; record versions are deduplicated once per source, with the
staging models' orderings; nothing that only other marts need is computed (the script's
header lists what it leaves out). `orchestration_tests/benchmarks/test_lower_bound.py`
proves it gives the marts' rows, row for row, on the end-to-end fixture.

`run_lower_bound(warehouse)` runs the script against a warehouse opened read-only and
returns the seconds it took and the results' rows, column names and types.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest.loader import duckdb_settings

SCRIPT = Path(__file__).resolve().parent / "lower_bound.sql"
MARTS = ("kpi_incident_response", "kpi_support_performance")


@dataclass
class LowerBoundResult:
    seconds: float
    rows: dict[str, list[tuple]]
    columns: dict[str, list[str]]
    types: dict[str, list[str]]

    def select(self, mart: str, *columns: str) -> list[tuple]:
        """The mart's rows reduced to the named columns."""
        positions = [self.columns[mart].index(column) for column in columns]
        return [tuple(row[position] for position in positions) for row in self.rows[mart]]


def run_lower_bound(warehouse: Path, script: Path = SCRIPT) -> LowerBoundResult:
    """Run the script on the warehouse (read-only), timed; return the two marts' rows."""
    con = duckdb.connect(":memory:", config=duckdb_settings())
    try:
        con.execute(f"attach '{warehouse}' as warehouse (read_only)")
        con.execute("use warehouse")
        sql = script.read_text()
        started = time.perf_counter()
        con.execute(sql)
        seconds = time.perf_counter() - started
        rows, columns, types = {}, {}, {}
        for mart in MARTS:
            cursor = con.execute(f"select * from temp.main.{mart}")
            rows[mart] = cursor.fetchall()
            columns[mart] = [column[0] for column in cursor.description]
            types[mart] = [row[1] for row in con.execute(f"describe temp.main.{mart}").fetchall()]
    finally:
        con.close()
    return LowerBoundResult(seconds=seconds, rows=rows, columns=columns, types=types)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.lower_bound", description=__doc__)
    parser.add_argument(
        "--warehouse", type=Path, required=True, help="run the script on this warehouse"
    )
    args = parser.parse_args(argv)
    result = run_lower_bound(args.warehouse)
    counts = ", ".join(f"{mart} {len(rows)} rows" for mart, rows in result.rows.items())
    print(f"Lower bound: {result.seconds:.2f} s ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
