"""Load landing files into DuckDB ``raw``: one transaction per file, a ledger, rejections.

Guarantees (the foundation issue, landing.md):
- every record is kept exactly as it came: ``record_json`` holds the record's JSON text
  (a CSV row as a JSON object of strings), next to ``_file_context`` (the page envelope
  without its records, plus values only the file name carries), ``_file_sha256``,
  ``_file_path`` (relative to the landing folder), ``_record_number`` (1-based position
  in the file: array index, JSON Lines line number, CSV data row) and ``_loaded_at``;
- ``raw.ingest_files`` is the ledger: a file whose SHA-256 is already there is skipped,
  so re-running on the same folder adds nothing;
- ``raw.ingest_rejections`` keeps every file or record that did not load, with its reason
  and raw text; the rest of the file and every other file still load;
- each file loads in one transaction: a crash mid-file leaves no partial rows.

DuckDB does the parsing and the bulk of the validation (``read_text`` + JSON functions):
a Python ``json.loads`` + insert path is several times slower. Python only handles what
DuckDB cannot: files that are not valid UTF-8 (decoded line by line so one bad byte
rejects one record, not the file) and the small CSV exports.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.ingest.registry import REGISTRY
from orchestration.ingest.spec import Check, FieldCheck, FileFormat, SourceSpec

RAW_SCHEMA = "raw"
LEDGER = f"{RAW_SCHEMA}.ingest_files"
REJECTIONS = f"{RAW_SCHEMA}.ingest_rejections"
# A rejected file's text is kept up to this size; the file itself stays in the landing
# folder untouched, and its hash in the ledger identifies it.
MAX_REJECTED_TEXT = 64 * 1024
LINE_FORMATS = (".jsonl", ".ndjson")

LEDGER_DDL = f"""
create table if not exists {LEDGER} (
    file_path varchar not null,
    file_sha256 varchar not null,
    source_folder varchar,
    raw_table varchar,
    bytes bigint not null,
    records integer not null,
    rejected integer not null,
    status varchar not null,
    message varchar,
    loaded_at timestamp not null
)"""

REJECTIONS_DDL = f"""
create table if not exists {REJECTIONS} (
    file_path varchar not null,
    file_sha256 varchar not null,
    raw_table varchar,
    record_number integer,
    reason varchar not null,
    raw_text varchar,
    rejected_at timestamp not null
)"""


def raw_table_ddl(spec: SourceSpec) -> str:
    return f"""
create table if not exists {RAW_SCHEMA}.{spec.raw_table} (
    record_json varchar not null,
    _file_context varchar,
    _file_sha256 varchar not null,
    _file_path varchar not null,
    _record_number integer not null,
    _loaded_at timestamp not null
)"""


@dataclass
class FileResult:
    path: str
    raw_table: str | None
    status: str  # loaded | partial | rejected | skipped | error
    records: int = 0
    rejected: int = 0
    message: str = ""


@dataclass
class IngestSummary:
    files: list[FileResult] = field(default_factory=list)
    unknown_files: list[str] = field(default_factory=list)

    def _with(self, *statuses: str) -> list[FileResult]:
        return [result for result in self.files if result.status in statuses]

    @property
    def loaded(self) -> list[FileResult]:
        return self._with("loaded", "partial")

    @property
    def skipped(self) -> list[FileResult]:
        return self._with("skipped")

    @property
    def errors(self) -> list[FileResult]:
        return self._with("error")

    @property
    def records(self) -> int:
        return sum(result.records for result in self.files)

    @property
    def rejected(self) -> int:
        return sum(result.rejected for result in self.files)

    def records_by_table(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for result in self.loaded:
            key = result.raw_table or "?"
            counts[key] = counts.get(key, 0) + result.records
        return counts


class RejectedFile(Exception):
    """The whole file cannot be read (not JSON, wrong envelope, missing CSV column)."""


def connect(warehouse_path: Path | str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(warehouse_path))
    con.execute("set TimeZone = 'UTC'")
    return con


def ensure_raw_schema(
    con: duckdb.DuckDBPyConnection, registry: Sequence[SourceSpec] = REGISTRY
) -> None:
    """Create ``raw``, the ledger, the rejections table and every registered raw table, so
    a tool with no files yet still yields (empty) tables for staging to select from."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(LEDGER_DDL)
    con.execute(REJECTIONS_DDL)
    for spec in registry:
        con.execute(raw_table_ddl(spec))


def discover(
    landing_dir: Path, registry: Sequence[SourceSpec] = REGISTRY
) -> tuple[list[tuple[SourceSpec, Path]], list[str]]:
    """Files under registered folders (sorted by path), and files anywhere else."""
    by_folder = {spec.folder: spec for spec in registry}
    known: list[tuple[SourceSpec, Path]] = []
    unknown: list[str] = []
    if not landing_dir.is_dir():
        return known, unknown
    for path in sorted(landing_dir.rglob("*")):
        rel = path.relative_to(landing_dir)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        spec = by_folder.get("/".join(rel.parts[:2])) if len(rel.parts) >= 3 else None
        if spec is None:
            unknown.append(rel.as_posix())
        else:
            known.append((spec, path))
    return known, unknown


def ingest(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    specs: Sequence[SourceSpec] = REGISTRY,
    progress: Callable[[int, int, FileResult], None] | None = None,
) -> IngestSummary:
    """Load every new file of ``specs`` from ``landing_dir``; report unknown folders."""
    ensure_raw_schema(con, REGISTRY)
    files, unknown = discover(landing_dir, REGISTRY)
    wanted = {spec.folder for spec in specs}
    files = [(spec, path) for spec, path in files if spec.folder in wanted]
    summary = IngestSummary(unknown_files=unknown)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    for number, (spec, path) in enumerate(files, start=1):
        result = load_file(con, spec, landing_dir, path, loaded_at)
        summary.files.append(result)
        if progress is not None:
            progress(number, len(files), result)
    return summary


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def load_file(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    landing_dir: Path,
    path: Path,
    loaded_at: datetime,
) -> FileResult:
    """Load one file in one transaction. Unexpected errors roll back and are reported as
    ``error`` (not written to the ledger, so the next run tries the file again)."""
    rel = path.relative_to(landing_dir).as_posix()
    sha = file_sha256(path)
    already = con.execute(
        f"select file_path from {LEDGER} where file_sha256 = ? limit 1", [sha]
    ).fetchone()
    if already is not None:
        note = "already loaded" if already[0] == rel else f"same content as {already[0]}"
        return FileResult(rel, spec.raw_table, "skipped", message=note)

    loader = _FileLoad(con, spec, rel, sha, path, loaded_at)
    try:
        # Reading and validating fill temp tables and may fail on bad input; only the
        # writes run in the transaction, so a failed probe cannot abort it.
        rejected_reason = loader.read()
        con.execute("begin transaction")
        try:
            result = loader.write(rejected_reason)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    except Exception as exc:  # a bug or an I/O failure, not bad input: keep nothing
        return FileResult(rel, spec.raw_table, "error", message=f"{type(exc).__name__}: {exc}")
    finally:
        for temp in ("_doc", "_lines", "_records", "_checked"):
            con.execute(f"drop table if exists temp.{temp}")
    return result


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _check_expression(check: FieldCheck) -> str:
    """SQL that yields a reason when ``record_json`` fails ``check``, else NULL."""
    value = f"nullif(trim(json_extract_string(record_json, {_sql_str(check.path)})), '')"
    name = check.name
    if check.check is Check.REQUIRED:
        return f"case when {value} is null then {_sql_str('missing required field ' + name)} end"
    invalid = {
        Check.TIMESTAMP: f"try_cast({value} as timestamptz) is null",
        Check.DATE: f"try_strptime({value}, '%Y-%m-%d') is null",
        Check.BOOLEAN: f"lower({value}) not in ('true', 'false')",
        Check.NUMBER: f"try_cast({value} as double) is null",
        Check.EPOCH_MS: f"try_cast({value} as bigint) is null",
        Check.EPOCH_S: f"try_cast({value} as bigint) is null",
    }[check.check]
    label = f"unparsable {check.check.value} {name}: "
    return f"case when {value} is not null and {invalid} then {_sql_str(label)} || {value} end"


def _undecodable_reason(raw: bytes) -> str | None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        return f"undecodable byte 0x{bad} at offset {exc.start} (not UTF-8)"
    return None


def _as_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="backslashreplace")


class _FileLoad:
    """The steps of loading one file, inside the caller's transaction.

    Each reader fills ``temp._records(record_number, record_json, file_context)`` and
    collects record-level rejections it found itself; validation of the fields then runs
    in one SQL statement for every format.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        spec: SourceSpec,
        rel: str,
        sha: str,
        path: Path,
        loaded_at: datetime,
    ) -> None:
        self.con = con
        self.spec = spec
        self.rel = rel
        self.sha = sha
        self.path = path
        self.loaded_at = loaded_at
        self.rejections: list[tuple[int | None, str, str]] = []
        self.hints = json.dumps(spec.file_hints(path), sort_keys=True) if spec.file_hints else None

    def read(self) -> str | None:
        """Fill ``temp._checked``; return the reason when the whole file is rejected."""
        try:
            if self.path.suffix.lower() not in self.spec.accepted_extensions:
                raise RejectedFile(
                    f"unsupported file type {self.path.suffix or '(none)'}; "
                    f"{self.spec.folder} takes {', '.join(self.spec.accepted_extensions)}"
                )
            if self.spec.file_format is FileFormat.CSV:
                self._read_csv()
            else:
                self._read_json()
        except RejectedFile as exc:
            return str(exc)
        self._check_records()
        return None

    def write(self, rejected_reason: str | None) -> FileResult:
        if rejected_reason is not None:
            return self._reject_file(rejected_reason)
        return self._insert()

    # -- JSON ---------------------------------------------------------------------------
    def _read_json(self) -> None:
        path_sql = _sql_str(str(self.path))
        try:
            self.con.execute(f"create temp table _doc as select content from read_text({path_sql})")
        except duckdb.InvalidInputException as exc:
            if "UTF-8" not in str(exc):
                raise
            self._read_json_lines_python()
            return
        is_lines = self.path.suffix.lower() in LINE_FORMATS
        if not is_lines:
            valid = self.con.execute("select json_valid(content) from _doc").fetchone()
            if valid and valid[0]:
                self._records_from_document()
                return
            if not self._looks_like_lines():
                raise RejectedFile(self._json_error())
        self.con.execute(
            """
            create temp table _lines as
            select cast(line_number as integer) as record_number, rtrim(line, chr(13)) as line
            from _doc,
                unnest(string_split(content, chr(10))) with ordinality as u(line, line_number)
            """
        )
        self._records_from_lines()

    def _looks_like_lines(self) -> bool:
        """A ``.json`` file that holds JSON Lines: its first line is a JSON value."""
        row = self.con.execute(
            "select json_valid(split_part(ltrim(content), chr(10), 1)) from _doc"
        ).fetchone()
        return bool(row and row[0])

    def _json_error(self) -> str:
        try:
            self.con.execute("select json(content) from _doc").fetchall()
        except duckdb.Error as exc:
            first_line = str(exc).splitlines()[0].removeprefix("Invalid Input Error: ")
            return f"invalid JSON (truncated or malformed): {first_line}"
        return "invalid JSON"

    def _records_from_document(self) -> None:
        key = self.spec.records_key
        doc_type = self.con.execute("select json_type(content) from _doc").fetchone()
        kind = doc_type[0] if doc_type else None
        hints = _sql_str(self.hints) if self.hints else "null"
        if kind == "ARRAY":
            records, context = "content", hints
        elif kind == "OBJECT" and key is not None:
            key_path = _sql_str(f'$."{key}"')
            found = self.con.execute(f"select json_type(content, {key_path}) from _doc").fetchone()
            if not found or found[0] != "ARRAY":
                raise RejectedFile(f"the page has no '{key}' array (records are under '{key}')")
            records = f"json_extract(content, {key_path})"
            # The envelope without its records: paging fields and, for some tools, the
            # zone or scope the records need (PagerDuty Analytics ``time_zone``).
            context = (
                "(select json_group_object(k, json_extract(content, '$.\"' || k || '\"'))"
                f" from unnest(json_keys(content)) as keys(k) where k <> {_sql_str(key)})"
            )
            if self.hints:
                context = f"json_merge_patch({context}, {hints})"
        else:
            expected = f"an object with a '{key}' array" if key else "a top-level array"
            raise RejectedFile(f"unexpected JSON {str(kind).lower()}: expected {expected}")
        self.con.execute(
            f"""
            create temp table _records as
            with page as (
                select json_extract({records}, '$[*]') as items, {context} as file_context
                from _doc
            )
            select
                cast(u.position as integer) as record_number,
                cast(u.item as varchar) as record_json,
                cast(page.file_context as varchar) as file_context
            from page, unnest(page.items) with ordinality as u(item, position)
            """
        )

    def _records_from_lines(self) -> None:
        """From ``temp._lines``: blank lines are skipped, invalid JSON is rejected."""
        bad = self.con.execute(
            "select record_number, line from _lines "
            "where trim(line) <> '' and not json_valid(line) order by record_number"
        ).fetchall()
        for number, line in bad:
            reason = "invalid JSON (truncated or malformed line)"
            self.rejections.append((number, reason, line))
        hints = _sql_str(self.hints) if self.hints else "null"
        self.con.execute(
            f"""
            create temp table _records as
            select record_number, line as record_json, cast({hints} as varchar) as file_context
            from _lines
            where trim(line) <> '' and json_valid(line)
            """
        )

    def _read_json_lines_python(self) -> None:
        """A file with bytes that are not UTF-8: a page cannot be trusted, lines can."""
        raw = self.path.read_bytes()
        if self.path.suffix.lower() not in LINE_FORMATS and not raw.lstrip().startswith(b"{"):
            raise RejectedFile(_undecodable_reason(raw) or "not UTF-8")
        lines = raw.split(b"\n")
        if self.path.suffix.lower() not in LINE_FORMATS:
            first = lines[0].rstrip(b"\r")
            try:
                json.loads(first)
            except ValueError:
                raise RejectedFile(_undecodable_reason(raw) or "not UTF-8") from None
        numbers: list[int] = []
        texts: list[str] = []
        for number, line in enumerate(lines, start=1):
            reason = _undecodable_reason(line)
            if reason is not None:
                self.rejections.append((number, reason, _as_text(line.rstrip(b"\r"))))
                continue
            numbers.append(number)
            texts.append(line.decode("utf-8").rstrip("\r"))
        self.con.execute(
            "create temp table _lines as "
            "select cast(unnest($1) as integer) as record_number, unnest($2) as line",
            [numbers, texts],
        )
        self._records_from_lines()

    # -- CSV ----------------------------------------------------------------------------
    def _read_csv(self) -> None:
        raw = self.path.read_bytes()
        text = raw.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [name.strip() for name in next(reader, [])]
        if not header or header == [""]:
            raise RejectedFile("empty CSV file: no header row")
        missing = [name for name in self.spec.required_columns if name not in header]
        if missing:
            raise RejectedFile(f"missing required column(s): {', '.join(missing)}")
        if _has_surrogates(header):
            raise RejectedFile(_undecodable_reason(raw) or "header is not UTF-8")
        numbers: list[int] = []
        records: list[str] = []
        for number, row in enumerate(reader, start=1):
            if not row or row == [""]:
                continue
            raw_text = _csv_line(row)
            if _has_surrogates(row):
                line_bytes = raw_text.encode("utf-8", errors="surrogateescape")
                reason = _undecodable_reason(line_bytes) or "not UTF-8"
                self.rejections.append((number, reason, _as_text(line_bytes)))
            elif len(row) != len(header):
                reason = f"row has {len(row)} fields, the header has {len(header)}"
                self.rejections.append((number, reason, raw_text))
            else:
                numbers.append(number)
                records.append(json.dumps(dict(zip(header, row, strict=True))))
        self.con.execute(
            "create temp table _records as select cast(unnest($1) as integer) as record_number,"
            " unnest($2) as record_json, cast($3 as varchar) as file_context",
            [numbers, records, self.hints],
        )

    # -- validation and the writes --------------------------------------------------------
    def _check_records(self) -> None:
        checks = ", ".join(_check_expression(check) for check in self.spec.checks) or "null"
        reasons = (
            "case when json_type(record_json) <> 'OBJECT' then 'not a JSON object' "
            f"else nullif(concat_ws('; ', {checks}), '') end"
        )
        self.con.execute(
            f"create temp table _checked as select *, {reasons} as reasons from _records"
        )

    def _insert(self) -> FileResult:
        self._insert_rejections(self.rejections)
        self.con.execute(
            f"""
            insert into {REJECTIONS}
            select ?, ?, ?, record_number, reasons, record_json, ?
            from _checked where reasons is not null
            """,
            [self.rel, self.sha, self.spec.raw_table, self.loaded_at],
        )
        self.con.execute(
            f"""
            insert into {RAW_SCHEMA}.{self.spec.raw_table}
            select record_json, file_context, ?, ?, record_number, ?
            from _checked where reasons is null
            order by record_number
            """,
            [self.sha, self.rel, self.loaded_at],
        )
        counts = self.con.execute(
            "select count(*) filter (where reasons is null), "
            "count(*) filter (where reasons is not null) from _checked"
        ).fetchone()
        loaded, sql_rejected = (counts[0], counts[1]) if counts else (0, 0)
        rejected = sql_rejected + len(self.rejections)
        status = "partial" if rejected else "loaded"
        message = f"{rejected} record(s) rejected" if rejected else ""
        self._write_ledger(status, loaded, rejected, message)
        return FileResult(self.rel, self.spec.raw_table, status, loaded, rejected, message)

    def _insert_rejections(self, rows: Iterable[tuple[int | None, str, str]]) -> None:
        rows = list(rows)
        if not rows:
            return
        numbers, reasons, texts = (list(column) for column in zip(*rows, strict=True))
        self.con.execute(
            f"insert into {REJECTIONS} select $1, $2, $3, cast(unnest($4) as integer),"
            " unnest($5), unnest($6), $7",
            [self.rel, self.sha, self.spec.raw_table, numbers, reasons, texts, self.loaded_at],
        )

    def _reject_file(self, reason: str) -> FileResult:
        raw = self.path.read_bytes()
        text = _as_text(raw[:MAX_REJECTED_TEXT])
        self._insert_rejections([(None, reason, text)])
        self._write_ledger("rejected", 0, 1, reason)
        return FileResult(self.rel, self.spec.raw_table, "rejected", 0, 1, reason)

    def _write_ledger(self, status: str, records: int, rejected: int, message: str) -> None:
        self.con.execute(
            f"insert into {LEDGER} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                self.rel,
                self.sha,
                self.spec.folder,
                self.spec.raw_table,
                self.path.stat().st_size,
                records,
                rejected,
                status,
                message or None,
                self.loaded_at,
            ],
        )


_SURROGATE = re.compile("[\udc80-\udcff]")


def _has_surrogates(values: Iterable[str]) -> bool:
    return any(_SURROGATE.search(value) for value in values)


def _csv_line(row: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row)
    return buffer.getvalue()
