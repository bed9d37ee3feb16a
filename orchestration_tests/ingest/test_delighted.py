"""Delighted survey responses (source-exports.md §7) through the loader: the top-level array
page, JSON Lines, re-exported responses, `person_properties` null or carrying the customer
keys, and records failing their checks. Epoch seconds to UTC, the customer keys and the
latest version are asserted by the dbt unit tests of ``models/staging/delighted``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import count, json_lines, rejections, rows, write

RESPONSES = "delighted/survey_responses"

# source-exports.md §7, the example response, byte for byte.
NPS_JSON = """{"id":"210554370","person":"980285130","survey_type":"nps","score":9,"comment":"Test Comment1","permalink":"https://app.delighted.com/r/LnPusbUATrBj4MMlwfZY2HkBUJ5qqNWu",
 "created_at":1641289688,"updated_at":1641289688,"person_properties":null,"notes":[],"tags":[],"additional_answers":[]}"""
NPS: dict[str, Any] = json.loads(NPS_JSON)
# The same response after the person changed their score to 10, an hour later
# (updated_at 1641289688 + 3600 = 1641293288 = 2022-01-04 10:48:08 UTC).
NPS_EDITED: dict[str, Any] = {**NPS, "score": 10, "updated_at": 1641293288}
# A CSAT answer without a comment, sent with the customer keys beside Delighted's own
# properties (created 1767225600 = 2026-01-01 00:00:00 UTC).
CSAT: dict[str, Any] = {
    "id": "210554371",
    "person": "980285131",
    "survey_type": "csat",
    "score": 4,
    "comment": "",
    "permalink": "https://app.delighted.com/r/AbCdEfGh",
    "created_at": 1767225600,
    "updated_at": 1767225600,
    "person_properties": {
        "Delighted Source": "Email",
        "Delighted Device Type": "Desktop",
        "customer_id": "cust-001",
        "zendesk_organization_id": "360001234567",
    },
    "notes": [],
    "tags": ["support"],
    "additional_answers": [],
}
# A CES answer (1-7 scale) whose sender put the customer id as a number.
CES: dict[str, Any] = {
    **CSAT,
    "id": "210554372",
    "person": "980285132",
    "survey_type": "ces",
    "score": 6,
    "comment": "Easy enough",
    "created_at": 1767312000,
    "updated_at": 1767312000,
    "person_properties": {"Delighted Source": "Web", "customer_id": 42},
}


def test_top_level_array_page_keeps_each_response_as_exported(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    rel = f"{RESPONSES}/2026-01-02.json"
    write(landing, rel, json.dumps([NPS, CSAT, CES]))

    summary = ingest(con, landing)

    assert summary.files == [FileResult(rel, "delighted__survey_responses", "loaded", 3, 0, "")]
    records = rows(
        con,
        "select _record_number, record_json, _file_context,"
        " json_extract_string(record_json, '$.created_at'),"
        " json_extract_string(record_json, '$.person_properties.customer_id')"
        " from raw.delighted__survey_responses order by _record_number",
    )
    # Epoch seconds and the customer keys as exported (staging converts them); a top-level
    # array has no envelope, and Delighted file names carry nothing.
    assert [row[:1] + row[2:] for row in records] == [
        (1, None, "1641289688", None),
        (2, None, "1767225600", "cust-001"),
        (3, None, "1767312000", "42"),
    ]
    assert [json.loads(row[1]) for row in records] == [NPS, CSAT, CES]


def test_re_exported_response_keeps_both_versions(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    first = f"{RESPONSES}/2022-01-04T1000.json"
    second = f"{RESPONSES}/2022-01-04T1100.jsonl"
    write(landing, first, json.dumps([NPS]))
    write(landing, second, json_lines(NPS_EDITED))

    ingest(con, landing)

    # Staging keeps the later updated_at (score 10) whichever file loads first.
    assert rows(
        con,
        "select _file_path, json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.score'),"
        " json_extract_string(record_json, '$.updated_at')"
        " from raw.delighted__survey_responses order by 1",
    ) == [
        (first, "210554370", "9", "1641289688"),
        (second, "210554370", "10", "1641293288"),
    ]


def test_responses_failing_their_checks_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    no_type = {key: value for key, value in CSAT.items() if key != "survey_type"}
    iso_created = {**CSAT, "id": "b2", "created_at": "2026-01-01T00:00:00Z"}
    worded = {**CSAT, "id": "b3", "score": "four"}
    no_id = {**CSAT, "id": None}
    # A CSV-style date time instead of epoch seconds.
    text_time = {**CSAT, "id": "b5", "updated_at": "2026-01-01 00:00:00"}
    rel = f"{RESPONSES}/page.json"
    write(landing, rel, json.dumps([CES, no_type, iso_created, worded, no_id, text_time]))

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(rel, "delighted__survey_responses", "partial", 1, 5, "5 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (2, "missing required field survey_type"),
        (3, "unparsable epoch_s created_at: 2026-01-01T00:00:00Z"),
        (4, "unparsable number score: four"),
        (5, "missing required field id"),
        (6, "unparsable epoch_s updated_at: 2026-01-01 00:00:00"),
    ]
    assert count(con, "raw.delighted__survey_responses") == 1
