"""Tamper-evident validation history: ``audit.validation_runs`` (kpi-definitions.md §8).

Every validation run appends one row per expectation (one per suite that could not run):
run id, quarter, suite, expectation, success, observed value, unexpected count, a sample
of the unexpected rows, started/finished at, the GX result JSON and two hashes:

- ``result_sha256`` = SHA-256 of ``result_json`` (the expectation's GX result);
- ``previous_row_sha256`` = ``row_sha256`` of the row before (64 zeros for the first), and
  ``row_sha256`` = SHA-256 of this row's canonical JSON (every column but itself, so also
  the previous row's hash): a hash chain.

Rows are only ever inserted (this module has no update or delete). ``verify`` recomputes
every hash in row order and names each row whose content no longer matches, a broken link
(a row deleted or inserted) and a gap in ``row_id``. The chain proves nothing against
someone who rewrites every later row too; for that, keep the head hash ``verify`` prints
(the evidence pack records it) somewhere else.

    python -m expectations.audit verify --warehouse data/warehouse.duckdb   # exit 1 on change
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from expectations.validate import ValidationReport

TABLE = "audit.validation_runs"
GENESIS = "0" * 64
# The hashed columns, in this order (row_sha256 itself excluded).
HASHED_COLUMNS = (
    "row_id",
    "run_id",
    "quarter",
    "suite",
    "suite_kind",
    "expectation",
    "severity",
    "success",
    "observed_value",
    "unexpected_count",
    "unexpected_sample",
    "started_at",
    "finished_at",
    "result_json",
    "result_sha256",
    "previous_row_sha256",
)
DDL = f"""
create schema if not exists audit;
create table if not exists {TABLE} (
    row_id bigint not null primary key,
    run_id varchar not null,
    quarter varchar not null,
    suite varchar not null,
    suite_kind varchar not null,
    expectation varchar not null,
    severity varchar not null,
    success boolean not null,
    observed_value varchar,
    unexpected_count bigint,
    unexpected_sample varchar,
    started_at timestamp not null,
    finished_at timestamp not null,
    result_json varchar not null,
    result_sha256 varchar not null,
    previous_row_sha256 varchar not null,
    row_sha256 varchar not null
)"""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _stamp(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(sep=" ", timespec="microseconds")


def row_hash(row: dict[str, Any]) -> str:
    """SHA-256 of the row's hashed columns as canonical JSON (timestamps as ISO text)."""
    values = {}
    for column in HASHED_COLUMNS:
        value = row[column]
        values[column] = _stamp(value) if isinstance(value, dt.datetime) else value
    return sha256(_canonical(values))


def _expectation_label(expectation_type: str, columns: Sequence[str]) -> str:
    return f"{expectation_type}({', '.join(columns)})" if columns else expectation_type


def rows_for(report: ValidationReport, run_id: str) -> list[dict[str, Any]]:
    """The audit rows of a validation report, without row ids and hashes of the chain."""
    rows = []
    base = {
        "run_id": run_id,
        "quarter": report.quarter or "all",
        "started_at": report.started_at,
        "finished_at": report.finished_at,
    }
    for suite in report.suites:
        if suite.error is not None:
            result = {"suite": suite.name, "error": suite.error, "success": False}
            rows.append(
                {
                    **base,
                    "suite": suite.name,
                    "suite_kind": suite.kind,
                    "expectation": "(suite could not run)",
                    "severity": "critical",
                    "success": False,
                    "observed_value": _canonical(suite.error),
                    "unexpected_count": None,
                    "unexpected_sample": "[]",
                    "result_json": _canonical(result),
                }
            )
            continue
        for outcome in suite.outcomes:
            rows.append(
                {
                    **base,
                    "suite": suite.name,
                    "suite_kind": suite.kind,
                    "expectation": _expectation_label(outcome.expectation_type, outcome.columns),
                    "severity": outcome.severity,
                    "success": outcome.success,
                    "observed_value": _canonical(outcome.observed_value),
                    "unexpected_count": outcome.unexpected_count,
                    "unexpected_sample": _canonical(list(outcome.unexpected_rows)),
                    "result_json": _canonical(outcome.result),
                }
            )
    return rows


def ensure_table(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(DDL)


def record_run(warehouse: Path, report: ValidationReport, run_id: str | None = None) -> str:
    """Append the report's rows to the chain in one transaction; return the run id."""
    run_id = run_id or str(uuid.uuid4())
    rows = rows_for(report, run_id)
    connection = duckdb.connect(str(warehouse))
    try:
        ensure_table(connection)
        connection.execute("begin transaction")
        last = connection.execute(
            f"select row_id, row_sha256 from {TABLE} order by row_id desc limit 1"
        ).fetchone()
        row_id, previous = (last[0], last[1]) if last else (0, GENESIS)
        for row in rows:
            row_id += 1
            row["row_id"] = row_id
            row["result_sha256"] = sha256(row["result_json"])
            row["previous_row_sha256"] = previous
            row["row_sha256"] = previous = row_hash(row)
            columns = [*HASHED_COLUMNS, "row_sha256"]
            connection.execute(
                f"insert into {TABLE} ({', '.join(columns)}) "
                f"values ({', '.join('?' * len(columns))})",
                [row[column] for column in columns],
            )
        connection.execute("commit")
    finally:
        connection.close()
    return run_id


@dataclass
class VerifyResult:
    rows: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(warehouse: Path) -> VerifyResult:
    """Recompute every hash of ``audit.validation_runs`` in row order."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        exists = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'audit' and table_name = 'validation_runs'"
        ).fetchone()[0]
        if not exists:
            return VerifyResult()
        cursor = connection.execute(
            f"select {', '.join(HASHED_COLUMNS)}, row_sha256 from {TABLE} order by row_id"
        )
        names = [column[0] for column in cursor.description]
        records = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    finally:
        connection.close()

    result = VerifyResult(rows=len(records))
    previous = GENESIS
    for expected_id, row in enumerate(records, start=1):
        label = f"row {row['row_id']} (run {row['run_id']}, {row['suite']}: {row['expectation']})"
        if row["row_id"] != expected_id:
            result.problems.append(f"{label}: row_id {row['row_id']} where {expected_id} was "
                                   "expected (a row was deleted or inserted)")  # fmt: skip
        if sha256(row["result_json"]) != row["result_sha256"]:
            result.problems.append(f"{label}: result_json changed (result_sha256 mismatch)")
        if row["previous_row_sha256"] != previous:
            result.problems.append(f"{label}: chain broken (previous_row_sha256 does not "
                                   "match the row before)")  # fmt: skip
        if row_hash(row) != row["row_sha256"]:
            result.problems.append(f"{label}: row content changed (row_sha256 mismatch)")
        previous = row["row_sha256"]
    result.head = previous
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expectations.audit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="recompute the hash chain")
    verify.add_argument("--warehouse", type=Path, default=None, help="default: $KPI_WAREHOUSE_PATH")
    args = parser.parse_args(argv)
    if args.warehouse is None:
        from orchestration import settings

        args.warehouse = settings.warehouse_path()

    if not args.warehouse.is_file():
        print(f"error: warehouse file not found: {args.warehouse}", file=sys.stderr)
        return 2
    result = verify_chain(args.warehouse)
    if result.ok:
        print(f"OK: {result.rows} rows of {TABLE}, hash chain intact; head {result.head}")
        return 0
    print(f"CHANGED: {len(result.problems)} problem(s) in {TABLE} ({result.rows} rows):")
    for problem in result.problems:
        print(f"  - {problem}")
    return 1


if __name__ == "__main__":
    sys.exit(main())


def latest_run_summary(warehouse: Path) -> str:
    """The latest recorded run, one line per suite and per failed expectation."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        latest = connection.execute(
            f"select run_id, quarter from {TABLE} order by row_id desc limit 1"
        ).fetchone()
        if latest is None:
            return "No validation run recorded yet."
        rows = connection.execute(
            f"select suite, suite_kind, expectation, severity, success, unexpected_count, "
            f"observed_value from {TABLE} where run_id = ? order by row_id",
            [latest[0]],
        ).fetchall()
    except duckdb.CatalogException:
        return "No validation run recorded yet."
    finally:
        connection.close()
    lines = [f"Validation (audit run {latest[0]}, quarter {latest[1]}):"]
    suites: dict[str, list[tuple]] = {}
    for row in rows:
        suites.setdefault(row[0], []).append(row)
    for suite, items in suites.items():
        failed = [item for item in items if not item[4]]
        kind = items[0][1]
        if not failed:
            status = "OK"
        elif any(item[3] == "critical" for item in failed):
            status = "BREAK" if kind == "reconciliation" else "FAILED"
        else:
            status = "WARN"
        passed = f"{len(items) - len(failed)}/{len(items)}"
        lines.append(f"  {suite:<30} {kind:<14} {passed:>7}  {status}")
        for item in failed:
            detail = f"{item[5]} unexpected" if item[5] is not None else f"observed {item[6][:60]}"
            lines.append(f"    - {item[2]} [{item[3]}]: {detail}")
    return "\n".join(lines)
