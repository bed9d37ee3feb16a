"""The Spark loader's own logic, without Spark: types, statements, settings, parquet export.

The copy through Spark itself is checked by test_spark.py (`make test-engines`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import jinja2
import pytest

from orchestration.engines.spark import (
    FORCED_SETTINGS,
    export_parquet,
    java_major,
    load_statements,
    session_settings,
    spark_dir,
    spark_type,
)
from orchestration_tests.conftest import PROJECT_ROOT


@pytest.mark.parametrize(
    ("duckdb_type", "expected"),
    [
        ("VARCHAR", "string"),
        ("JSON", "string"),
        ("INTEGER", "int"),
        ("BIGINT", "bigint"),
        ("TIMESTAMP", "timestamp"),
        ("TIMESTAMP WITH TIME ZONE", "timestamp"),
        ("DECIMAL(18,2)", "decimal(18,2)"),
        ("DECIMAL(18, 2)", "decimal(18,2)"),
        ("BOOLEAN", "boolean"),
        ("DOUBLE", "double"),
        ("DATE", "date"),
        ("UUID", "string"),
    ],
)
def test_spark_type(duckdb_type: str, expected: str) -> None:
    assert spark_type(duckdb_type) == expected


@pytest.mark.parametrize(
    ("text", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "21" 2023-09-19', 21),
        ("no java here", None),
    ],
)
def test_java_major(text: str, major: int | None) -> None:
    assert java_major(text) == major


def test_session_settings_are_the_profile_target_rendered_with_the_environment() -> None:
    settings = session_settings({"KPI_SPARK_DIR": "/tmp/kpi-spark"})
    assert settings["spark.sql.warehouse.dir"] == "/tmp/kpi-spark/warehouse"
    assert settings["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        "jdbc:derby:;databaseName=/tmp/kpi-spark/metastore_db;create=true"
    )
    assert "-Dderby.system.home=/tmp/kpi-spark" in settings["spark.driver.extraJavaOptions"]
    assert settings["spark.sql.session.timeZone"] == "UTC"
    assert settings["spark.master"].startswith("local")
    assert settings["spark.ui.enabled"] == "false"
    # What dbt-spark forces on its sessions, the loader's session has too.
    assert FORCED_SETTINGS.items() <= settings.items()


def test_session_settings_default_under_data() -> None:
    settings = session_settings({})
    assert settings["spark.sql.warehouse.dir"] == "data/spark/warehouse"
    assert spark_dir({}) == Path("data/spark")


def test_load_statements_recreate_the_table_with_spark_types(tmp_path: Path) -> None:
    parquet = tmp_path / "pagerduty__incidents.parquet"
    statements = load_statements(
        "pagerduty__incidents",
        [("record_json", "VARCHAR"), ("_record_number", "INTEGER"), ("_loaded_at", "TIMESTAMP")],
        parquet,
    )
    assert statements == [
        "drop table if exists raw.`pagerduty__incidents`",
        "create table raw.`pagerduty__incidents` using parquet as select "
        "cast(`record_json` as string) as `record_json`, "
        "cast(`_record_number` as int) as `_record_number`, "
        "cast(`_loaded_at` as timestamp) as `_loaded_at` "
        f"from parquet.`{parquet.resolve()}`",
    ]


def test_export_parquet_keeps_every_raw_row_exactly(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    rows = [
        ('{"id":"P1"}', 1, datetime(2026, 1, 2, 3, 4, 5, 123456)),
        ("", 2, None),
        (None, 3, datetime(1999, 12, 31, 23, 59, 59)),
    ]
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema raw")
        con.execute(
            "create table raw.tool__entity "
            "(record_json varchar, _record_number integer, _loaded_at timestamp)"
        )
        con.executemany("insert into raw.tool__entity values (?, ?, ?)", rows)
        con.execute("create table raw.empty_table (id varchar)")
    finally:
        con.close()

    exported = export_parquet(warehouse, tmp_path / "parquet")

    assert sorted(exported) == ["empty_table", "tool__entity"]
    path, count = exported["tool__entity"]
    assert count == 3
    assert exported["empty_table"][1] == 0
    check = duckdb.connect()
    try:
        check.execute("set TimeZone = 'UTC'")
        relation = check.execute(f"select * from read_parquet('{path}') order by _record_number")
        assert relation.fetchall() == rows
        assert [column[0] for column in relation.description] == [
            "record_json",
            "_record_number",
            "_loaded_at",
        ]
    finally:
        check.close()


def _spark_seed_literal(value: object) -> str:
    """macros/engines/spark_types.sql's spark_seed_literal, rendered by plain Jinja."""
    source = (PROJECT_ROOT / "macros" / "engines" / "spark_types.sql").read_text()
    environment = jinja2.Environment(extensions=["jinja2.ext.do"])
    return str(environment.from_string(source).module.spark_seed_literal(value))


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        # An empty seed cell is NULL on Spark as on DuckDB (dbt-spark's binding: 'None').
        (None, "null"),
        ("Pacific/Midway", "'Pacific/Midway'"),
        # Spark string literals escape with a backslash (`''` would be two literals).
        ("Nuku'alofa", "'Nuku\\'alofa'"),
        ("C:\\tmp", "'C:\\\\tmp'"),
        (Decimal("99.9"), "'99.9'"),
        (True, "'True'"),
    ],
)
def test_spark_seed_values_are_escaped_literals(value: object, literal: str) -> None:
    assert _spark_seed_literal(value) == literal


def _fake_machine(monkeypatch: pytest.MonkeyPatch, java_after_install: str | None) -> list:
    """pyspark importable, no java on PATH until apt-get installs `java_after_install`."""
    import shutil
    import subprocess
    import sys
    import types

    from orchestration.engines import spark

    calls: list[list[str]] = []
    installed: dict[str, bool] = {"java": False}
    monkeypatch.setitem(sys.modules, "pyspark", types.SimpleNamespace(__version__="4.3.0"))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark.os, "geteuid", lambda: 0)

    def which(name: str) -> str | None:
        if name == "apt-get":
            return "/usr/bin/apt-get"
        return "/usr/bin/java" if name == "java" and installed["java"] else None

    def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess:
        calls.append(command)
        if command[:1] == ["apt-get"] and "install" in command:
            installed["java"] = java_after_install is not None
        return subprocess.CompletedProcess(command, 0, "", java_after_install or "")

    monkeypatch.setattr(shutil, "which", which)
    monkeypatch.setattr(spark.subprocess, "run", run)
    monkeypatch.setattr(spark.Path, "exists", lambda self: installed["java"])
    return calls


def test_install_brings_java_17_with_apt_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.engines import spark

    calls = _fake_machine(monkeypatch, 'openjdk version "17.0.15" 2025-04-15')
    assert spark.install() == 'pyspark 4.3.0, openjdk version "17.0.15" 2025-04-15'
    assert calls == [
        ["apt-get", "-q", "update"],
        [
            "apt-get",
            "-q",
            "-y",
            "-o",
            "Dpkg::Options::=--force-confold",
            "install",
            "--no-install-recommends",
            "openjdk-17-jre-headless",
        ],
        ["/usr/bin/java", "-version"],
    ]


def test_install_without_root_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.engines import spark

    calls = _fake_machine(monkeypatch, None)
    monkeypatch.setattr(spark.os, "geteuid", lambda: 1000)
    with pytest.raises(spark.SparkUnavailable, match=r"needs Java 17.*needs root and apt-get"):
        spark.install()
    assert calls == []
