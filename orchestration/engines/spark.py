"""Apache Spark in local mode: the ``raw`` schema of a DuckDB warehouse copied into Spark.

profiles.yml's ``spark`` target (dbt-spark ``method: session``) starts a local-mode
SparkSession inside dbt's process, with its tables (parquet) and its Hive metastore
(embedded Derby) in the folder ``KPI_SPARK_DIR`` (default ``data/spark``). This module
opens a session with exactly that target's settings (read from profiles.yml, so the two
never drift) to:

- ``load``: copy every table of DuckDB's ``raw`` schema (the ledger, the rejections and
  each ``raw.<tool>__<entity>``) into Spark's ``raw`` database. DuckDB writes each table
  to a parquet file (``KPI_SPARK_DIR/raw_parquet``); Spark recreates ``raw.<table>`` as a
  parquet table from it with the same column names and Spark's types of DuckDB's
  (``timestamp`` stays a UTC ``timestamp``: both sessions run in UTC). Values travel
  exactly: NULL stays NULL, an empty string stays empty, timestamps keep their
  microseconds.
- ``dump``: every table and view of some databases with its rows (for the engine tests).

Embedded Derby admits one JVM per metastore: run this (``python -m
orchestration.engines.spark load``) and dbt one after the other, never at the same time
on the same ``KPI_SPARK_DIR``. Needs the ``spark`` dependency group and Java 17.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import yaml

from orchestration import settings
from orchestration.engines.load_raw import RAW_SCHEMA, raw_tables
from orchestration.system_packages import apt_install, can_install

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROFILES = PROJECT_ROOT / "profiles.yml"
PROFILE, TARGET = "service_kpis", "spark"
DEFAULT_DIR = "data/spark"
# dbt-spark forces this on every session it opens (connections.py): so does the loader.
FORCED_SETTINGS = {"spark.sql.ansi.enabled": "false"}
# DuckDB column types -> Spark SQL; DECIMAL(p,s) keeps its precision and scale.
_TYPES = {
    "VARCHAR": "string",
    "JSON": "string",
    "BOOLEAN": "boolean",
    "TINYINT": "tinyint",
    "SMALLINT": "smallint",
    "INTEGER": "int",
    "BIGINT": "bigint",
    "HUGEINT": "decimal(38,0)",
    "FLOAT": "float",
    "DOUBLE": "double",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
}


MIN_JAVA = 17


class SparkUnavailable(RuntimeError):
    """pyspark or a Java runtime it can use is missing."""


def java_major(version_text: str) -> int | None:
    """The major version in ``java -version`` output (``openjdk version "17.0.15"`` -> 17,
    ``"1.8.0_392"`` -> 8); None when there is none."""
    found = re.search(r'version "(\d+)(?:\.(\d+))?', version_text)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def check() -> str:
    """pyspark is installed and finds Java 17 or newer (``JAVA_HOME`` or PATH, like
    pyspark); the ``java -version`` line."""
    try:
        import pyspark
    except ImportError as error:
        raise SparkUnavailable(
            "pyspark is missing: install the `spark` dependency group "
            "(`uv sync --group spark`, or `make setup-engines`)"
        ) from error
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if java is None or not Path(java).exists():
        raise SparkUnavailable(
            f"pyspark needs Java {MIN_JAVA}+: none on PATH or JAVA_HOME "
            "(Debian: `apt-get install openjdk-17-jre-headless`)"
        )
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    version = (result.stderr or result.stdout).strip()
    major = java_major(version)
    if major is None or major < MIN_JAVA:
        raise SparkUnavailable(f"pyspark needs Java {MIN_JAVA}+, {java} is: {version}")
    return f"pyspark {pyspark.__version__}, {version.splitlines()[0]}"


def install() -> str:
    """``check()``, after installing Java 17 from Debian's ``openjdk-17-jre-headless``
    package when no Java 17+ is found and this is root with apt-get (as PostgreSQL is
    installed for ``make test-engines``); a missing pyspark is never installed here."""
    try:
        return check()
    except SparkUnavailable as error:
        if not str(error).startswith("pyspark needs Java"):
            raise
        if not can_install():
            raise SparkUnavailable(
                f"{error}; cannot install it here (needs root and apt-get)"
            ) from error
    print("Installing Java 17 from Debian's openjdk-17-jre-headless package", flush=True)
    apt_install("openjdk-17-jre-headless")
    return check()


def spark_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL("):
        return duckdb_type.lower().replace(" ", "")
    return _TYPES.get(duckdb_type, "string")


def spark_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of the Spark warehouse and metastore (``KPI_SPARK_DIR``)."""
    env = os.environ if environ is None else environ
    return Path(env.get("KPI_SPARK_DIR", DEFAULT_DIR))


def session_settings(
    environ: Mapping[str, str] | None = None, profiles: Path = PROFILES
) -> dict[str, str]:
    """The ``server_side_parameters`` of profiles.yml's ``spark`` target, rendered with
    ``env_var`` like dbt renders them, plus what dbt-spark forces."""
    env = dict(os.environ if environ is None else environ)
    missing = object()

    def env_var(name: str, default: Any = missing) -> str:
        if name in env:
            return env[name]
        if default is missing:
            raise KeyError(f"profiles.yml needs the environment variable {name}")
        return str(default)

    target = yaml.safe_load(profiles.read_text())[PROFILE]["outputs"][TARGET]
    jinja = jinja2.Environment(undefined=jinja2.StrictUndefined)
    rendered = {
        str(key): jinja.from_string(str(value)).render(env_var=env_var)
        for key, value in target.get("server_side_parameters", {}).items()
    }
    return {**rendered, **FORCED_SETTINGS}


def _quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def load_statements(table: str, columns: list[tuple[str, str]], parquet: Path) -> list[str]:
    """Spark SQL replacing ``raw.<table>`` by the rows of a parquet file DuckDB wrote,
    each column cast to Spark's type of its DuckDB type."""
    name = f"{RAW_SCHEMA}.{_quote(table)}"
    select_list = ", ".join(
        f"cast({_quote(column)} as {spark_type(data_type)}) as {_quote(column)}"
        for column, data_type in columns
    )
    location = str(parquet.resolve()).replace("`", "``")
    return [
        f"drop table if exists {name}",
        f"create table {name} using parquet as select {select_list} from parquet.`{location}`",
    ]


def export_parquet(warehouse: Path | str, folder: Path) -> dict[str, tuple[Path, int]]:
    """Each table of DuckDB's ``raw`` schema as ``folder/<table>.parquet``: its file and
    row count, by table."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    source = duckdb.connect(str(warehouse), read_only=True)
    exported: dict[str, tuple[Path, int]] = {}
    try:
        source.execute("set TimeZone = 'UTC'")
        for table in raw_tables(source):
            path = folder / f"{table}.parquet"
            literal = str(path).replace("'", "''")
            source.execute(
                f"copy (select * from {RAW_SCHEMA}.\"{table}\") to '{literal}' (format parquet)"
            )
            count = source.execute(f'select count(*) from {RAW_SCHEMA}."{table}"').fetchone()
            exported[table] = (path, int(count[0]) if count else 0)
        return exported
    finally:
        source.close()


@contextmanager
def session(environ: Mapping[str, str] | None = None) -> Iterator[Any]:
    """A SparkSession with the ``spark`` target's settings, stopped on exit."""
    from pyspark.sql import SparkSession

    # pyspark renders timestamps in the Python process's zone: UTC, like the session.
    os.environ["TZ"] = "UTC"
    time.tzset()
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in session_settings(environ).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        yield spark
    finally:
        spark.stop()


def load_raw(warehouse: Path | str, environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """Replace Spark's ``raw`` tables by the DuckDB warehouse's; rows copied per table."""
    source = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = raw_tables(source)
    finally:
        source.close()
    exported = export_parquet(warehouse, spark_dir(environ) / "raw_parquet")
    with session(environ) as spark:
        spark.sql(f"create database if not exists {RAW_SCHEMA}")
        for table, (path, _rows) in exported.items():
            for statement in load_statements(table, columns[table], path):
                spark.sql(statement)
        return {
            table: int(spark.sql(f"select count(*) from {RAW_SCHEMA}.{_quote(table)}").first()[0])
            for table in exported
        }


def dump_relations(
    schemas: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    """Every table and view of ``schemas`` (Spark databases): columns and rows, by
    ``schema.name``. Timestamps come back as naive UTC datetimes."""
    relations: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {}
    with session(environ) as spark:
        existing = {row[0] for row in spark.sql("show databases").collect()}
        for schema in schemas:
            if schema not in existing:
                continue
            for row in spark.sql(f"show tables in {_quote(schema)}").collect():
                if row["isTemporary"]:
                    continue
                frame = spark.sql(f"select * from {_quote(schema)}.{_quote(row['tableName'])}")
                relations[f"{schema}.{row['tableName']}"] = (
                    tuple(frame.columns),
                    [tuple(values) for values in frame.collect()],
                )
    return relations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.engines.spark", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="pyspark is installed and finds Java 17+")
    commands.add_parser("install", help="check, installing Java 17 with apt-get when missing")
    load = commands.add_parser("load", help="copy DuckDB's raw tables into Spark's raw database")
    load.add_argument("--warehouse", type=Path, default=None, help="DuckDB file to copy from")
    dump = commands.add_parser("dump", help="pickle every relation of some Spark databases")
    dump.add_argument("--out", type=Path, required=True, help="pickle file to write")
    dump.add_argument("schemas", nargs="+", help="Spark databases to dump")
    args = parser.parse_args(argv)
    if args.command == "check":
        print(check())
    elif args.command == "install":
        print(install())
    elif args.command == "load":
        warehouse = args.warehouse or settings.warehouse_path()
        copied = load_raw(warehouse)
        print(
            f"Copied {sum(copied.values())} raw rows in {len(copied)} tables from {warehouse} "
            f"to Spark at {spark_dir()}"
        )
    else:
        args.out.write_bytes(pickle.dumps(dump_relations(tuple(args.schemas))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
