"""Retention: replace the personal fields of old raw records by their key, log it.

``make purge RETAIN_DAYS=<n>`` (and the monthly Dagster schedule) calls :func:`purge`.
A raw record whose own last change (its ``updated_at``-like field, else ``_loaded_at``)
is older than ``now - retain_days`` gets each personal field of :data:`PURGE_SPECS`
(e-mails, names, phone numbers, free-text comments) replaced inside ``record_json`` by
``hmac-sha256:<key>``, the key staging already showed for it (``keys.py``). So:

- staging, intermediate and every mart are unchanged after a rebuild: keys pass
  through, and a comment that was there still counts as one (``has_comment``);
- the landing files are never touched: only the warehouse copies change. The ingest
  ledger (``raw.ingest_files``) keys files by content hash, so re-running ingest on the
  same landing folder does not load a purged file again;
- rejected records (``raw.ingest_rejections.raw_text``) past the period become their key
  as a whole;
- every run appends one row per raw table to ``audit.purge_log`` (also when nothing was
  due), in the same transaction as the rewrite: all or nothing.

Fields are dotted JSON paths; ``[]`` walks every element of an array
(``changeSet.items[].authorEmail``). Empty strings and non-string values stay as they are.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from orchestration import settings
from orchestration.privacy.keys import hmac_key, is_purged, purged_value

AUDIT_SCHEMA = "audit"
PURGE_LOG = f"{AUDIT_SCHEMA}.purge_log"
RETAIN_DAYS_ENV = "KPI_RETAIN_DAYS"
DEFAULT_RETAIN_DAYS = 365
REJECTIONS_TABLE = "ingest_rejections"

PURGE_LOG_DDL = f"""
create table if not exists {PURGE_LOG} (
    purge_id varchar not null,
    purged_at timestamp not null,
    retain_days integer not null,
    cutoff_at timestamp not null,
    raw_table varchar not null,
    records_scanned integer not null,
    records_purged integer not null,
    fields_purged integer not null,
    key_source varchar not null
)"""


@dataclass(frozen=True)
class PurgeSpec:
    """The personal fields of one raw table, and the fields that date a record (the
    first present wins; ``_loaded_at`` when none is)."""

    raw_table: str
    fields: tuple[str, ...]
    dated_by: tuple[str, ...]


# Per tool, from source-exports.md and the parsers: where people are named.
PURGE_SPECS: tuple[PurgeSpec, ...] = (
    PurgeSpec(
        "zendesk__users",
        ("email", "name", "phone", "alias", "notes", "details", "signature", "photo.content_url"),
        ("updated_at", "created_at"),
    ),
    PurgeSpec(
        "zendesk__tickets",
        (
            "recipient",
            "via.source.from.address",
            "via.source.from.name",
            "satisfaction_rating.comment",
        ),
        ("updated_at", "created_at"),
    ),
    PurgeSpec("zendesk__satisfaction_ratings", ("comment",), ("updated_at", "created_at")),
    PurgeSpec(
        "zendesk__ticket_audits",
        (
            "events[].body",
            "events[].html_body",
            "events[].plain_body",
            "via.source.from.address",
            "via.source.from.name",
        ),
        ("created_at",),
    ),
    PurgeSpec(
        "delighted__survey_responses",
        ("comment", "person.email", "person.name", "additional_answers[].value.free_response"),
        ("updated_at", "created_at"),
    ),
    PurgeSpec(
        "jira__issues",
        (
            "fields.reporter.emailAddress",
            "fields.reporter.displayName",
            "fields.creator.emailAddress",
            "fields.creator.displayName",
            "fields.assignee.emailAddress",
            "fields.assignee.displayName",
        ),
        ("fields.updated", "fields.created"),
    ),
    PurgeSpec(
        "opsgenie__alerts",
        ("owner", "report.acknowledgedBy", "report.closedBy"),
        ("updatedAt", "createdAt"),
    ),
    PurgeSpec("sla__exclusions", ("approved_by",), ("approved_at",)),
    PurgeSpec(
        "gitlab__deployments",
        (
            "user.name",
            "deployable.user.name",
            "deployable.commit.author_name",
            "deployable.commit.author_email",
            "deployable.commit.committer_name",
            "deployable.commit.committer_email",
        ),
        ("updated_at", "created_at"),
    ),
    PurgeSpec(
        "gitlab__merge_requests",
        ("author.name", "merged_by.name", "merge_user.name", "assignee.name"),
        ("updated_at", "created_at"),
    ),
    PurgeSpec(
        "jenkins__builds",
        (
            "changeSet.items[].authorEmail",
            "changeSet.items[].author.fullName",
            "actions[].causes[].userName",
        ),
        ("timestamp",),
    ),
)


@dataclass(frozen=True)
class TablePurge:
    raw_table: str
    records_scanned: int
    records_purged: int
    fields_purged: int


@dataclass(frozen=True)
class PurgeResult:
    purge_id: str
    purged_at: datetime
    retain_days: int
    cutoff_at: datetime
    key_source: str
    tables: tuple[TablePurge, ...]

    @property
    def records_purged(self) -> int:
        return sum(table.records_purged for table in self.tables)

    @property
    def fields_purged(self) -> int:
        return sum(table.fields_purged for table in self.tables)


def default_retain_days(environ: dict[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    return int(env.get(RETAIN_DAYS_ENV) or DEFAULT_RETAIN_DAYS)


def _walk(node: Any, parts: Sequence[str], replace: Callable[[str], str | None]) -> int:
    """Replace the string values at ``parts`` in place; how many were replaced."""
    if not parts:
        return 0
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        children = node.get(head[:-2]) if isinstance(node, dict) else None
        if not isinstance(children, list):
            return 0
        if not rest:
            return sum(_replace_item(children, index, replace) for index in range(len(children)))
        return sum(_walk(child, rest, replace) for child in children)
    if not isinstance(node, dict) or head not in node:
        return 0
    if rest:
        return _walk(node[head], rest, replace)
    value = node[head]
    if not isinstance(value, str):
        return 0
    new = replace(value)
    if new is None:
        return 0
    node[head] = new
    return 1


def _replace_item(items: list, index: int, replace: Callable[[str], str | None]) -> int:
    if not isinstance(items[index], str):
        return 0
    new = replace(items[index])
    if new is None:
        return 0
    items[index] = new
    return 1


def _get(record: Any, path: str) -> Any:
    node = record
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def record_time(record: Any, dated_by: Iterable[str]) -> datetime | None:
    """The record's own date (naive UTC): ISO-8601 text with an offset or Z, or Unix
    epoch seconds/milliseconds; None when no field of ``dated_by`` has one."""
    for path in dated_by:
        value = _get(record, path)
        if value is None or value == "":
            continue
        try:
            if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
                number = float(value)
                seconds = number / 1000 if number > 100_000_000_000 else number
                return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except (TypeError, ValueError, OverflowError):
            continue
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
    return None


def _separators(original: str) -> tuple[str, str]:
    """The separators of the original text: DuckDB's compact JSON for JSON exports,
    Python's default ones for CSV rows (the loader's two writers), so a rewritten record
    differs from the original only in the replaced values."""
    parsed = json.loads(original)
    for separators in ((",", ":"), (", ", ": ")):
        if json.dumps(parsed, ensure_ascii=False, separators=separators) == original:
            return separators
    return (",", ":")


def purge_record(record_json: str, spec: PurgeSpec, key: bytes) -> tuple[str | None, int]:
    """The rewritten record text (None when nothing changed) and the fields replaced."""
    record = json.loads(record_json)

    def replace(value: str) -> str | None:
        if is_purged(value) or value.strip(" ") == "":
            return None
        return purged_value(value, key)

    replaced = sum(_walk(record, path.split("."), replace) for path in spec.fields)
    if not replaced:
        return None, 0
    return json.dumps(record, ensure_ascii=False, separators=_separators(record_json)), replaced


def purge(
    con: duckdb.DuckDBPyConnection,
    retain_days: int,
    now: datetime | None = None,
    specs: Sequence[PurgeSpec] = PURGE_SPECS,
) -> PurgeResult:
    """Purge the personal fields of raw records older than ``retain_days``."""
    from orchestration.ingest.loader import ensure_raw_schema

    if retain_days < 0:
        raise ValueError("retain_days must be 0 or more")
    key, key_source = hmac_key()
    purged_at = (now or datetime.now(UTC)).replace(tzinfo=None)
    cutoff = purged_at - timedelta(days=retain_days)
    purge_id = str(uuid.uuid4())
    ensure_raw_schema(con)
    con.execute(f"create schema if not exists {AUDIT_SCHEMA}")
    con.execute(PURGE_LOG_DDL)
    tables: list[TablePurge] = []
    con.execute("begin transaction")
    try:
        for spec in specs:
            rows = con.execute(
                f"select rowid, record_json, _loaded_at from raw.{spec.raw_table}"
            ).fetchall()
            updates: list[tuple[int, str]] = []
            fields = 0
            for rowid, record_json, loaded_at in rows:
                when = record_time(json.loads(record_json), spec.dated_by) or loaded_at
                if when is None or when >= cutoff:
                    continue
                new_text, replaced = purge_record(record_json, spec, key)
                if new_text is not None:
                    updates.append((rowid, new_text))
                    fields += replaced
            if updates:
                con.execute(
                    "create or replace temp table _purged (rid bigint, record_json varchar)"
                )
                con.executemany("insert into _purged values (?, ?)", updates)
                con.execute(
                    f"update raw.{spec.raw_table} set record_json = _purged.record_json "
                    f"from _purged where raw.{spec.raw_table}.rowid = _purged.rid"
                )
                con.execute("drop table _purged")
            tables.append(TablePurge(spec.raw_table, len(rows), len(updates), fields))
            con.execute(
                f"insert into {PURGE_LOG} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [purge_id, purged_at, retain_days, cutoff, spec.raw_table, len(rows),
                 len(updates), fields, key_source],
            )  # fmt: skip
        tables.append(_purge_rejections(con, cutoff, key))
        con.execute(
            f"insert into {PURGE_LOG} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [purge_id, purged_at, retain_days, cutoff, REJECTIONS_TABLE,
             tables[-1].records_scanned, tables[-1].records_purged, tables[-1].fields_purged,
             key_source],
        )  # fmt: skip
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return PurgeResult(purge_id, purged_at, retain_days, cutoff, key_source, tuple(tables))


def _purge_rejections(con: duckdb.DuckDBPyConnection, cutoff: datetime, key: bytes) -> TablePurge:
    """A rejected record or file is kept as raw text for review: past the period the
    whole text becomes its key (the landing file still has it, for a re-export)."""
    rows = con.execute(
        f"select rowid, raw_text from raw.{REJECTIONS_TABLE} where rejected_at < ?", [cutoff]
    ).fetchall()
    due = [(purged_value(text, key), rowid) for rowid, text in rows if text and not is_purged(text)]
    if due:
        con.executemany(f"update raw.{REJECTIONS_TABLE} set raw_text = ? where rowid = ?", due)
    (scanned,) = con.execute(f"select count(*) from raw.{REJECTIONS_TABLE}").fetchone()
    return TablePurge(REJECTIONS_TABLE, scanned, len(due), len(due))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.privacy.purge", description=__doc__)
    parser.add_argument(
        "--retain-days",
        type=int,
        default=None,
        help=f"keep personal data this many days (default ${RETAIN_DAYS_ENV} or "
        f"{DEFAULT_RETAIN_DAYS})",
    )
    parser.add_argument("--warehouse", type=Path, default=None, help="DuckDB file")
    args = parser.parse_args(argv)
    retain_days = default_retain_days() if args.retain_days is None else args.retain_days
    warehouse = args.warehouse or settings.warehouse_path()
    from orchestration.ingest.loader import connect
    from orchestration.writer_lock import WarehouseBusy, warehouse_writer

    try:
        with warehouse_writer(warehouse, command="make purge"):
            con = connect(warehouse)
            try:
                result = purge(con, retain_days)
            finally:
                con.close()
    except WarehouseBusy as busy:
        print(busy, file=sys.stderr)
        return 75
    print(
        f"Purged {result.fields_purged} personal fields in {result.records_purged} raw records "
        f"older than {result.cutoff_at:%Y-%m-%d %H:%M} UTC ({retain_days} days) in {warehouse}; "
        f"logged to {PURGE_LOG} as {result.purge_id}"
    )
    for table in result.tables:
        if table.records_purged:
            print(f"  raw.{table.raw_table}: {table.records_purged} records")
    if result.key_source != "env":
        print("  (samples-only HMAC key: set KPI_PII_HMAC_KEY for real data)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
