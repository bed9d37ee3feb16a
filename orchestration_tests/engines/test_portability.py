"""Fast portability checks that run in `make test` (no server): names PostgreSQL accepts,
no engine-specific SQL outside the dispatched macros, and the comparison and copy helpers
that `make test-engines` relies on."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import yaml

from orchestration.engines.load_raw import copy_text, postgres_type
from orchestration_tests.conftest import PROJECT_ROOT
from orchestration_tests.engines.parity import Relation, differences

# PostgreSQL's NAMEDATALEN - 1: dbt-postgres refuses longer relation names, and a unit
# test builds a relation named after the test.
MAX_IDENTIFIER = 63
# DuckDB-only functions and syntax that must stay inside `duckdb__` macros.
DUCKDB_ONLY = re.compile(
    r"::|\b(json_extract\w*|strftime|strptime|epoch_ms|regexp_\w+|string_split\w*"
    r"|list_(?:filter|transform|extract|value|aggregate|sort|distinct|contains|reduce)"
    r"|quantile\w*|make_timestamp\w*|unnest|date_diff|try_cast)\s*\(",
    re.IGNORECASE,
)
# What breaks only on Spark (dbt-spark, parquet tables): a bare `varchar` (Spark needs a
# length; cast to dbt.type_string()), `ilike`, aggregate `filter (where ...)`, an
# incremental config not chosen per engine (use `config(**incremental_by_key('key'))`),
# and json_array_positions beside json_array_elements (use json_array_numbered_elements).
SPARK_TRAPS = re.compile(
    r"\bvarchar\b(?!\s*\()|\bilike\b|\bfilter\s*\(\s*where\b"
    r"|materialized\s*=\s*['\"]incremental['\"]|\bjson_array_positions\s*\(",
    re.IGNORECASE,
)


def _yaml_entries(key: str) -> list[tuple[str, str]]:
    entries = []
    for path in sorted((PROJECT_ROOT / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for entry in document.get(key) or []:
            entries.append((path.relative_to(PROJECT_ROOT).as_posix(), entry["name"]))
    return entries


def test_relation_and_unit_test_names_fit_postgres_identifiers() -> None:
    names = [(path, name) for path, name in _yaml_entries("unit_tests")]
    names += [
        (path.relative_to(PROJECT_ROOT).as_posix(), path.stem)
        for folder in ("models", "seeds")
        for path in sorted((PROJECT_ROOT / folder).rglob("*"))
        if path.suffix in (".sql", ".csv")
    ]
    assert names
    assert [(path, name) for path, name in names if len(name) > MAX_IDENTIFIER] == []


def test_models_and_tests_use_no_duckdb_only_sql() -> None:
    found = []
    for folder in ("models", "tests"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.sql")):
            text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.DOTALL)
            for number, line in enumerate(text.splitlines(), start=1):
                code = line.split("--", 1)[0]
                if DUCKDB_ONLY.search(code):
                    found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert found == [], "put engine-specific SQL in a dispatched macro (macros/engines/)"


def test_models_tests_and_fixtures_avoid_spark_traps() -> None:
    found = []
    sources = [
        path
        for folder in ("models", "tests")
        for path in sorted((PROJECT_ROOT / folder).rglob("*"))
        if path.suffix == ".sql"
    ]
    for path in sources:
        text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.DOTALL)
        for number, line in enumerate(text.splitlines(), start=1):
            code = line.split("--", 1)[0]
            if SPARK_TRAPS.search(code):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    # Unit-test fixtures given as SQL run on every engine too.
    for path in sorted((PROJECT_ROOT / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for test in document.get("unit_tests") or []:
            for given in test.get("given") or []:
                rows = given.get("rows")
                if isinstance(rows, str) and re.search(r"\bvarchar\b", rows, re.IGNORECASE):
                    found.append(f"{path.relative_to(PROJECT_ROOT)}: {test['name']}: varchar")
    assert found == [], "see SPARK_TRAPS: these break on Spark"


def test_copy_text_keeps_nulls_empty_strings_and_escapes() -> None:
    rows = [
        (None, "", 'tab\there "q"', "line\nbreak\\", True, 7),
        (datetime(2026, 1, 31, 23, 50, 0, 123456), Decimal("10.00"), 1.5, False, "x\x00y", 0),
    ]
    assert copy_text(rows) == (
        '\\N\t\ttab\\there "q"\tline\\nbreak\\\\\tt\t7\n'
        "2026-01-31 23:50:00.123456\t10.00\t1.5\tf\txy\t0\n"
    )


def test_postgres_types_of_duckdb_columns() -> None:
    assert [
        postgres_type(name)
        for name in ("VARCHAR", "INTEGER", "BIGINT", "TIMESTAMP", "DECIMAL(18,2)", "BOOLEAN", "MAP")
    ] == ["text", "integer", "bigint", "timestamp", "numeric(18,2)", "boolean", "text"]


def test_differences_compare_values_not_representations() -> None:
    duckdb_rows = Relation(
        ("id", "minutes", "at", "flag"),
        [(2, Decimal("4125"), datetime(2026, 1, 10, 10, 0), True), (1, None, None, False)],
    )
    # Another order, an int for a decimal, an aware timestamp for the same UTC instant.
    plus_two = timezone(timedelta(hours=2))
    other_rows = Relation(
        ("id", "minutes", "at", "flag"),
        [(1, None, None, False), (2, 4125, datetime(2026, 1, 10, 12, 0, tzinfo=plus_two), True)],
    )
    assert differences("t", duckdb_rows, other_rows) == []
    changed = Relation(duckdb_rows.columns, [(1, None, None, True), duckdb_rows.rows[0]])
    assert differences("t", duckdb_rows, changed) == [
        "t row 1: (1, None, None, True) != (1, None, None, False)"
    ]
    assert differences("t", duckdb_rows, Relation(("id",), [])) == [
        "t: columns ('id',) != ('id', 'minutes', 'at', 'flag')"
    ]


def test_marts_keep_their_decimal_scale() -> None:
    two_places = Relation(("mttr_minutes",), [(Decimal("10.00"),)])
    one_place = Relation(("mttr_minutes",), [(Decimal("10.0"),)])
    assert differences("m", two_places, one_place) == []
    assert differences("m", two_places, one_place, strict_scale=True) == [
        "m row 1 decimal scale: (Decimal('10.0'),) != (Decimal('10.00'),)"
    ]
