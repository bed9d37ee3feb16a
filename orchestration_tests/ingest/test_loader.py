"""The loader's contract for every source (landing.md, loader.py): the ledger makes a
re-run add nothing, files are never modified, unknown folders are reported, and a crash
while writing a file leaves none of its rows behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.ingest.loader import LEDGER, FileResult, connect, ingest
from orchestration.ingest.registry import REGISTRY
from orchestration_tests.ingest.payloads import (
    CATALOG_HEADER,
    INCIDENT,
    INCIDENT_2,
    LOG_ENTRY,
    count,
    json_lines,
    ledger,
    page,
    rejections,
    rows,
    tree_bytes,
    write,
)

INCIDENTS = "pagerduty/incidents"
LOG_ENTRIES = "pagerduty/log_entries"
SERVICES = "catalog/services"
TABLES = (
    "raw.pagerduty__incidents",
    "raw.pagerduty__log_entries",
    "raw.catalog__services",
    "raw.ingest_files",
    "raw.ingest_rejections",
)


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {table: count(con, table) for table in TABLES}


def _mixed_landing(landing: Path) -> None:
    """A page, JSON Lines with one bad line, a truncated page and a catalog CSV."""
    write(landing, f"{INCIDENTS}/page-1.json", page("incidents", INCIDENT))
    write(landing, f"{INCIDENTS}/page-2.json", b'{"incidents": [{"id": "PT4')
    write(landing, f"{LOG_ENTRIES}/entries.jsonl", json_lines(LOG_ENTRY) + b"{oops\n")
    write(
        landing,
        f"{SERVICES}/services.csv",
        CATALOG_HEADER + "\nsvc-mail,Mail,critical,Eng,true,PIJ90N7,,,,,,,,\n",
    )


def test_every_registered_spec_has_its_own_folder_and_raw_table() -> None:
    folders = [spec.folder for spec in REGISTRY]
    tables = [spec.raw_table for spec in REGISTRY]
    assert len(set(folders)) == len(folders) == len(REGISTRY)
    assert len(set(tables)) == len(tables) == len(REGISTRY)
    assert not {"ingest_files", "ingest_rejections"} & set(tables)
    # Every folder is `<tool>/<entity>` of landing.md and its table `<tool>__<entity>`.
    for spec in REGISTRY:
        tool, entity = spec.folder.split("/")
        assert spec.raw_table == f"{tool}__{entity}"
    assert {
        "pagerduty/incidents",
        "pagerduty/log_entries",
        "pagerduty/analytics_incidents",
        "catalog/services",
        "opsgenie/alerts",
        "servicenow/incident",
        "statuspage/incidents",
        "sla/exclusions",
    } <= set(folders)


def test_a_second_run_on_the_same_folder_adds_nothing(landing: Path, warehouse: Path) -> None:
    _mixed_landing(landing)
    first_con = connect(warehouse)
    try:
        first = ingest(first_con, landing)
        after_first = _counts(first_con)
        ledger_after_first = ledger(first_con)
    finally:
        first_con.close()

    second_con = connect(warehouse)
    try:
        second = ingest(second_con, landing)
        after_second = _counts(second_con)
        ledger_after_second = ledger(second_con)
    finally:
        second_con.close()

    assert sorted((r.path, r.status, r.records, r.rejected) for r in first.files) == [
        (f"{SERVICES}/services.csv", "loaded", 1, 0),
        (f"{INCIDENTS}/page-1.json", "loaded", 1, 0),
        (f"{INCIDENTS}/page-2.json", "rejected", 0, 1),
        (f"{LOG_ENTRIES}/entries.jsonl", "partial", 1, 1),
    ]
    # 1 incident + 1 log entry + 1 service; 4 ledger rows; 1 file + 1 line rejected.
    assert after_first == {
        "raw.pagerduty__incidents": 1,
        "raw.pagerduty__log_entries": 1,
        "raw.catalog__services": 1,
        "raw.ingest_files": 4,
        "raw.ingest_rejections": 2,
    }
    assert after_second == after_first
    assert ledger_after_second == ledger_after_first
    assert sorted((r.path, r.status, r.records, r.message) for r in second.files) == [
        (f"{SERVICES}/services.csv", "skipped", 0, "already loaded"),
        (f"{INCIDENTS}/page-1.json", "skipped", 0, "already loaded"),
        (f"{INCIDENTS}/page-2.json", "skipped", 0, "already loaded"),
        (f"{LOG_ENTRIES}/entries.jsonl", "skipped", 0, "already loaded"),
    ]
    assert (second.records, second.rejected, second.loaded) == (0, 0, [])


def test_a_copy_under_another_name_is_skipped(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = page("incidents", INCIDENT, INCIDENT_2)
    write(landing, f"{INCIDENTS}/a.json", content)
    write(landing, f"{INCIDENTS}/b-copy.json", content)

    summary = ingest(con, landing)

    assert sorted(summary.files, key=lambda result: result.path) == [
        FileResult(f"{INCIDENTS}/a.json", "pagerduty__incidents", "loaded", 2, 0, ""),
        FileResult(
            f"{INCIDENTS}/b-copy.json",
            "pagerduty__incidents",
            "skipped",
            0,
            0,
            f"same content as {INCIDENTS}/a.json",
        ),
    ]
    assert [entry[0] for entry in ledger(con)] == [f"{INCIDENTS}/a.json"]
    assert rows(con, "select distinct _file_path from raw.pagerduty__incidents") == [
        (f"{INCIDENTS}/a.json",)
    ]
    assert count(con, "raw.pagerduty__incidents") == 2


def test_the_raw_exports_are_never_modified(landing: Path, con: duckdb.DuckDBPyConnection) -> None:
    _mixed_landing(landing)
    write(landing, f"{INCIDENTS}/latin1.jsonl", b'{"id": "P1", "title": "caf\xe9"}\n')
    write(landing, "foo/bar/x.json", b"{}")
    before = tree_bytes(landing)

    ingest(con, landing)
    ingest(con, landing)

    assert tree_bytes(landing) == before


def test_an_empty_landing_folder_yields_every_raw_table_empty(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    summary = ingest(con, landing)

    assert (summary.files, summary.unknown_files) == ([], [])
    tables = rows(
        con,
        "select table_name from information_schema.tables"
        " where table_schema = 'raw' order by table_name",
    )
    expected = sorted([spec.raw_table for spec in REGISTRY] + ["ingest_files", "ingest_rejections"])
    assert [name for (name,) in tables] == expected
    assert _counts(con) == dict.fromkeys(TABLES, 0)


def test_a_landing_folder_that_does_not_exist_yields_empty_tables(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    summary = ingest(con, tmp_path / "nowhere")

    assert (summary.files, summary.unknown_files) == ([], [])
    assert _counts(con) == dict.fromkeys(TABLES, 0)


def test_unknown_folders_are_reported_and_dotfiles_ignored(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(landing, f"{INCIDENTS}/page.json", page("incidents", INCIDENT))
    write(landing, "foo/bar/x.json", page("incidents", INCIDENT_2))  # unregistered folder
    write(landing, "pagerduty/stray.json", page("incidents", INCIDENT_2))  # no entity folder
    write(landing, "README.md", "notes")
    write(landing, f"{INCIDENTS}/.DS_Store", b"\x00\x01")
    write(landing, f"{INCIDENTS}/.partial/page.json", b'{"incidents": [')
    write(landing, ".cache/pagerduty/incidents/page.json", b"[")

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(f"{INCIDENTS}/page.json", "pagerduty__incidents", "loaded", 1, 0, "")
    ]
    assert summary.unknown_files == ["README.md", "foo/bar/x.json", "pagerduty/stray.json"]
    assert summary.errors == []
    assert count(con, "raw.ingest_files") == 1
    assert count(con, "raw.ingest_rejections") == 0


def test_an_unsupported_extension_is_rejected_naming_the_accepted_ones(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(landing, f"{INCIDENTS}/notes.txt", "incident notes")
    write(landing, f"{INCIDENTS}/export", "no extension")
    write(landing, f"{SERVICES}/services.xlsx", b"PK\x03\x04")

    summary = ingest(con, landing)

    by_path = {r.path: (r.status, r.message) for r in summary.files}
    json_types = "pagerduty/incidents takes .json, .jsonl, .ndjson"
    assert by_path == {
        f"{INCIDENTS}/notes.txt": ("rejected", f"unsupported file type .txt; {json_types}"),
        f"{INCIDENTS}/export": ("rejected", f"unsupported file type (none); {json_types}"),
        f"{SERVICES}/services.xlsx": (
            "rejected",
            "unsupported file type .xlsx; catalog/services takes .csv",
        ),
    }
    assert rejections(con, f"{INCIDENTS}/notes.txt") == [
        (None, f"unsupported file type .txt; {json_types}", "incident notes")
    ]
    assert [entry[7] for entry in ledger(con)] == ["rejected", "rejected", "rejected"]


class _LedgerWriteFails:
    """A connection that crashes on the first ledger insert, i.e. after the file's raw rows
    and rejections were written in the same transaction, and notes what was visible then."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.failures = 0
        self.raw_rows_at_failure: int | None = None
        self.rejections_at_failure: int | None = None

    def execute(self, sql: str, *args: Any) -> duckdb.DuckDBPyConnection:
        if sql.lstrip().lower().startswith(f"insert into {LEDGER}") and not self.failures:
            self.failures += 1
            self.raw_rows_at_failure = count(self._con, "raw.pagerduty__incidents")
            self.rejections_at_failure = count(self._con, "raw.ingest_rejections")
            raise OSError("disk full")
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def test_a_crash_while_writing_a_file_leaves_none_of_its_rows(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    bad = {**INCIDENT_2, "created_at": "yesterday"}
    write(landing, f"{INCIDENTS}/page.json", page("incidents", INCIDENT, bad))
    write(landing, f"{LOG_ENTRIES}/page.json", page("log_entries", LOG_ENTRY))
    failing = _LedgerWriteFails(con)

    crashed = ingest(failing, landing)  # type: ignore[arg-type]

    # The crash came after the insert into raw (1 row) and rejections (1 row) ...
    assert (failing.raw_rows_at_failure, failing.rejections_at_failure) == (1, 1)
    assert sorted(crashed.files, key=lambda result: result.path) == [
        FileResult(
            f"{INCIDENTS}/page.json", "pagerduty__incidents", "error", 0, 0, "OSError: disk full"
        ),
        FileResult(f"{LOG_ENTRIES}/page.json", "pagerduty__log_entries", "loaded", 1, 0, ""),
    ]
    # ... and none of it survived; the other source's file loaded.
    assert count(con, "raw.pagerduty__incidents") == 0
    assert rejections(con, f"{INCIDENTS}/page.json") == []
    assert [entry[0] for entry in ledger(con)] == [f"{LOG_ENTRIES}/page.json"]
    assert count(con, "raw.pagerduty__log_entries") == 1

    retried = ingest(con, landing)

    assert sorted((r.path, r.status, r.records, r.rejected) for r in retried.files) == [
        (f"{INCIDENTS}/page.json", "partial", 1, 1),
        (f"{LOG_ENTRIES}/page.json", "skipped", 0, 0),
    ]
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id')"
        " from raw.pagerduty__incidents",
    ) == [(1, "PT4KHLK")]
    assert [(n, reason) for n, reason, _ in rejections(con, f"{INCIDENTS}/page.json")] == [
        (2, "unparsable timestamp created_at: yesterday")
    ]


def test_files_load_in_several_batches_with_the_same_result(
    landing: Path, con: duckdb.DuckDBPyConnection, monkeypatch: Any
) -> None:
    """Batches are an implementation detail: 5 pages in batches of 2 (2 + 2 + 1) give the
    same rows, in file order, as one batch would, and one truncated page in the middle
    batch rejects only itself."""
    from orchestration.ingest import loader

    monkeypatch.setattr(loader, "BATCH_MAX_FILES", 2)
    for number in range(1, 6):
        record = {**INCIDENT, "id": f"P{number}"}
        content = b'{"incidents": [' if number == 3 else page("incidents", record)
        write(landing, f"{INCIDENTS}/page-{number}.json", content)
    summary = ingest(con, landing)
    assert [(result.path, result.status) for result in summary.files] == [
        (f"{INCIDENTS}/page-1.json", "loaded"),
        (f"{INCIDENTS}/page-2.json", "loaded"),
        (f"{INCIDENTS}/page-3.json", "rejected"),
        (f"{INCIDENTS}/page-4.json", "loaded"),
        (f"{INCIDENTS}/page-5.json", "loaded"),
    ]
    assert rows(
        con,
        "select json_extract_string(record_json, '$.id'), _file_path "
        "from raw.pagerduty__incidents order by _file_path",
    ) == [(f"P{n}", f"{INCIDENTS}/page-{n}.json") for n in (1, 2, 4, 5)]


def test_a_page_with_a_byte_order_mark_loads(landing: Path, con: duckdb.DuckDBPyConnection) -> None:
    write(landing, f"{INCIDENTS}/bom.json", b"\xef\xbb\xbf" + page("incidents", INCIDENT))
    ingest(con, landing)
    assert rows(
        con, "select json_extract_string(record_json, '$.id') from raw.pagerduty__incidents"
    ) == [("PT4KHLK",)]


def test_a_file_whose_name_carries_data_is_loaded_even_with_known_content() -> None:
    """Two Zendesk holiday files with the same holidays name different schedules: both
    must load. Without file hints, identical content in one folder loads once."""
    from dataclasses import replace

    from orchestration.ingest.loader import _identity

    plain = REGISTRY[0]
    named = replace(plain, file_hints=lambda path: {"schedule_id": path.stem})
    assert _identity(plain, "a/b/one.json", "abc") == _identity(plain, "a/b/two.json", "abc")
    assert _identity(named, "a/b/one.json", "abc") != _identity(named, "a/b/two.json", "abc")


def test_connect_sets_duckdb_memory_limit_and_threads_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # DuckDB would otherwise take 80% of RAM and every core; 1GB = 10^9 bytes, which
    # DuckDB shows as 953.6 MiB (10^9 / 2^20 = 953.67).
    monkeypatch.setenv("KPI_DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("KPI_DUCKDB_THREADS", "1")
    con = connect(":memory:")
    assert con.execute(
        "select current_setting('memory_limit'), current_setting('threads')"
    ).fetchone() == ("953.6 MiB", 1)
    monkeypatch.delenv("KPI_DUCKDB_MEMORY_LIMIT")
    monkeypatch.delenv("KPI_DUCKDB_THREADS")
    # The defaults: 8GB = 8 × 10^9 / 2^30 = 7.45 GiB, shown as 7.4 GiB; 2 threads.
    con = connect(":memory:")
    assert con.execute(
        "select current_setting('memory_limit'), current_setting('threads')"
    ).fetchone() == ("7.4 GiB", 2)
