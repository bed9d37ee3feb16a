"""Opsgenie ``GET /v2/alerts`` exports (source-exports.md §2) through the loader: the
documented alert in its list envelope, JSON Lines, and records failing their checks.
The offset arithmetic (createdAt + report.ackTime in ms) is asserted by the dbt unit
tests of ``stg_opsgenie__alerts``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import (
    count,
    json_lines,
    ledger,
    rejections,
    rows,
    sha256,
    write,
)

ALERTS = "opsgenie/alerts"

# source-exports.md §2, the example alert, byte for byte (id, tinyId, alias and message
# are illustrative there; the "…" ids are as printed).
ALERT_JSON = """{"id":"<uuid>","tinyId":"1790","alias":"event_572","message":"Disk usage 95% on db-01","status":"closed","acknowledged":true,"isSeen":true,"snoozed":false,
 "count":79,"lastOccurredAt":"2017-04-03T20:05:50.894Z","createdAt":"2017-03-21T20:32:52.353Z","updatedAt":"2017-04-03T20:32:57.301Z","source":"Isengard","owner":"morpheus@opsgenie.com","priority":"P4",
 "responders":[{"id":"4513b7ea-3b91-438f-b7e4-e3e54af9147c","type":"team"}],"integration":{"id":"4513b7ea-\u2026","name":"Nebuchadnezzar","type":"API"},
 "report":{"ackTime":15702,"closeTime":60503,"acknowledgedBy":"agent_smith@opsgenie.com","closedBy":"neo@opsgenie.com"}}"""  # noqa: E501
ALERT: dict[str, Any] = json.loads(ALERT_JSON)
# An open alert, never acknowledged: no report offsets yet, a service tag.
OPEN_ALERT: dict[str, Any] = {
    "id": "8418d193-2dab-4490-b331-8c02cdd196b7",
    "tinyId": "1791",
    "alias": "cpu-web-3",
    "message": "CPU 99% on web-3",
    "status": "open",
    "acknowledged": False,
    "isSeen": False,
    "snoozed": False,
    "count": 1,
    "lastOccurredAt": "2026-05-01T10:00:00.000Z",
    "createdAt": "2026-05-01T10:00:00.000Z",
    "updatedAt": "2026-05-01T10:00:00.000Z",
    "source": "Datadog",
    "owner": "",
    "priority": "P2",
    "tags": ["critical", "service:svc-web"],
    "responders": [{"id": "8f2b6c1e-1d2c-4d8a-9a53-0f0e3c6f2a11", "type": "team"}],
    "report": {},
}
# The /v2/alerts list envelope around the records.
ENVELOPE: dict[str, Any] = {
    "paging": {
        "next": "https://api.opsgenie.com/v2/alerts?limit=2&offset=2&sort=createdAt&order=desc",
        "first": "https://api.opsgenie.com/v2/alerts?limit=2&offset=0&sort=createdAt&order=desc",
    },
    "took": 0.605,
    "requestId": "9ae63dd7-ed00-4c81-86f0-c4ffd33142c9",
}


def _page(*alerts: Any) -> bytes:
    return json.dumps({"data": list(alerts), **ENVELOPE}).encode()


def test_alerts_page_keeps_the_documented_alert_and_the_envelope(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = _page(ALERT, OPEN_ALERT)
    rel = f"{ALERTS}/2026-05-01_p001.json"
    write(landing, rel, content)

    summary = ingest(con, landing)

    assert summary.files == [FileResult(rel, "opsgenie__alerts", "loaded", 2, 0, "")]
    loaded = rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.report.ackTime'),"
        " json_extract_string(record_json, '$.report.closeTime'),"
        " json_extract_string(record_json, '$.createdAt'),"
        " json_extract_string(record_json, '$.responders[0].type'),"
        " record_json, _file_context, _file_sha256"
        " from raw.opsgenie__alerts order by _record_number",
    )
    assert [row[:6] for row in loaded] == [
        (1, "<uuid>", "15702", "60503", "2017-03-21T20:32:52.353Z", "team"),
        (2, "8418d193-2dab-4490-b331-8c02cdd196b7", None, None, "2026-05-01T10:00:00.000Z", "team"),
    ]
    # Every field survives as exported, not only the checked ones.
    assert [json.loads(row[6]) for row in loaded] == [ALERT, OPEN_ALERT]
    # The envelope without its records: paging, took, requestId.
    assert json.loads(loaded[0][7]) == ENVELOPE
    assert loaded[0][8] == sha256(content)
    assert ledger(con)[0][2:8] == (
        ALERTS,
        "opsgenie__alerts",
        len(content),
        2,
        0,
        "loaded",
    )


def test_json_lines_of_alerts_load_without_an_envelope(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(landing, f"{ALERTS}/export.jsonl", json_lines(ALERT, OPEN_ALERT))

    ingest(con, landing)

    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.alias'), _file_context"
        " from raw.opsgenie__alerts order by 1",
    ) == [(1, "event_572", None), (2, "cpu-web-3", None)]


def test_alerts_failing_their_checks_are_rejected_and_the_rest_loads(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    no_created = {key: value for key, value in ALERT.items() if key != "createdAt"}
    seconds_text = {**ALERT, "id": "a-3", "report": {**ALERT["report"], "ackTime": "15.7s"}}
    bad_times = {**OPEN_ALERT, "id": "a-4", "updatedAt": "tomorrow", "acknowledged": "yes"}
    bad_count = {**OPEN_ALERT, "id": "a-5", "count": "many"}
    records = [ALERT, no_created, seconds_text, bad_times, bad_count, OPEN_ALERT]
    rel = f"{ALERTS}/page.json"
    write(landing, rel, _page(*records))

    summary = ingest(con, landing)

    # 6 records: #1 and #6 load, #2-#5 are rejected.
    assert summary.files == [
        FileResult(rel, "opsgenie__alerts", "partial", 2, 4, "4 record(s) rejected")
    ]
    found = rejections(con, rel)
    assert [(number, reason) for number, reason, _ in found] == [
        (2, "missing required field createdAt"),
        (3, "unparsable number report.ackTime: 15.7s"),
        (4, "unparsable timestamp updatedAt: tomorrow; unparsable boolean acknowledged: yes"),
        (5, "unparsable number count: many"),
    ]
    assert [json.loads(raw_text) for _, _, raw_text in found] == records[1:5]
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id')"
        " from raw.opsgenie__alerts order by 1",
    ) == [(1, "<uuid>"), (6, "8418d193-2dab-4490-b331-8c02cdd196b7")]


def test_a_page_without_data_is_rejected(landing: Path, con: duckdb.DuckDBPyConnection) -> None:
    # An alert *detail* response (GET /v2/alerts/{id}) holds one object under data.
    content = json.dumps({"data": ALERT, "took": 0.1, "requestId": "r"}).encode()
    rel = f"{ALERTS}/alert-detail.json"
    write(landing, rel, content)

    summary = ingest(con, landing)

    reason = "the page has no 'data' array (records are under 'data')"
    assert summary.files == [FileResult(rel, "opsgenie__alerts", "rejected", 0, 1, reason)]
    assert rejections(con, rel) == [(None, reason, content.decode())]
    assert count(con, "raw.opsgenie__alerts") == 0
