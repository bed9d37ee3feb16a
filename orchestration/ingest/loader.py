"""Load landing files into DuckDB ``raw``: a ledger, rejections, no partially loaded file.

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
- files load in batches, each batch in one transaction: a crash leaves no file partially
  loaded (its raw rows, rejections and ledger row are written together or not at all).

Speed: DuckDB does the parsing and the validation, set-based over a whole batch of files
(one ``read_text`` of many files, one JSON unnest, one validation statement). Per-file SQL
statements cost milliseconds each, which dominates on thousands of small API pages, and a
Python ``json.loads`` + insert path is several times slower still. Python handles only
what DuckDB cannot: files that are not valid UTF-8 (decoded line by line, so one bad byte
rejects one record, not the file), files that are not what their folder expects (reasons
for the rejection), and the small CSV exports.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
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
# Files read together: bounded so a batch's text stays well within memory. DuckDB needs
# about 30x a batch's JSON text while it unnests the pages: measured on 192 MB of Zendesk
# ticket pages (benchmark scale 43), 256 MB batches peaked at 4.9 GB RSS in 21.6 s, 32 MB
# batches at 1.6 GB in 15.7 s.
BATCH_MAX_FILES = 500
BATCH_MAX_BYTES = 32 * 1024 * 1024
TEMP_TABLES = ("_files", "_docs", "_lines", "_records", "_checked")

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


@dataclass(frozen=True)
class LandingFile:
    """A file waiting to load: where it is and what it is (by content)."""

    path: Path
    rel: str
    sha256: str
    size: int


# DuckDB's own defaults are 80% of RAM and every core; the dbt profile (profiles.yml)
# reads the same variables with the same defaults. 8GB: with ingest batches of up to 500
# files (192 MB of Zendesk ticket pages in one), 4GB ran out of memory at benchmark scale 43
# (make bench SCALE=tenth, peak RSS 6.1 GiB); with 32 MB batches (BATCH_MAX_BYTES) 4GB may
# do again, not yet measured.
DEFAULT_DUCKDB_MEMORY_LIMIT = "8GB"
DEFAULT_DUCKDB_THREADS = "2"


def duckdb_settings() -> dict[str, str]:
    """`memory_limit` and `threads` from KPI_DUCKDB_MEMORY_LIMIT / KPI_DUCKDB_THREADS."""
    return {
        "memory_limit": os.environ.get("KPI_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT,
        "threads": os.environ.get("KPI_DUCKDB_THREADS") or DEFAULT_DUCKDB_THREADS,
    }


def connect(warehouse_path: Path | str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(warehouse_path), config=duckdb_settings())
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


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def ingest(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    specs: Sequence[SourceSpec] = REGISTRY,
    progress: Callable[[int, int, FileResult], None] | None = None,
) -> IngestSummary:
    """Load every new file of ``specs`` from ``landing_dir``; report unknown folders."""
    ensure_raw_schema(con, REGISTRY)
    found, unknown = discover(landing_dir, REGISTRY)
    wanted = {spec.folder for spec in specs}
    found = [(spec, path) for spec, path in found if spec.folder in wanted]
    summary = IngestSummary(unknown_files=unknown)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    by_folder = {spec.folder: spec for spec in REGISTRY}
    known: dict[tuple[str, ...], str] = {}
    for sha, folder, rel in con.execute(
        f"select file_sha256, source_folder, file_path from {LEDGER} order by loaded_at, file_path"
    ).fetchall():
        if folder in by_folder:
            known.setdefault(_identity(by_folder[folder], rel, sha), rel)

    def report(result: FileResult) -> None:
        summary.files.append(result)
        if progress is not None:
            progress(len(summary.files), len(found), result)

    for spec in [spec for spec in REGISTRY if spec.folder in wanted]:
        pending: list[LandingFile] = []
        for file_spec, path in found:
            if file_spec is not spec:
                continue
            rel = path.relative_to(landing_dir).as_posix()
            sha = file_sha256(path)
            identity = _identity(spec, rel, sha)
            if identity in known:
                first = known[identity]
                note = "already loaded" if first == rel else f"same content as {first}"
                report(FileResult(rel, spec.raw_table, "skipped", message=note))
                continue
            known[identity] = rel
            pending.append(LandingFile(path, rel, sha, path.stat().st_size))
        for batch in _batches(pending):
            for result in load_batch(con, spec, batch, loaded_at):
                report(result)
    return summary


def _identity(spec: SourceSpec, rel: str, sha: str) -> tuple[str, ...]:
    """What makes a file "already loaded": its content within its folder, and its name too
    where the name carries data (a Zendesk holiday file names its schedule), so two
    schedules with the same holidays both load."""
    if spec.file_hints is not None:
        return (spec.folder, sha, rel)
    return (spec.folder, sha)


def _batches(files: list[LandingFile]) -> Iterable[list[LandingFile]]:
    batch: list[LandingFile] = []
    size = 0
    for landing_file in files:
        if batch and (len(batch) >= BATCH_MAX_FILES or size + landing_file.size > BATCH_MAX_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(landing_file)
        size += landing_file.size
    if batch:
        yield batch


def load_batch(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    files: list[LandingFile],
    loaded_at: datetime,
) -> list[FileResult]:
    """Read, check and write a batch of files of one source.

    Reading and checking fill temp tables and may fail on bad input; only the writes run
    in the transaction. An unexpected error (a bug, an I/O failure) rolls the batch back
    and reports its files as ``error`` without a ledger row, so the next run retries them.
    """
    batch = _Batch(con, spec, files, loaded_at)
    try:
        batch.read()
        con.execute("begin transaction")
        try:
            results = batch.write()
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        return [FileResult(f.rel, spec.raw_table, "error", message=message) for f in files]
    finally:
        for temp in TEMP_TABLES:
            con.execute(f"drop table if exists temp.{temp}")
    return results


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _check_expression(check: FieldCheck, value: str) -> str:
    """SQL that yields a reason when ``value`` (the field's text) fails ``check``, else NULL."""
    value = f"nullif(trim({value}), '')"
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


class RejectedFile(Exception):
    """The whole file cannot be read (not JSON, wrong envelope, missing CSV column)."""


class _Batch:
    """The steps of loading a batch of files of one source.

    Readers fill ``temp._records(file_path, record_number, record_json, file_context)`` and
    note what they reject themselves (whole files, undecodable lines, malformed CSV rows);
    one SQL statement then checks every record's fields, and ``write`` stores it all.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        spec: SourceSpec,
        files: list[LandingFile],
        loaded_at: datetime,
    ) -> None:
        self.con = con
        self.spec = spec
        self.files = files
        self.loaded_at = loaded_at
        self.by_rel = {f.rel: f for f in files}
        # (file rel, record number or None for the whole file, reason, raw text)
        self.rejections: list[tuple[str, int | None, str, str]] = []
        self.rejected_files: dict[str, str] = {}
        # Records read in Python: (file rel, record number, JSON text, file context)
        self.python_records: list[tuple[str, int, str, str | None]] = []
        self.python_lines: list[tuple[str, int, str]] = []

    def hints(self, landing_file: LandingFile) -> str | None:
        if self.spec.file_hints is None:
            return None
        return json.dumps(self.spec.file_hints(landing_file.path), sort_keys=True)

    def reject_file(self, landing_file: LandingFile, reason: str) -> None:
        text = _as_text(landing_file.path.read_bytes()[:MAX_REJECTED_TEXT])
        self.rejected_files[landing_file.rel] = reason
        self.rejections.append((landing_file.rel, None, reason, text))

    # -- reading --------------------------------------------------------------------------
    def read(self) -> None:
        self._create_file_table()
        self.con.execute(
            "create temp table _records (file_path varchar, record_number integer, "
            "record_json varchar, file_context varchar)"
        )
        self.con.execute(
            "create temp table _lines (file_path varchar, record_number integer, line varchar)"
        )
        readable: list[LandingFile] = []
        for landing_file in self.files:
            suffix = landing_file.path.suffix.lower()
            if suffix not in self.spec.accepted_extensions:
                accepted = ", ".join(self.spec.accepted_extensions)
                reason = (
                    f"unsupported file type {suffix or '(none)'}; "
                    f"{self.spec.folder} takes {accepted}"
                )
                self.reject_file(landing_file, reason)
            elif self.spec.file_format is FileFormat.CSV:
                try:
                    self._read_csv(landing_file)
                except RejectedFile as exc:
                    self.reject_file(landing_file, str(exc))
            else:
                readable.append(landing_file)
        if readable:
            self._read_json_files(readable)
        self._insert_python_rows()
        self._records_from_lines()
        self._check_records()

    def _create_file_table(self) -> None:
        self.con.execute(
            "create temp table _files as select unnest($1) as abs_path, unnest($2) as file_path,"
            " unnest($3) as file_sha256, unnest($4) as file_context",
            [
                [str(f.path) for f in self.files],
                [f.rel for f in self.files],
                [f.sha256 for f in self.files],
                [self.hints(f) for f in self.files],
            ],
        )

    def _read_json_files(self, files: list[LandingFile]) -> None:
        """One ``read_text`` for the whole batch. Python reads the rest: names that
        ``read_text`` would take for glob patterns (``[``, ``?``, ``*``), and every file of
        a batch with a file that is not UTF-8 (one bad file makes ``read_text`` fail)."""
        self.con.execute(
            "create temp table _docs (file_path varchar, file_context varchar, content varchar)"
        )
        plain = [f for f in files if not _GLOB_CHARACTERS.search(str(f.path))]
        in_python = [f for f in files if _GLOB_CHARACTERS.search(str(f.path))]
        if plain:
            try:
                self.con.execute(
                    "insert into _docs select _files.file_path, _files.file_context, "
                    "read.content from read_text($1) as read "
                    "inner join _files on read.filename = _files.abs_path",
                    [[str(f.path) for f in plain]],
                )
            except duckdb.InvalidInputException as exc:
                if "UTF-8" not in str(exc):
                    raise
                in_python = files
        for landing_file in in_python:
            self._read_document_in_python(landing_file)
        # A UTF-8 byte order mark is not JSON; exports written by Windows tools carry one.
        self.con.execute(
            "update _docs set content = substr(content, 2) where starts_with(content, chr(65279))"
        )
        self._classify_documents()

    def _read_document_in_python(self, landing_file: LandingFile) -> None:
        raw = landing_file.path.read_bytes()
        try:
            content = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                self._read_lines_in_python(landing_file)
            except RejectedFile as rejected:
                self.reject_file(landing_file, str(rejected))
            return
        self.con.execute(
            "insert into _docs values ($1, $2, $3)",
            [landing_file.rel, self.hints(landing_file), content],
        )

    def _classify_documents(self) -> None:
        """Sort the batch's documents: API pages, JSON Lines, or neither (rejected)."""
        key = self.spec.records_key
        # The document's JSON type and its records key's, from one parse of each document
        # (a `json_valid` and `json_type` per branch parsed a 32 MB batch four times).
        paths = ["$", f'$."{key}"'] if key else ["$"]
        type_paths = ", ".join(_sql_str(path) for path in paths)
        line_files = [f.rel for f in self.files if f.path.suffix.lower() in LINE_FORMATS]
        kinds = self.con.execute(
            f"""
            with typed as (
                select
                    file_path,
                    content,
                    file_path in (select unnest($1::varchar[])) as is_lines_file,
                    case
                        when file_path not in (select unnest($1::varchar[]))
                            and json_valid(content)
                            then json_type(content, [{type_paths}])
                    end as types
                from _docs
            )
            select
                file_path,
                case
                    when is_lines_file then 'lines'
                    when types[1] = 'ARRAY' then 'array'
                    when types[1] = 'OBJECT' and types[2] = 'ARRAY' then 'page'
                    when types is not null then 'unexpected ' || lower(types[1])
                    when json_valid(split_part(ltrim(content), chr(10), 1)) then 'lines'
                    else 'invalid'
                end as kind
            from typed
            """,
            [line_files],
        ).fetchall()
        by_kind: dict[str, list[str]] = {}
        for rel, kind in kinds:
            by_kind.setdefault(kind, []).append(rel)
        for kind, rels in by_kind.items():
            if kind.startswith("unexpected") or kind == "invalid":
                for rel in rels:
                    self.reject_file(self.by_rel[rel], self._document_error(rel, kind))
        self._records_from_documents(by_kind.get("page", []), by_kind.get("array", []))
        if by_kind.get("lines"):
            # Select-list unnest, zipped with the positions: a lateral join would repeat
            # the whole file text on every line (gigabytes for a few MB of JSON Lines).
            self.con.execute(
                """
                insert into _lines
                select
                    file_path,
                    cast(generate_subscripts(string_split(content, chr(10)), 1) as integer),
                    rtrim(unnest(string_split(content, chr(10))), chr(13))
                from _docs
                where file_path in (select unnest($1::varchar[]))
                """,
                [by_kind["lines"]],
            )

    def _document_error(self, rel: str, kind: str) -> str:
        key = self.spec.records_key
        if kind == "invalid":
            try:
                self.con.execute(
                    "select json(content) from _docs where file_path = $1", [rel]
                ).fetchall()
            except duckdb.Error as exc:
                first_line = str(exc).splitlines()[0].removeprefix("Invalid Input Error: ")
                return f"invalid JSON (truncated or malformed): {first_line}"
            return "invalid JSON"
        if kind == "unexpected object" and key:
            return f"the page has no '{key}' array (records are under '{key}')"
        expected = f"an object with a '{key}' array" if key else "a top-level array"
        return f"{kind} JSON: expected {expected}"

    def _records_from_documents(self, pages: list[str], arrays: list[str]) -> None:
        if pages:
            key = self.spec.records_key
            # The envelope without its records (merge-patching the key to null removes it):
            # paging fields and, for some tools, the zone or scope the records need
            # (PagerDuty Analytics ``time_zone``), plus what the file name carries.
            drop_records = _sql_str(json.dumps({key: None}))
            self._insert_items(
                _sql_str(f'$."{key}"[*]'),
                f"json_merge_patch(content, {drop_records}, coalesce(file_context, '{{}}'))",
                pages,
            )
        if arrays:
            self._insert_items("'$[*]'", "file_context", arrays)

    def _insert_items(self, items_path: str, context_sql: str, rels: list[str]) -> None:
        """One record per element of the JSON array at `items_path` (one path, one parse:
        the records key and its elements were two extracts, half the time again)."""
        self.con.execute(
            f"""
            insert into _records
            with page as (
                select
                    file_path,
                    json_extract(content, {items_path}) as items,
                    cast({context_sql} as varchar) as file_context
                from _docs
                where file_path in (select unnest($1::varchar[]))
            )
            select
                file_path,
                cast(generate_subscripts(items, 1) as integer),
                cast(unnest(items) as varchar),
                file_context
            from page
            """,
            [rels],
        )

    def _read_lines_in_python(self, landing_file: LandingFile) -> None:
        """A file with bytes that are not UTF-8: a page cannot be trusted, lines can."""
        raw = landing_file.path.read_bytes()
        lines = raw.split(b"\n")
        if landing_file.path.suffix.lower() not in LINE_FORMATS:
            try:
                json.loads(lines[0].rstrip(b"\r"))
            except ValueError:
                raise RejectedFile(_undecodable_reason(raw) or "not UTF-8") from None
        for number, line in enumerate(lines, start=1):
            reason = _undecodable_reason(line)
            if reason is not None:
                text = _as_text(line.rstrip(b"\r"))
                self.rejections.append((landing_file.rel, number, reason, text))
            else:
                self.python_lines.append(
                    (landing_file.rel, number, line.decode("utf-8").rstrip("\r"))
                )

    def _read_csv(self, landing_file: LandingFile) -> None:
        raw = landing_file.path.read_bytes()
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
        context = self.hints(landing_file)
        rel = landing_file.rel
        for number, row in enumerate(reader, start=1):
            if not row or row == [""]:
                continue
            raw_text = _csv_line(row)
            if _has_surrogates(row):
                line_bytes = raw_text.encode("utf-8", errors="surrogateescape")
                reason = _undecodable_reason(line_bytes) or "not UTF-8"
                self.rejections.append((rel, number, reason, _as_text(line_bytes)))
            elif len(row) != len(header):
                reason = f"row has {len(row)} fields, the header has {len(header)}"
                self.rejections.append((rel, number, reason, raw_text))
            else:
                record = json.dumps(dict(zip(header, row, strict=True)))
                self.python_records.append((rel, number, record, context))

    def _insert_python_rows(self) -> None:
        if self.python_records:
            columns = [list(column) for column in zip(*self.python_records, strict=True)]
            self.con.execute(
                "insert into _records select unnest($1), cast(unnest($2) as integer), "
                "unnest($3), unnest($4)",
                columns,
            )
        if self.python_lines:
            columns = [list(column) for column in zip(*self.python_lines, strict=True)]
            self.con.execute(
                "insert into _lines select unnest($1), cast(unnest($2) as integer), unnest($3)",
                columns,
            )

    def _records_from_lines(self) -> None:
        """From ``temp._lines``: blank lines are skipped, invalid JSON is rejected."""
        bad = self.con.execute(
            "select file_path, record_number, line from _lines "
            "where trim(line) <> '' and not json_valid(line) order by file_path, record_number"
        ).fetchall()
        for rel, number, line in bad:
            self.rejections.append(
                (rel, number, "invalid JSON (truncated or malformed line)", line)
            )
        self.con.execute(
            """
            insert into _records
            select _lines.file_path, _lines.record_number, _lines.line, _files.file_context
            from _lines
            inner join _files on _lines.file_path = _files.file_path
            where trim(_lines.line) <> '' and json_valid(_lines.line)
            """
        )

    def _check_records(self) -> None:
        """Every field check of every record in one statement; each record is parsed once
        (one multi-path extract) rather than once per check."""
        paths = sorted({check.path for check in self.spec.checks})
        position = {path: index + 1 for index, path in enumerate(paths)}
        checks = ", ".join(
            _check_expression(check, f"fields[{position[check.path]}]")
            for check in self.spec.checks
        )
        extract = (
            f"json_extract_string(record_json, [{', '.join(_sql_str(p) for p in paths)}])"
            if paths
            else "[]"
        )
        reasons = (
            "case when json_type(record_json) <> 'OBJECT' then 'not a JSON object' "
            f"else nullif(concat_ws('; ', {checks or 'null'}), '') end"
        )
        self.con.execute(
            f"""
            create temp table _checked as
            with extracted as (select *, {extract} as fields from _records)
            select file_path, record_number, record_json, file_context, {reasons} as reasons
            from extracted
            """
        )

    # -- writing (inside the transaction) ---------------------------------------------------
    def write(self) -> list[FileResult]:
        self._insert_rejections()
        self._insert_raw()
        results = self._results()
        self._write_ledger(results)
        return results

    def _insert_rejections(self) -> None:
        if self.rejections:
            rels, numbers, reasons, texts = (
                list(column) for column in zip(*self.rejections, strict=True)
            )
            self.con.execute(
                f"""
                insert into {REJECTIONS}
                select
                    rejected.file_path, _files.file_sha256, $1,
                    rejected.record_number, rejected.reason, rejected.raw_text, $2
                from (
                    select
                        unnest($3) as file_path, cast(unnest($4) as integer) as record_number,
                        unnest($5) as reason, unnest($6) as raw_text
                ) as rejected
                inner join _files on rejected.file_path = _files.file_path
                """,
                [self.spec.raw_table, self.loaded_at, rels, numbers, reasons, texts],
            )
        self.con.execute(
            f"""
            insert into {REJECTIONS}
            select
                _checked.file_path, _files.file_sha256, $1, _checked.record_number,
                _checked.reasons, _checked.record_json, $2
            from _checked
            inner join _files on _checked.file_path = _files.file_path
            where _checked.reasons is not null
            order by _checked.file_path, _checked.record_number
            """,
            [self.spec.raw_table, self.loaded_at],
        )

    def _insert_raw(self) -> None:
        self.con.execute(
            f"""
            insert into {RAW_SCHEMA}.{self.spec.raw_table}
            select
                _checked.record_json, _checked.file_context, _files.file_sha256,
                _checked.file_path, _checked.record_number, $1
            from _checked
            inner join _files on _checked.file_path = _files.file_path
            where _checked.reasons is null
            order by _checked.file_path, _checked.record_number
            """,
            [self.loaded_at],
        )

    def _results(self) -> list[FileResult]:
        counts = {
            rel: (loaded, rejected)
            for rel, loaded, rejected in self.con.execute(
                "select file_path, count(*) filter (where reasons is null), "
                "count(*) filter (where reasons is not null) from _checked group by file_path"
            ).fetchall()
        }
        python_rejected: dict[str, int] = {}
        for rel, number, _, _ in self.rejections:
            if number is not None:
                python_rejected[rel] = python_rejected.get(rel, 0) + 1
        results = []
        for landing_file in self.files:
            rel = landing_file.rel
            if rel in self.rejected_files:
                reason = self.rejected_files[rel]
                results.append(FileResult(rel, self.spec.raw_table, "rejected", 0, 1, reason))
                continue
            loaded, rejected = counts.get(rel, (0, 0))
            rejected += python_rejected.get(rel, 0)
            status = "partial" if rejected else "loaded"
            message = f"{rejected} record(s) rejected" if rejected else ""
            results.append(FileResult(rel, self.spec.raw_table, status, loaded, rejected, message))
        return results

    def _write_ledger(self, results: list[FileResult]) -> None:
        self.con.execute(
            f"""
            insert into {LEDGER}
            select
                unnest($1), unnest($2), $3, $4, unnest($5), unnest($6), unnest($7),
                unnest($8), unnest($9), $10
            """,
            [
                [result.path for result in results],
                [self.by_rel[result.path].sha256 for result in results],
                self.spec.folder,
                self.spec.raw_table,
                [self.by_rel[result.path].size for result in results],
                [result.records for result in results],
                [result.rejected for result in results],
                [result.status for result in results],
                [result.message or None for result in results],
                self.loaded_at,
            ],
        )


_SURROGATE = re.compile("[\udc80-\udcff]")
_GLOB_CHARACTERS = re.compile(r"[\[\]?*]")


def _has_surrogates(values: Iterable[str]) -> bool:
    return any(_SURROGATE.search(value) for value in values)


def _csv_line(row: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row)
    return buffer.getvalue()
