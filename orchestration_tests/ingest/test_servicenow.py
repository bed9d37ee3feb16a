"""ServiceNow Table API exports (source-exports.md §5) through the loader: ``{"result": [...]}``
pages and JSON Lines of the four tables, and the records their checks reject (display-value
dates, unreadable durations, numbers and flags). The string-to-type parsing itself is
asserted by the dbt unit tests in ``models/staging/servicenow/_servicenow__models.yml``."""

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

INCIDENTS = "servicenow/incident"
TASK_SLAS = "servicenow/task_sla"
CHANGES = "servicenow/change_request"
AUDITS = "servicenow/sys_audit"

# source-exports.md §5a, the example incident (a real PDI record), byte for byte.
INCIDENT_JSON = """{"number":"INC0000060","sys_id":"1c741bd70b2322007518478d83673af3","state":"7","incident_state":"7","priority":"3","impact":"2","urgency":"2",
 "opened_at":"2016-12-12 15:19:57","sys_created_on":"2016-12-12 15:19:57","resolved_at":"2016-12-13 21:43:14","closed_at":"2016-12-14 02:46:44",
 "assignment_group":{"link":"https://dev229583.service-now.com/api/now/v1/table/sys_user_group/287ebd7da9fe198100f92cc8d1d2154e","value":"287ebd7da9fe198100f92cc8d1d2154e"},
 "cmdb_ci":{"link":"…/cmdb_ci/109562a3c611227500a7b7ff98cc0dc7","value":"109562a3c611227500a7b7ff98cc0dc7"},"caused_by":"",
 "reassignment_count":"2","reopen_count":"0","made_sla":"true","business_duration":"1970-01-01 08:00:00","calendar_duration":"1970-01-02 04:23:17",
 "business_stc":"28800","calendar_stc":"102197","close_code":"Solved (Permanently)","category":"inquiry","contact_type":"self-service"}"""  # noqa: E501

# source-exports.md §5b, the example task SLA, with a sys_id (the example leaves it out).
TASK_SLA_JSON = """{"sys_id":"7f1e2d3c4b5a69788796a5b4c3d2e1f0","task":{"value":"1c741bd70b2322007518478d83673af3"},"sla":{"value":"3d1ae7e1c0a8016b01ba2ad1b5cc8c5a"},"stage":"completed","active":"false","has_breached":"false",
 "start_time":"2016-12-12 15:19:57","end_time":"2016-12-12 16:02:11","planned_end_time":"2016-12-12 23:19:57","original_breach_time":"2016-12-12 23:19:57",
 "percentage":"8.8","business_percentage":"8.8","pause_duration":"1970-01-01 00:00:00","business_pause_duration":"1970-01-01 00:00:00","timezone":"US/Pacific"}"""  # noqa: E501

# source-exports.md §5c, the example change request, with a sys_id and a real-shaped cmdb_ci.
CHANGE_JSON = """{"sys_id":"c286d61347c12200e0ef563dbb9a7109","number":"CHG0030040","type":"normal","state":"3","phase":"requested","approval":"approved","risk":"3","impact":"3","priority":"2",
 "start_date":"2024-11-14 10:00:00","end_date":"2024-11-14 11:00:00","close_code":"successful","cmdb_ci":"109562a3c611227500a7b7ff98cc0dc7","assignment_group":"287ebd7da9fe198100f92cc8d1d2154e","sys_updated_on":"2024-11-14 10:57:08"}"""  # noqa: E501

INCIDENT: dict[str, Any] = json.loads(INCIDENT_JSON)
TASK_SLA: dict[str, Any] = json.loads(TASK_SLA_JSON)
CHANGE: dict[str, Any] = json.loads(CHANGE_JSON)
# source-exports.md §5 History: the state change 2 -> 6 of the example incident.
AUDIT: dict[str, Any] = {
    "sys_id": "1b2c3d4e5f60718293a4b5c6d7e8f90a",
    "tablename": "incident",
    "fieldname": "state",
    "documentkey": "1c741bd70b2322007518478d83673af3",
    "oldvalue": "2",
    "newvalue": "6",
    "user": "beth.anglin",
    "record_checkpoint": "5",
    "sys_created_on": "2016-12-13 21:43:14",
    "reason": "",
}


def result_page(*records: Any) -> bytes:
    """A Table API page: only ``result`` (paging travels in the Link/X-Total-Count headers)."""
    return json.dumps({"result": list(records)}).encode()


def test_incident_page_keeps_every_string_and_an_empty_envelope(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = result_page(INCIDENT)
    rel = f"{INCIDENTS}/incident_2016-12-14.json"
    write(landing, rel, content)

    summary = ingest(con, landing)

    assert summary.files == [FileResult(rel, "servicenow__incident", "loaded", 1, 0, "")]
    [(record_json, context, number, sha, group, cmdb_ci, caused_by, duration)] = rows(
        con,
        "select record_json, _file_context, _record_number, _file_sha256,"
        " json_extract_string(record_json, '$.assignment_group.value'),"
        " json_extract_string(record_json, '$.cmdb_ci.value'),"
        " json_extract_string(record_json, '$.caused_by'),"
        " json_extract_string(record_json, '$.calendar_duration')"
        " from raw.servicenow__incident",
    )
    # Every field survives as the string it was (the "…" in the cmdb_ci link too).
    assert json.loads(record_json) == INCIDENT
    assert (group, cmdb_ci, caused_by, duration) == (
        "287ebd7da9fe198100f92cc8d1d2154e",
        "109562a3c611227500a7b7ff98cc0dc7",
        "",
        "1970-01-02 04:23:17",
    )
    # {"result": [...]} minus its records is an empty object.
    assert (context, number, sha) == ("{}", 1, sha256(content))
    assert count(con, "raw.ingest_rejections") == 0


def test_each_table_lands_in_its_own_raw_table_from_pages_and_json_lines(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # task_sla: one page with the example; change_request: JSON Lines with the example and
    # its earlier version (kept: staging picks the latest sys_updated_on); sys_audit: a
    # page and JSON Lines repeating the same row (kept twice: staging collapses them).
    scheduled = {**CHANGE, "state": "-2", "close_code": "", "sys_updated_on": "2024-11-14 09:00:00"}
    write(landing, f"{TASK_SLAS}/task_sla.json", result_page(TASK_SLA))
    write(landing, f"{CHANGES}/changes.jsonl", json_lines(CHANGE, scheduled))
    write(landing, f"{AUDITS}/sys_audit_p1.json", result_page(AUDIT))
    write(landing, f"{AUDITS}/sys_audit_p2.jsonl", json_lines(AUDIT))

    summary = ingest(con, landing)

    assert summary.records_by_table() == {
        "servicenow__task_sla": 1,
        "servicenow__change_request": 2,
        "servicenow__sys_audit": 2,
    }
    assert summary.rejected == 0
    assert rows(
        con,
        "select json_extract_string(record_json, '$.task.value'),"
        " json_extract_string(record_json, '$.sla.value'),"
        " json_extract_string(record_json, '$.percentage'), _file_context"
        " from raw.servicenow__task_sla",
    ) == [("1c741bd70b2322007518478d83673af3", "3d1ae7e1c0a8016b01ba2ad1b5cc8c5a", "8.8", "{}")]
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.state'),"
        " json_extract_string(record_json, '$.sys_updated_on'), _file_context"
        " from raw.servicenow__change_request order by _record_number",
    ) == [(1, "3", "2024-11-14 10:57:08", None), (2, "-2", "2024-11-14 09:00:00", None)]
    assert rows(
        con,
        "select _file_path, _record_number, json_extract_string(record_json, '$.newvalue')"
        " from raw.servicenow__sys_audit order by _file_path",
    ) == [(f"{AUDITS}/sys_audit_p1.json", 1, "6"), (f"{AUDITS}/sys_audit_p2.jsonl", 1, "6")]
    assert count(con, "raw.servicenow__incident") == 0


def test_incident_records_that_staging_could_not_read_are_rejected_with_a_reason(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # display_value=true renders dates in the user's format; display_value=all wraps every
    # value in an object; a duration exported as its label; a count and a flag as labels.
    display_true = {**INCIDENT, "sys_id": "a1", "opened_at": "13/08/2026", "resolved_at": ""}
    display_all = {
        **INCIDENT,
        "sys_id": "a2",
        "opened_at": {"display_value": "12/12/2016 07:19:57", "value": "2016-12-12 15:19:57"},
    }
    label_duration = {**INCIDENT, "sys_id": "a3", "calendar_duration": "1 Day 4 Hours 23 Minutes"}
    labels = {**INCIDENT, "sys_id": "a4", "reassignment_count": "two", "made_sla": "yes"}
    no_sys_id = {key: value for key, value in INCIDENT.items() if key != "sys_id"}
    not_opened = {**INCIDENT, "sys_id": "a6", "opened_at": ""}
    reopened = {**INCIDENT, "sys_id": "a7", "reopened_time": "", "reopen_count": "1"}
    records = [
        INCIDENT,
        display_true,
        display_all,
        label_duration,
        labels,
        no_sys_id,
        not_opened,
        reopened,
    ]
    rel = f"{INCIDENTS}/page.json"
    write(landing, rel, result_page(*records))

    summary = ingest(con, landing)

    # 8 records: #1 and #8 (an empty time is no time, not a bad one) load, #2..#7 are
    # rejected -> 2 loaded, 6 rejected.
    assert summary.files == [
        FileResult(rel, "servicenow__incident", "partial", 2, 6, "6 record(s) rejected")
    ]
    display_all_value = json.dumps(display_all["opened_at"], separators=(",", ":"))
    found = rejections(con, rel)
    assert [(number, reason) for number, reason, _ in found] == [
        (2, "unparsable timestamp opened_at: 13/08/2026"),
        (3, f"unparsable timestamp opened_at: {display_all_value}"),
        (4, "unparsable timestamp calendar_duration: 1 Day 4 Hours 23 Minutes"),
        (5, "unparsable number reassignment_count: two; unparsable boolean made_sla: yes"),
        (6, "missing required field sys_id"),
        (7, "missing required field opened_at"),
    ]
    assert [json.loads(raw_text) for _, _, raw_text in found] == records[1:7]
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.sys_id')"
        " from raw.servicenow__incident order by 1",
    ) == [(1, "1c741bd70b2322007518478d83673af3"), (8, "a7")]
    [entry] = ledger(con)
    assert entry[5:] == (2, 6, "partial", "6 record(s) rejected")


def test_task_sla_change_and_audit_checks(landing: Path, con: duckdb.DuckDBPyConnection) -> None:
    sla_bad = {
        **TASK_SLA,
        "sys_id": "b1",
        "percentage": "8,8",  # a decimal comma from a localised export
        "business_duration": "8 Hours",
        "has_breached": "No",
    }
    sla_no_key = {**TASK_SLA, "sys_id": ""}
    change_bad = {**CHANGE, "sys_id": "c1", "start_date": "2024-11-14 10:00 AM PST"}
    audit_orphan = {**AUDIT, "sys_id": "d1", "documentkey": ""}
    audit_when = {**AUDIT, "sys_id": "d2", "sys_created_on": "yesterday"}
    write(landing, f"{TASK_SLAS}/p.json", result_page(TASK_SLA, sla_bad, sla_no_key))
    write(landing, f"{CHANGES}/p.json", result_page(change_bad, CHANGE))
    write(landing, f"{AUDITS}/p.jsonl", json_lines(audit_orphan, AUDIT, audit_when))

    summary = ingest(con, landing)

    assert summary.records_by_table() == {
        "servicenow__task_sla": 1,
        "servicenow__change_request": 1,
        "servicenow__sys_audit": 1,
    }
    assert [(n, reason) for n, reason, _ in rejections(con, f"{TASK_SLAS}/p.json")] == [
        (
            2,
            "unparsable timestamp business_duration: 8 Hours; "
            "unparsable number percentage: 8,8; unparsable boolean has_breached: No",
        ),
        (3, "missing required field sys_id"),
    ]
    assert [(n, reason) for n, reason, _ in rejections(con, f"{CHANGES}/p.json")] == [
        (1, "unparsable timestamp start_date: 2024-11-14 10:00 AM PST")
    ]
    assert [(n, reason) for n, reason, _ in rejections(con, f"{AUDITS}/p.jsonl")] == [
        (1, "missing required field documentkey"),
        (3, "unparsable timestamp sys_created_on: yesterday"),
    ]


def test_an_error_response_instead_of_a_page_is_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # What the Table API returns on a failed call, saved as if it were a page.
    content = json.dumps(
        {
            "error": {
                "message": "User Not Authenticated",
                "detail": "Required to provide Auth information",
            },
            "status": "failure",
        }
    ).encode()
    rel = f"{INCIDENTS}/incident_2026-03-31.json"
    write(landing, rel, content)

    summary = ingest(con, landing)

    reason = "the page has no 'result' array (records are under 'result')"
    assert summary.files == [FileResult(rel, "servicenow__incident", "rejected", 0, 1, reason)]
    assert rejections(con, rel) == [(None, reason, content.decode())]
    assert count(con, "raw.servicenow__incident") == 0
