"""The physical limit for ingest: DuckDB's own `read_json` / `read_csv` (automatic schema
detection) of the same landing files into tables of a scratch DuckDB file, one table per
landing folder and file kind, one row per record (an envelope page's records unnested).

It does none of the ingest's work beyond reading and storing: no SHA-256 ledger, no
per-record validation or rejections, no raw JSON text kept beside the parsed values.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.ingest.loader import BATCH_MAX_FILES, LINE_FORMATS, duckdb_settings
from orchestration.ingest.registry import REGISTRY
from orchestration.ingest.spec import FileFormat, SourceSpec

# A whole API page is one JSON object, so the object size limit is the largest file's size.
# JSON is read with DuckDB's automatic schema (sampled from the first files), not
# union_by_name: that opens every file of the statement at once with a buffer each and runs
# out of a 4 GB memory_limit on ~150 pages of 200 KB. At most BATCH_MAX_FILES files per
# statement, as the ingest batches them; each batch is its own table.
#
# A sample can miss a field's other shape: ServiceNow reference fields are a sys_id string
# in one export and a {link, value} object in another, and a batch whose first files hold
# only objects fails on the first string ("JSON transform error"). Such a batch is read
# again in chunks of RESCAN_FILES files, each with the schema detected from every record of
# every file (DuckDB's answer to mixed types; a whole batch of 500 pages read that way
# runs out of an 8 GB memory_limit at large); each chunk is its own table, only those
# successful reads are timed, and the batch is listed in `rescanned`.
RESCAN_FILES = 32


@dataclass
class NativeRead:
    seconds: float = 0.0
    rows: int = 0
    tables: int = 0
    failures: list[str] = field(default_factory=list)
    rescanned: list[str] = field(default_factory=list)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _statement(
    spec: SourceSpec, extension: str, files: list[Path], table: str, full_sample: bool = False
) -> str:
    listed = "[" + ", ".join(_quote(str(path)) for path in files) + "]"
    if spec.file_format == FileFormat.CSV or extension == ".csv":
        return f"create table {table} as select * from read_csv({listed}, union_by_name = true)"
    if extension in LINE_FORMATS:
        return (
            f"create table {table} as select * from read_json({listed}, "
            f"format = 'newline_delimited')"
        )
    object_size = max(path.stat().st_size for path in files) + 1024
    sample = f", sample_size = -1, maximum_sample_files = {len(files)}" if full_sample else ""
    reader = f"read_json({listed}, maximum_object_size = {object_size}{sample})"
    if spec.records_key:
        return (
            f'create table {table} as select unnest("{spec.records_key}") as record from {reader}'
        )
    return f"create table {table} as select * from {reader}"


def _rescan(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    extension: str,
    batch: list[Path],
    table: str,
    result: NativeRead,
    label: str,
) -> list[str]:
    """Read a failed batch again in chunks with the schema of every record; the tables
    written (none if a chunk fails: the batch is then a failure)."""
    con.execute(f"drop table if exists {table}")
    tables = []
    for number, start in enumerate(range(0, len(batch), RESCAN_FILES), 1):
        chunk_table = f"{table}_{number}"
        chunk = batch[start : start + RESCAN_FILES]
        try:
            con.execute(_statement(spec, extension, chunk, chunk_table, full_sample=True))
        except duckdb.Error as error:
            result.failures.append(f"{label}: {error}".splitlines()[0])
            return []
        tables.append(chunk_table)
    result.rescanned.append(label)
    return tables


def read_natively(landing: Path, scratch: Path) -> NativeRead:
    """Read every registered landing folder with DuckDB's readers into `scratch` (deleted
    first and afterwards); timed from the connection to the last table written."""
    scratch.unlink(missing_ok=True)
    result = NativeRead()
    failed_seconds = 0.0  # sampled reads that failed and were read again in full
    started = time.perf_counter()
    con = duckdb.connect(str(scratch), config=duckdb_settings())
    try:
        for spec in REGISTRY:
            folder = landing / spec.folder
            if not folder.is_dir():
                continue
            by_extension: dict[str, list[Path]] = {}
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    by_extension.setdefault(path.suffix.lower(), []).append(path)
            for extension, files in sorted(by_extension.items()):
                for number, start in enumerate(range(0, len(files), BATCH_MAX_FILES), 1):
                    batch = files[start : start + BATCH_MAX_FILES]
                    table = f"{spec.raw_table}_{extension.lstrip('.')}_{number}"
                    attempt_started = time.perf_counter()
                    try:
                        con.execute(_statement(spec, extension, batch, table))
                    except duckdb.Error as error:
                        label = f"{spec.folder} ({extension}) batch {number}"
                        if "JSON transform error" not in str(error):
                            result.failures.append(f"{label}: {error}".splitlines()[0])
                            continue
                        failed_seconds += time.perf_counter() - attempt_started
                        tables = _rescan(con, spec, extension, batch, table, result, label)
                    else:
                        tables = [table]
                    for written in tables:
                        result.rows += con.execute(f"select count(*) from {written}").fetchone()[0]
                        result.tables += 1
        con.execute("checkpoint")
    finally:
        con.close()
    result.seconds = time.perf_counter() - started - failed_seconds
    scratch.unlink(missing_ok=True)
    Path(f"{scratch}.wal").unlink(missing_ok=True)
    return result
