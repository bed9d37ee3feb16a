"""Great Expectations on ``marts.fct_incidents``: hand-built DuckDB files, one GX project.

Each GX checkpoint run costs about a second (plus ~5 s to import GX once), so the runs are
module-scoped fixtures shared by the assertions: clean, broken, empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from expectations import validate
from expectations.suites import SUITES, SuiteSpec, fct_incidents

REPO = Path(__file__).resolve().parents[2]

COLUMNS = (
    ("incident_id", "varchar"),
    ("source", "varchar"),
    ("source_incident_id", "varchar"),
    ("incident_number", "integer"),
    ("title", "varchar"),
    ("service_id", "varchar"),
    ("source_service_id", "varchar"),
    ("severity", "varchar"),
    ("is_major", "boolean"),
    ("urgency", "varchar"),
    ("priority", "varchar"),
    ("status", "varchar"),
    ("fingerprint", "varchar"),
    ("triggered_at", "timestamp"),
    ("acknowledged_at", "timestamp"),
    ("resolved_at", "timestamp"),
    ("seconds_to_ack", "bigint"),
    ("seconds_to_resolve", "bigint"),
    ("is_recurrence", "boolean"),
    ("is_production", "boolean"),
    ("month_start", "date"),
)
DDL = "create schema marts; create table marts.fct_incidents ({})".format(
    ", ".join(f"{name} {type_}" for name, type_ in COLUMNS)
)

T0 = dt.datetime(2024, 3, 1, 9, 0, 0)  # every fixture incident triggers at 09:00


def _row(
    source_incident_id: str,
    severity: str,
    acknowledged_at: dt.datetime | None,
    resolved_at: dt.datetime | None,
    source: str = "pagerduty",
    **overrides: object,
) -> tuple:
    """One fct_incidents row triggered at T0, durations derived as the mart does."""

    def seconds(at: dt.datetime | None) -> int | None:
        return None if at is None else int((at - T0).total_seconds())

    row = {
        "incident_id": f"{source}:{source_incident_id}",
        "source": source,
        "source_incident_id": source_incident_id,
        "incident_number": 1,
        "title": f"checkout {source_incident_id} down",
        "service_id": "checkout",
        "source_service_id": "PSVC1",
        "severity": severity,
        "is_major": severity in ("SEV1", "SEV2"),
        "urgency": "high",
        "priority": None,
        "status": "resolved" if resolved_at else "triggered",
        "fingerprint": f"fp-{source_incident_id}",
        "triggered_at": T0,
        "acknowledged_at": acknowledged_at,
        "resolved_at": resolved_at,
        "seconds_to_ack": seconds(acknowledged_at),
        "seconds_to_resolve": seconds(resolved_at),
        "is_recurrence": False,
        "is_production": True,
        "month_start": dt.date(2024, 3, 1),
    }
    row.update(overrides)
    return tuple(row[name] for name, _ in COLUMNS)


# Clean: acked after 5 min and resolved after 1 h; open and never acked (NULLs); resolved
# without an ack. Every expectation holds.
CLEAN = [
    _row("PA1", "SEV1", T0 + dt.timedelta(minutes=5), T0 + dt.timedelta(hours=1)),
    _row("PA2", "SEV3", None, None, source="opsgenie"),
    _row("PA3", "SEV4", None, T0 + dt.timedelta(minutes=30), source="servicenow"),
]
# Broken: PA2 acked at 08:00, an hour before it triggered (seconds_to_ack left NULL so only
# the pair check sees it); PA3 has severity SEV9. Exactly two expectations fail, one row each.
BROKEN = [
    CLEAN[0],
    _row("PA2", "SEV3", T0 - dt.timedelta(hours=1), None, source="opsgenie", seconds_to_ack=None),
    _row("PA3", "SEV9", None, T0 + dt.timedelta(minutes=30), source="servicenow"),
]


def _warehouse(path: Path, rows: list[tuple] | None) -> Path:
    """A DuckDB file with marts.fct_incidents holding ``rows``; no table when rows is None."""
    with duckdb.connect(str(path)) as connection:
        if rows is not None:
            connection.execute(DDL)
            if rows:
                placeholders = ", ".join(["?"] * len(rows[0]))
                connection.executemany(
                    f"insert into marts.fct_incidents values ({placeholders})", rows
                )
    return path


def _project_files(gx_root: Path) -> dict[str, str]:
    """sha256 of every file of a GX project outside uncommitted/ (what git would track)."""
    return {
        str(path.relative_to(gx_root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(gx_root.rglob("*"))
        if path.is_file() and "uncommitted" not in path.relative_to(gx_root).parts
    }


@pytest.fixture(scope="module")
def gx_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gx_project") / "gx"
    validate.build_suites(root)
    return root


@pytest.fixture(scope="module")
def project_before_runs(gx_root: Path) -> dict[str, str]:
    return _project_files(gx_root)


@pytest.fixture(scope="module")
def clean_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _warehouse(tmp_path_factory.mktemp("clean") / "warehouse.duckdb", CLEAN)


@pytest.fixture(scope="module")
def clean_report(
    gx_root: Path, clean_warehouse: Path, project_before_runs: dict[str, str]
) -> validate.ValidationReport:
    return validate.run_validation(clean_warehouse, gx_root=gx_root, suites=["fct_incidents"])


@pytest.fixture(scope="module")
def broken_report(
    gx_root: Path, tmp_path_factory: pytest.TempPathFactory, project_before_runs: dict[str, str]
) -> validate.ValidationReport:
    warehouse = _warehouse(tmp_path_factory.mktemp("broken") / "warehouse.duckdb", BROKEN)
    return validate.run_validation(warehouse, gx_root=gx_root, suites=["fct_incidents"])


def test_clean_fixture_passes_every_expectation(clean_report: validate.ValidationReport) -> None:
    suite = clean_report.suite("fct_incidents")
    expected = len(fct_incidents.build_suite().expectations)  # 13 today
    assert clean_report.success is True
    assert (suite.success, suite.rows, suite.error) == (True, 3, None)
    assert (suite.evaluated, suite.successful, suite.failed) == (expected, expected, ())


def test_broken_fixture_fails_exactly_the_two_broken_expectations(
    broken_report: validate.ValidationReport,
) -> None:
    suite = broken_report.suite("fct_incidents")
    assert broken_report.success is False
    assert suite.success is False
    assert suite.evaluated - suite.successful == 2
    assert [(f.expectation_type, f.columns) for f in suite.failed] == [
        ("expect_column_values_to_be_in_set", ("severity",)),
        ("expect_column_pair_values_a_to_be_greater_than_b", ("acknowledged_at", "triggered_at")),
    ]

    severity = suite.failure("expect_column_values_to_be_in_set", "severity")
    assert severity.unexpected_count == 1  # PA3
    assert severity.unexpected_values == ("SEV9",)
    assert severity.why and "severity_map" in severity.why

    ack = suite.failure("expect_column_pair_values_a_to_be_greater_than_b", "acknowledged_at")
    assert ack.unexpected_count == 1  # PA2: acked 08:00, triggered 09:00
    assert ack.unexpected_values == (("2024-03-01 08:00:00", "2024-03-01 09:00:00"),)
    assert ack.exception is None


def test_compact_table_names_each_failure(broken_report: validate.ValidationReport) -> None:
    text = validate.format_report(broken_report)
    expected = len(fct_incidents.build_suite().expectations)
    assert "fct_incidents" in text and "FAILED" in text and f"{expected - 2}/{expected}" in text
    assert "expect_column_values_to_be_in_set (severity): 1 unexpected, e.g. ['SEV9']" in text
    assert "(acknowledged_at, triggered_at): 1 unexpected" in text


def test_warehouse_is_writable_right_after_validation(
    clean_report: validate.ValidationReport, clean_warehouse: Path
) -> None:
    assert clean_report.warehouse == clean_warehouse
    # A lingering read-only connection would make this fail with "Conflicting lock".
    with duckdb.connect(str(clean_warehouse)) as connection:
        connection.execute("create table marts.lock_probe as select 1 as x")
        assert connection.execute("select count(*) from marts.fct_incidents").fetchone() == (3,)


def test_results_and_data_docs_go_to_uncommitted_only(
    gx_root: Path,
    clean_report: validate.ValidationReport,
    broken_report: validate.ValidationReport,
    project_before_runs: dict[str, str],
) -> None:
    index = gx_root / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert clean_report.data_docs == index and index.is_file()
    results = list((gx_root / "uncommitted" / "validations" / "fct_incidents").rglob("*.json"))
    assert len(results) >= 2  # clean and broken runs (the empty run may add one)
    pages = list((index.parent / "validations" / "fct_incidents").rglob("*.html"))
    assert len(pages) == len(results)
    assert validate.build_data_docs(gx_root) == index  # full rebuild, also under uncommitted/
    assert _project_files(gx_root) == project_before_runs


def test_missing_table_is_reported_not_raised(gx_root: Path, tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "no_marts.duckdb", None)
    report = validate.run_validation(warehouse, gx_root=gx_root)
    suite = report.suite("fct_incidents")
    assert report.success is False
    assert (suite.success, suite.rows, suite.failed) == (False, None, ())
    assert suite.error and "marts.fct_incidents" in suite.error
    assert "ERROR" in validate.format_report(report)
    assert validate.main(["--gx-root", str(gx_root), "run", "--warehouse", str(warehouse)]) == 1


def test_empty_table_fails_on_row_count_only(gx_root: Path, tmp_path: Path) -> None:
    report = validate.run_validation(
        _warehouse(tmp_path / "empty.duckdb", []), gx_root=gx_root, suites=["fct_incidents"]
    )
    suite = report.suite("fct_incidents")
    assert (suite.success, suite.rows, suite.error) == (False, 0, None)
    (failure,) = suite.failed
    assert (failure.expectation_type, failure.observed_value) == (
        "expect_table_row_count_to_be_between",
        0,
    )


def test_missing_warehouse_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.duckdb"):
        validate.run_validation(tmp_path / "nope.duckdb", gx_root=tmp_path / "gx")


def test_unknown_suite_raises(clean_warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown suite"):
        validate.run_validation(clean_warehouse, gx_root=tmp_path / "gx", suites=["nope"])


def test_suite_edited_without_build_suites_is_refused(
    gx_root: Path, clean_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def edited() -> object:
        import great_expectations.expectations as gxe

        suite = fct_incidents.build_suite()
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="service_id"))
        return suite

    spec = SUITES["fct_incidents"]
    monkeypatch.setitem(
        SUITES, "fct_incidents", SuiteSpec(spec.name, edited, spec.query, spec.relation)
    )
    with pytest.raises(validate.SuiteOutOfDateError, match="build-suites"):
        validate.run_validation(clean_warehouse, gx_root=gx_root)


def test_build_suites_twice_gives_identical_files(tmp_path: Path) -> None:
    root = tmp_path / "gx"
    validate.build_suites(root)
    first = _project_files(root)
    validate.main(["--gx-root", str(root), "build-suites"])
    assert _project_files(root) == first
    assert "expectations/fct_incidents.json" in first


def test_committed_project_matches_the_python_suites(tmp_path: Path) -> None:
    """expectations/gx/ is what build-suites writes today (run it and commit when this fails)."""
    root = tmp_path / "gx"
    validate.build_suites(root)
    assert _project_files(validate.GX_ROOT) == _project_files(root)


def test_importing_validate_does_not_import_great_expectations() -> None:
    code = (
        "import sys, expectations.validate; "
        "sys.exit('great_expectations' in sys.modules or 'pandas' in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
