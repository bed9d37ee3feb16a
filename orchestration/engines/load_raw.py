"""Copy the ``raw`` schema of a DuckDB warehouse into a PostgreSQL database.

Ingest (``orchestration/ingest``) writes DuckDB; a warehouse server gets the same raw rows
through this copy: every table of DuckDB's ``raw`` schema (the ledger ``ingest_files``,
``ingest_rejections`` and each ``raw.<tool>__<entity>`` of the registry) is recreated in the
server's ``raw`` schema with the same columns and filled with ``COPY ... FROM STDIN``, all
in one transaction (a failed copy leaves the previous raw tables in place). Values travel
exactly: NULL stays NULL, an empty string stays empty, timestamps keep their microseconds.

    python -m orchestration.engines.load_raw [--warehouse data/warehouse.duckdb]

connects with ``KPI_PG_HOST``, ``KPI_PG_PORT``, ``KPI_PG_USER``, ``KPI_PG_PASSWORD`` and
``KPI_PG_DATABASE``, like profiles.yml's ``postgres`` target.
"""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.engines.postgres import PostgresServer

RAW_SCHEMA = "raw"
FETCH_ROWS = 50_000
# DuckDB column types -> PostgreSQL; anything else travels as text.
_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(38, 0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "JSON": "text",
}
_DECIMAL = re.compile(r"DECIMAL\(\d+,\s*\d+\)")
_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def postgres_type(duckdb_type: str) -> str:
    if _DECIMAL.fullmatch(duckdb_type):
        return duckdb_type.lower().replace("decimal", "numeric")
    return _TYPES.get(duckdb_type, "text")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def copy_text_value(value: object) -> str:
    """One value in PostgreSQL's COPY text format (``\\N`` is NULL)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    # PostgreSQL text cannot hold NUL characters.
    return str(value).replace("\x00", "").translate(_TEXT_ESCAPES)


def copy_text(rows: Iterable[Sequence[object]]) -> str:
    return "".join("\t".join(copy_text_value(value) for value in row) + "\n" for row in rows)


def raw_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every table of DuckDB's ``raw`` schema with its (column, DuckDB type) list."""
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? order by table_name, ordinal_position",
        [RAW_SCHEMA],
    ).fetchall():
        tables.setdefault(table, []).append((column, data_type))
    return tables


def copy_raw(warehouse: Path | str, server: PostgresServer) -> dict[str, int]:
    """Replace the server's ``raw`` tables by the warehouse's; rows copied per table."""
    source = duckdb.connect(str(warehouse), read_only=True)
    target = server.connect()
    copied: dict[str, int] = {}
    try:
        source.execute("set TimeZone = 'UTC'")
        with target, target.cursor() as cursor:
            cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
            for table, columns in raw_tables(source).items():
                name = f"{RAW_SCHEMA}.{_quote(table)}"
                cursor.execute(f"drop table if exists {name} cascade")
                definitions = ", ".join(
                    f"{_quote(column)} {postgres_type(data_type)}" for column, data_type in columns
                )
                cursor.execute(f"create table {name} ({definitions})")
                column_list = ", ".join(_quote(column) for column, _ in columns)
                result = source.execute(f"select {column_list} from {RAW_SCHEMA}.{_quote(table)}")
                copied[table] = 0
                while rows := result.fetchmany(FETCH_ROWS):
                    cursor.copy_expert(
                        f"copy {name} ({column_list}) from stdin", io.StringIO(copy_text(rows))
                    )
                    copied[table] += len(rows)
    finally:
        target.close()
        source.close()
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.engines.load_raw", description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None, help="DuckDB file to copy from")
    args = parser.parse_args(argv)
    warehouse = args.warehouse or settings.warehouse_path()
    server = PostgresServer.from_env()
    copied = copy_raw(warehouse, server)
    total = sum(copied.values())
    print(
        f"Copied {total} raw rows in {len(copied)} tables from {warehouse} "
        f"to {server.host}:{server.port}/{server.database}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
