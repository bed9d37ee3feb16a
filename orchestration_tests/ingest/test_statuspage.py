"""Statuspage Status API exports (source-exports.md §8) through the loader: the documented
incident (with its nested updates and `-06:00` offsets) in the incidents.json envelope,
overlapping exports, scheduled maintenances, and records failing their checks. Offsets to
UTC, the latest version and the component transitions are asserted by the dbt unit tests
of ``models/staging/statuspage``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import count, ledger, rejections, rows, write

INCIDENTS = "statuspage/incidents"
MAINTENANCES = "statuspage/scheduled_maintenances"

# source-exports.md §8, the example incident, byte for byte.
INCIDENT_JSON = """{"id":"cp306tmzcl0y","name":"Unplanned Database Outage","status":"resolved","impact":"critical","created_at":"2014-05-14T14:22:39.441-06:00",
 "started_at":"2014-05-14T14:22:39.441-06:00","monitoring_at":null,"resolved_at":"2014-05-14T15:41:02.112-06:00","page_id":"kctbh9vrtdwd",
 "incident_updates":[{"id":"jdy3tw5mt5r5","incident_id":"cp306tmzcl0y","status":"identified","body":"Our master database has ham sandwiches flying out of the rack\u2026",
   "created_at":"2014-05-14T14:22:40.301-06:00","display_at":"2014-05-14T14:22:40.301-06:00",
   "affected_components":[{"code":"b13yz5g2cw10","name":"API","old_status":"operational","new_status":"major_outage"}]}]}"""  # noqa: E501
INCIDENT: dict[str, Any] = json.loads(INCIDENT_JSON)
# The same incident exported earlier, while still identified (an older version).
INCIDENT_EARLIER: dict[str, Any] = {
    **INCIDENT,
    "status": "identified",
    "updated_at": "2014-05-14T14:22:40.301-06:00",
    "resolved_at": None,
}
# The page envelope of /api/v2/incidents.json and /api/v2/scheduled-maintenances.json.
PAGE: dict[str, Any] = {
    "page": {
        "id": "kctbh9vrtdwd",
        "name": "Statuspage",
        "url": "http://status.statuspage.io",
        "updated_at": "2014-05-14T15:41:02.112-06:00",
    }
}
MAINTENANCE: dict[str, Any] = {
    "id": "w1zdr745wmfy",
    "name": "Database upgrade",
    "status": "scheduled",
    "impact": "maintenance",
    "created_at": "2026-03-20T10:00:00.000-06:00",
    "updated_at": "2026-03-20T10:00:00.000-06:00",
    "monitoring_at": None,
    "resolved_at": None,
    "started_at": None,
    "shortlink": "http://stspg.io/xyz",
    "scheduled_for": "2026-04-04T22:00:00.000-06:00",
    "scheduled_until": "2026-04-05T00:00:00.000-06:00",
    "page_id": "kctbh9vrtdwd",
    "incident_updates": [],
    "components": [
        {"id": "b13yz5g2cw10", "name": "API", "status": "operational"},
        {"id": "w3b000000001", "name": "Web", "status": "operational"},
    ],
}


def _page(key: str, *records: Any) -> bytes:
    return json.dumps({**PAGE, key: list(records)}).encode()


def test_incidents_page_keeps_nested_updates_and_offsets_as_exported(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    rel = f"{INCIDENTS}/2014-05-14T2200.json"
    write(landing, rel, _page("incidents", INCIDENT))

    summary = ingest(con, landing)

    assert summary.files == [FileResult(rel, "statuspage__incidents", "loaded", 1, 0, "")]
    [(record_json, context, created_at, transition)] = rows(
        con,
        "select record_json, _file_context, json_extract_string(record_json, '$.created_at'),"
        " json_extract_string(record_json,"
        " '$.incident_updates[0].affected_components[0].new_status')"
        " from raw.statuspage__incidents",
    )
    # The offset stays as exported (staging converts it); the nested arrays survive whole.
    assert created_at == "2014-05-14T14:22:39.441-06:00"
    assert transition == "major_outage"
    assert json.loads(record_json) == INCIDENT
    # The envelope without its records: the status page.
    assert json.loads(context) == PAGE


def test_overlapping_exports_keep_every_version_for_staging_to_pick(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    other = {**INCIDENT, "id": "x9k2pl0m7n4b", "incident_updates": [], "components": []}
    # The endpoint returns the most recent incidents: the second export repeats the first.
    write(landing, f"{INCIDENTS}/2014-05-14T2030.json", _page("incidents", INCIDENT_EARLIER))
    write(landing, f"{INCIDENTS}/2014-05-14T2200.json", _page("incidents", other, INCIDENT))

    summary = ingest(con, landing)

    assert [(r.status, r.records) for r in summary.files] == [("loaded", 1), ("loaded", 2)]
    assert rows(
        con,
        "select _file_path, _record_number, json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.status')"
        " from raw.statuspage__incidents order by 1, 2",
    ) == [
        (f"{INCIDENTS}/2014-05-14T2030.json", 1, "cp306tmzcl0y", "identified"),
        (f"{INCIDENTS}/2014-05-14T2200.json", 1, "x9k2pl0m7n4b", "resolved"),
        (f"{INCIDENTS}/2014-05-14T2200.json", 2, "cp306tmzcl0y", "resolved"),
    ]


def test_incidents_failing_their_checks_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    no_id = {key: value for key, value in INCIDENT.items() if key != "id"}
    bad_resolved = {**INCIDENT, "id": "bad1", "resolved_at": "soon"}
    no_created = {**INCIDENT, "id": "bad2", "created_at": None}
    rel = f"{INCIDENTS}/page.json"
    write(landing, rel, _page("incidents", INCIDENT, no_id, bad_resolved, no_created))

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(rel, "statuspage__incidents", "partial", 1, 3, "3 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (2, "missing required field id"),
        (3, "unparsable timestamp resolved_at: soon"),
        (4, "missing required field created_at"),
    ]
    assert count(con, "raw.statuspage__incidents") == 1


def test_scheduled_maintenances_load_with_their_components(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    unscheduled = {**MAINTENANCE, "id": "m-bad", "scheduled_until": None}
    garbled = {**MAINTENANCE, "id": "m-bad2", "scheduled_for": "04/04/2026 10pm"}
    rel = f"{MAINTENANCES}/2026-03-21.json"
    write(landing, rel, _page("scheduled_maintenances", MAINTENANCE, unscheduled, garbled))
    # A maintenances page dropped into the incidents folder has no 'incidents' array.
    wrong = f"{INCIDENTS}/maintenances.json"
    write(landing, wrong, _page("scheduled_maintenances", MAINTENANCE))

    summary = ingest(con, landing)

    statuses = {r.path: (r.status, r.records, r.rejected) for r in summary.files}
    assert statuses == {
        rel: ("partial", 1, 2),
        wrong: ("rejected", 0, 1),
    }
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (2, "missing required field scheduled_until"),
        (3, "unparsable timestamp scheduled_for: 04/04/2026 10pm"),
    ]
    assert rejections(con, wrong)[0][1] == (
        "the page has no 'incidents' array (records are under 'incidents')"
    )
    [(maintenance_id, components, context)] = rows(
        con,
        "select json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.components[*].id'), _file_context"
        " from raw.statuspage__scheduled_maintenances",
    )
    assert (maintenance_id, components) == ("w1zdr745wmfy", ["b13yz5g2cw10", "w3b000000001"])
    assert json.loads(context) == PAGE
    assert [entry[3] for entry in ledger(con)] == [
        "statuspage__incidents",
        "statuspage__scheduled_maintenances",
    ]
