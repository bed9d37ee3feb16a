"""PagerDuty REST v2 exports (source-exports.md §1) through the loader: pages, JSON Lines,
truncated files, records that fail their checks, bytes that are not UTF-8."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import (
    ENVELOPE,
    INCIDENT,
    INCIDENT_2,
    LOG_ENTRY,
    count,
    json_lines,
    ledger,
    page,
    rejections,
    rows,
    sha256,
    write,
)

INCIDENTS = "pagerduty/incidents"
LOG_ENTRIES = "pagerduty/log_entries"


def test_rest_page_keeps_record_envelope_path_number_and_hash(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = page("incidents", INCIDENT)
    write(landing, f"{INCIDENTS}/2015-10-06.json", content)

    summary = ingest(con, landing)

    rel = f"{INCIDENTS}/2015-10-06.json"
    assert summary.files == [FileResult(rel, "pagerduty__incidents", "loaded", 1, 0, "")]
    assert summary.unknown_files == []
    [row] = rows(
        con,
        "select json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.priority.summary'),"
        " json_extract_string(record_json, '$.teams[0].summary'),"
        " json_extract_string(record_json, '$.created_at'),"
        " record_json, _file_context, _file_path, _record_number, _file_sha256,"
        " _loaded_at is not null"
        " from raw.pagerduty__incidents",
    )
    record_id, priority, team, created_at, record_json, context, path, number, sha, stamped = row
    assert (record_id, priority, team, created_at) == (
        "PT4KHLK",
        "P2",
        "Engineering",
        "2015-10-06T21:30:42Z",
    )
    # Every field of the example survives, not only the checked ones.
    assert json.loads(record_json) == INCIDENT
    # The envelope without its records.
    assert json.loads(context) == {"limit": 25, "offset": 0, "more": False, "total": None}
    assert (path, number, sha, stamped) == (rel, 1, sha256(content), True)
    assert ledger(con) == [
        (
            rel,
            sha256(content),
            INCIDENTS,
            "pagerduty__incidents",
            len(content),
            1,
            0,
            "loaded",
            None,
        )
    ]
    assert count(con, "raw.ingest_rejections") == 0


def test_log_entries_page_lands_in_its_own_table(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # Two entries: the example, and an acknowledge entry 5 minutes later.
    acknowledge = {
        **LOG_ENTRY,
        "id": "R3ACKNOWLEDGE",
        "type": "acknowledge_log_entry",
        "created_at": "2015-11-07T00:19:20Z",
    }
    content = page("log_entries", LOG_ENTRY, acknowledge, limit=100, offset=200, more=True)
    write(landing, f"{LOG_ENTRIES}/page-3.json", content)

    ingest(con, landing)

    context = '{"limit":100,"offset":200,"more":true}'  # the envelope as given, minus records
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.type'),"
        " json_extract_string(record_json, '$.incident.id'), _file_context"
        " from raw.pagerduty__log_entries order by _record_number",
    ) == [
        (1, "Q02JTSNZWHSEKV", "trigger_log_entry", "PT4KHLK", context),
        (2, "R3ACKNOWLEDGE", "acknowledge_log_entry", "PT4KHLK", context),
    ]
    assert count(con, "raw.pagerduty__incidents") == 0


def test_json_lines_with_crlf_and_blank_line_load_the_same_records(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(landing, f"{INCIDENTS}/page.json", page("incidents", INCIDENT, INCIDENT_2))
    # Line 1: the example, line 2: blank, line 3: the second incident; CRLF throughout.
    lines = json.dumps(INCIDENT) + "\r\n\r\n" + json.dumps(INCIDENT_2) + "\r\n"
    write(landing, f"{INCIDENTS}/export.jsonl", lines)

    summary = ingest(con, landing)

    assert sorted((r.path, r.status, r.records, r.rejected) for r in summary.files) == [
        (f"{INCIDENTS}/export.jsonl", "loaded", 2, 0),
        (f"{INCIDENTS}/page.json", "loaded", 2, 0),
    ]
    loaded = rows(
        con,
        "select _file_path, _record_number, record_json, _file_context"
        " from raw.pagerduty__incidents order by _file_path, _record_number",
    )
    assert [(path, number, context) for path, number, _, context in loaded] == [
        (f"{INCIDENTS}/export.jsonl", 1, None),
        (f"{INCIDENTS}/export.jsonl", 3, None),
        (f"{INCIDENTS}/page.json", 1, json.dumps(ENVELOPE, separators=(",", ":"))),
        (f"{INCIDENTS}/page.json", 2, json.dumps(ENVELOPE, separators=(",", ":"))),
    ]
    from_lines = [json.loads(record) for path, _, record, _ in loaded if path.endswith("l")]
    from_page = [json.loads(record) for path, _, record, _ in loaded if path.endswith("n")]
    assert from_lines == from_page == [INCIDENT, INCIDENT_2]
    # A JSON Lines record is its line exactly as it came, without the CR.
    assert loaded[0][2] == json.dumps(INCIDENT)


def test_json_file_holding_json_lines_is_accepted(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = json_lines(INCIDENT, INCIDENT_2)
    write(landing, f"{INCIDENTS}/export.json", content)

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(f"{INCIDENTS}/export.json", "pagerduty__incidents", "loaded", 2, 0, "")
    ]
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id'), _file_context"
        " from raw.pagerduty__incidents order by _record_number",
    ) == [(1, "PT4KHLK", None), (2, "PQ1R2ST", None)]


def test_truncated_page_rejects_the_file_and_other_files_still_load(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    full = page("incidents", INCIDENT, INCIDENT_2)
    truncated = full[: full.index(b'"priority"')]  # cut inside the first record
    write(landing, f"{INCIDENTS}/a-truncated.json", truncated)
    write(landing, f"{INCIDENTS}/b-good.json", page("incidents", INCIDENT_2))
    write(landing, f"{LOG_ENTRIES}/good.json", page("log_entries", LOG_ENTRY))

    summary = ingest(con, landing)

    statuses = {r.path: (r.status, r.records, r.rejected) for r in summary.files}
    assert statuses == {
        f"{INCIDENTS}/a-truncated.json": ("rejected", 0, 1),
        f"{INCIDENTS}/b-good.json": ("loaded", 1, 0),
        f"{LOG_ENTRIES}/good.json": ("loaded", 1, 0),
    }
    [(number, reason, raw_text)] = rejections(con, f"{INCIDENTS}/a-truncated.json")
    assert number is None
    assert reason.startswith("invalid JSON (truncated or malformed): ")
    assert raw_text == truncated.decode()
    [entry] = [e for e in ledger(con) if e[0] == f"{INCIDENTS}/a-truncated.json"]
    assert entry[4:8] == (len(truncated), 0, 1, "rejected")
    assert entry[8] == reason
    assert rows(
        con,
        "select _file_path, json_extract_string(record_json, '$.id') from raw.pagerduty__incidents",
    ) == [(f"{INCIDENTS}/b-good.json", "PQ1R2ST")]
    assert count(con, "raw.pagerduty__log_entries") == 1


def test_truncated_json_lines_load_the_complete_lines(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    third = json.dumps({**INCIDENT, "id": "PCUT333"})
    cut = third[:60]  # the export stopped mid-way through line 3
    write(landing, f"{INCIDENTS}/export.jsonl", json_lines(INCIDENT, INCIDENT_2) + cut.encode())

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(
            f"{INCIDENTS}/export.jsonl",
            "pagerduty__incidents",
            "partial",
            2,
            1,
            "1 record(s) rejected",
        )
    ]
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id')"
        " from raw.pagerduty__incidents order by 1",
    ) == [(1, "PT4KHLK"), (2, "PQ1R2ST")]
    assert rejections(con, f"{INCIDENTS}/export.jsonl") == [
        (3, "invalid JSON (truncated or malformed line)", cut)
    ]


def test_records_failing_their_checks_are_rejected_and_the_rest_of_the_page_loads(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    yesterday = {**INCIDENT, "id": "PYESTER", "created_at": "yesterday"}
    no_id = {key: value for key, value in INCIDENT.items() if key != "id"}
    both = {**INCIDENT, "id": " ", "resolved_at": "not yet"}  # blank id counts as missing
    records = [INCIDENT, yesterday, no_id, 42, both, INCIDENT_2]
    write(landing, f"{INCIDENTS}/page.json", page("incidents", *records))

    summary = ingest(con, landing)

    # 6 records: #1 and #6 load, #2 #3 #4 #5 are rejected -> 2 loaded, 4 rejected.
    assert summary.files == [
        FileResult(
            f"{INCIDENTS}/page.json",
            "pagerduty__incidents",
            "partial",
            2,
            4,
            "4 record(s) rejected",
        )
    ]
    found = rejections(con, f"{INCIDENTS}/page.json")
    assert [(number, reason) for number, reason, _ in found] == [
        (2, "unparsable timestamp created_at: yesterday"),
        (3, "missing required field id"),
        (4, "not a JSON object"),
        (5, "missing required field id; unparsable timestamp resolved_at: not yet"),
    ]
    assert [json.loads(raw_text) for _, _, raw_text in found] == [yesterday, no_id, 42, both]
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id')"
        " from raw.pagerduty__incidents order by 1",
    ) == [(1, "PT4KHLK"), (6, "PQ1R2ST")]
    [entry] = ledger(con)
    assert entry[5:] == (2, 4, "partial", "4 record(s) rejected")


def test_log_entry_without_its_incident_is_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    orphan = {**LOG_ENTRY, "id": "R0RPHAN", "incident": None}
    write(landing, f"{LOG_ENTRIES}/entries.jsonl", json_lines(LOG_ENTRY, orphan))

    ingest(con, landing)

    assert [(n, reason) for n, reason, _ in rejections(con, f"{LOG_ENTRIES}/entries.jsonl")] == [
        (2, "missing required field incident.id")
    ]
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id')"
        " from raw.pagerduty__log_entries",
    ) == [(1, "Q02JTSNZWHSEKV")]


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson"])
def test_a_byte_that_is_not_utf8_rejects_only_its_line(
    landing: Path, con: duckdb.DuckDBPyConnection, suffix: str
) -> None:
    # "Café down" with the é as one 0xff byte where UTF-8 has the two bytes c3 a9.
    good_line = json.dumps({**INCIDENT_2, "title": "Caf\u00e9 down"}, ensure_ascii=False)
    bad_line = good_line.encode().replace(b"\xc3\xa9", b"\xff")
    assert bad_line.count(b"\xff") == 1
    content = b"\n".join([json.dumps(INCIDENT).encode(), bad_line, json.dumps(LOG_ENTRY).encode()])
    rel = f"{INCIDENTS}/export{suffix}"
    write(landing, rel, content)

    summary = ingest(con, landing)

    assert [(r.status, r.records, r.rejected) for r in summary.files] == [("partial", 2, 1)]
    offset = bad_line.index(b"\xff")
    assert rejections(con, rel) == [
        (
            2,
            f"undecodable byte 0xff at offset {offset} (not UTF-8)",
            bad_line.decode("utf-8", errors="backslashreplace"),
        )
    ]
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id')"
        " from raw.pagerduty__incidents order by 1",
    ) == [(1, "PT4KHLK"), (3, "Q02JTSNZWHSEKV")]


@pytest.mark.parametrize(
    "envelope",
    [
        {"data": [INCIDENT]},  # another tool's key
        {"log_entries": [LOG_ENTRY]},  # a log entries page dropped in the wrong folder
        {"incidents": INCIDENT},  # the key is there but holds one object, not an array
    ],
    ids=["data", "log_entries", "not-an-array"],
)
def test_page_without_the_incidents_array_is_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection, envelope: dict[str, object]
) -> None:
    content = json.dumps(envelope).encode()
    write(landing, f"{INCIDENTS}/page.json", content)

    summary = ingest(con, landing)

    reason = "the page has no 'incidents' array (records are under 'incidents')"
    assert summary.files == [
        FileResult(f"{INCIDENTS}/page.json", "pagerduty__incidents", "rejected", 0, 1, reason)
    ]
    assert rejections(con, f"{INCIDENTS}/page.json") == [(None, reason, content.decode())]
    assert count(con, "raw.pagerduty__incidents") == 0


def test_a_file_name_with_glob_characters_loads_its_own_content(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # Two different exports whose names differ by brackets only. The loader must read
    # exactly the file it hashed, not whatever its name matches as a glob pattern.
    write(landing, f"{INCIDENTS}/incidents[1].json", page("incidents", INCIDENT))
    write(landing, f"{INCIDENTS}/incidents1.json", page("incidents", INCIDENT_2))

    ingest(con, landing)

    assert rows(
        con,
        "select _file_path, json_extract_string(record_json, '$.id')"
        " from raw.pagerduty__incidents order by 1",
    ) == [
        (f"{INCIDENTS}/incidents1.json", "PQ1R2ST"),
        (f"{INCIDENTS}/incidents[1].json", "PT4KHLK"),
    ]
