"""Jira Service Management exports (source-exports.md §4) through the loader: search pages
with ``expand=changelog`` (old and new envelopes), JSON Lines, `+0900`/`+1000` offsets
without a colon, SLA custom fields under site-specific ids, and records failing their
checks. Offsets to UTC, SLA fields found by shape, cycles, negative remaining time,
changelog items and the latest version are asserted by the dbt unit tests of
``models/staging/jira``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import count, json_lines, rejections, rows, write

ISSUES = "jira/issues"
SITE = "https://acme.atlassian.net"

# source-exports.md §4, the captured SLA field, byte for byte (friendly text in English).
SLA_FIRST_RESPONSE_JSON = """{"id":"2","name":"Time to first response","_links":{"self":"https://acme.atlassian.net/rest/servicedeskapi/request/49223/sla/2"},
 "completedCycles":[{"startTime":{"iso8601":"2026-07-06T17:54:40+0900","jira":"2026-07-06T17:54:40.306+0900","friendly":"Yesterday 17:54","epochMillis":1783328080306},
   "stopTime":{"iso8601":"2026-07-06T18:48:44+0900","jira":"2026-07-06T18:48:44.759+0900","friendly":"Yesterday 18:48","epochMillis":1783331324759},
   "breachTime":{"iso8601":"2026-07-07T13:54:40+0900","jira":"2026-07-07T13:54:40.306+0900","friendly":"Today 13:54","epochMillis":1783400080306},
   "breached":false,"goalDuration":{"millis":14400000,"friendly":"4h"},"elapsedTime":{"millis":319694,"friendly":"5m"},"remainingTime":{"millis":14080306,"friendly":"3h 54m"}}],
 "slaDisplayFormat":"NEW_SLA_FORMAT"}"""  # noqa: E501
# source-exports.md §4, the changelog history example, byte for byte.
HISTORY_JSON = """{"id":"10001","created":"2026-01-02T00:00:00.000+0000","author":{"accountId":"5b10ac8d82e05b22cc7d4ef5","displayName":"Ada"},
 "items":[{"field":"status","fieldtype":"jira","fieldId":"status","from":"2","fromString":"In Progress","to":"3","toString":"Done"}]}"""  # noqa: E501

AGENT = {
    "accountId": "5b10ac8d82e05b22cc7d4ef5",
    "displayName": "Ada",
    "active": True,
    "timeZone": "Asia/Seoul",
}
CUSTOMER = {
    "accountId": "qm:1d2c3b4a-0000-4e30-9d96-891a7d181739:5ad6d3581db05e2a66fa80b",
    "emailAddress": "Min-Jun.Kim@example.kr",
    "displayName": "Kim Min-jun",
    "accountType": "customer",
}


def _time(epoch_millis: int, iso: str, friendly: str) -> dict[str, Any]:
    """A JSM date object; ``friendly`` is localised text that staging must never read."""
    return {"iso8601": iso, "jira": iso, "friendly": friendly, "epochMillis": epoch_millis}


def _duration(millis: int, friendly: str) -> dict[str, Any]:
    return {"millis": millis, "friendly": friendly}


def _status(status_id: str, name: str, category: str) -> dict[str, Any]:
    return {
        "self": f"{SITE}/rest/api/3/status/{status_id}",
        "id": status_id,
        "name": name,
        "statusCategory": {
            "id": {"new": 2, "indeterminate": 4, "done": 3}[category],
            "key": category,
        },
    }


def _request_type(type_id: str, name: str, status: str) -> dict[str, Any]:
    return {
        "_links": {"self": f"{SITE}/rest/servicedeskapi/servicedesk/1/requesttype/{type_id}"},
        "requestType": {"id": type_id, "name": name, "serviceDeskId": "1", "groupIds": ["3"]},
        "currentStatus": {"status": status, "statusCategory": "INDETERMINATE"},
    }


# SD-1 on a Korean site (+0900): the captured SLA as customfield_10030, and a resolution SLA
# (customfield_10031) breached: 9h30m elapsed against an 8h goal, so remainingTime.millis
# = 28 800 000 - 34 200 000 = -5 400 000. Its `friendly` texts are deliberately wrong
# ("2시간" = 2 hours, "1m") so a parser that read them would be caught.
SD_1: dict[str, Any] = {
    "expand": "operations,changelog",
    "id": "49223",
    "self": f"{SITE}/rest/api/3/issue/49223",
    "key": "SD-1",
    "fields": {
        "project": {"id": "10000", "key": "SD", "name": "Service Desk"},
        "issuetype": {"id": "10003", "name": "[System] Service request"},
        "summary": "Kim Min-jun cannot log in to billing",
        "created": "2026-07-06T17:54:40.306+0900",
        "updated": "2026-07-07T15:10:02.120+0900",
        "resolutiondate": "2026-07-07T15:10:02.118+0900",
        "resolution": {"id": "10000", "name": "Done"},
        "status": _status("10002", "Resolved", "done"),
        "priority": {"id": "2", "name": "High"},
        "assignee": AGENT,
        "reporter": CUSTOMER,
        "creator": CUSTOMER,
        "components": [
            {"self": f"{SITE}/rest/api/3/component/10100", "id": "10100", "name": "Billing"},
            {"self": f"{SITE}/rest/api/3/component/10101", "id": "10101", "name": "Login"},
        ],
        "labels": ["vip", "complaint"],
        # An approval: an array of objects with `_links.self`, but not an organization's.
        "customfield_10001": [
            {
                "id": "1",
                "_links": {"self": f"{SITE}/rest/servicedeskapi/request/49223/approval/1"},
                "name": "Manager approval",
                "finalDecision": "approve",
            }
        ],
        "customfield_10002": [
            {
                "id": "27",
                "name": "Acme Korea",
                "_links": {"self": f"{SITE}/rest/servicedeskapi/organization/27"},
            }
        ],
        "customfield_10010": _request_type("12", "Get IT help", "Resolved"),
        "customfield_10030": json.loads(SLA_FIRST_RESPONSE_JSON),
        "customfield_10031": {
            "id": "3",
            "name": "Time to resolution",
            "_links": {"self": f"{SITE}/rest/servicedeskapi/request/49223/sla/3"},
            "completedCycles": [
                {
                    "startTime": _time(1783328080306, "2026-07-06T17:54:40+0900", "어제 17:54"),
                    "stopTime": _time(1783404602118, "2026-07-07T15:10:02+0900", "오늘 15:10"),
                    "breachTime": _time(1783356880306, "2026-07-07T01:54:40+0900", "오늘 01:54"),
                    "breached": True,
                    "goalDuration": _duration(28800000, "8시간"),
                    "elapsedTime": _duration(34200000, "1m"),
                    "remainingTime": _duration(-5400000, "2시간"),
                }
            ],
            "slaDisplayFormat": "NEW_SLA_FORMAT",
        },
        # No SLA applies: null. No cycle started yet: an empty list and no ongoing cycle.
        "customfield_10032": None,
        "customfield_10033": {
            "id": "4",
            "name": "Time to approve normal change",
            "completedCycles": [],
            "slaDisplayFormat": "NEW_SLA_FORMAT",
        },
        # Custom fields with a `name` but no cycles are not SLA fields (a sprint, an option).
        "customfield_10020": [{"id": 4, "name": "Sprint 4", "state": "active", "boardId": 1}],
        "customfield_10060": {"self": f"{SITE}/rest/api/3/customFieldOption/10050", "value": "P1"},
    },
    "changelog": {
        "startAt": 0,
        "maxResults": 2,
        "total": 2,
        "histories": [
            {
                "id": "100001",
                "created": "2026-07-06T18:48:44.759+0900",
                "author": AGENT,
                "items": [
                    {
                        "field": "status",
                        "fieldtype": "jira",
                        "fieldId": "status",
                        "from": "1",
                        "fromString": "Waiting for support",
                        "to": "3",
                        "toString": "In Progress",
                    },
                    {
                        "field": "assignee",
                        "fieldtype": "jira",
                        "fieldId": "assignee",
                        "from": None,
                        "fromString": None,
                        "to": AGENT["accountId"],
                        "toString": "Ada",
                    },
                ],
            },
            {
                "id": "100002",
                "created": "2026-07-07T15:10:02.118+0900",
                "author": AGENT,
                "items": [
                    {
                        "field": "resolution",
                        "fieldtype": "jira",
                        "fieldId": "resolution",
                        "from": None,
                        "fromString": None,
                        "to": "10000",
                        "toString": "Done",
                    },
                    {
                        "field": "status",
                        "fieldtype": "jira",
                        "fieldId": "status",
                        "from": "3",
                        "fromString": "In Progress",
                        "to": "10002",
                        "toString": "Resolved",
                    },
                ],
            },
        ],
    },
}

# SD-1 as an export the day before saw it: in progress, one history, the resolution SLA
# still running. An older version: staging must prefer SD_1 whatever the load order.
SD_1_EARLIER: dict[str, Any] = {
    **SD_1,
    "fields": {
        **SD_1["fields"],
        "updated": "2026-07-06T18:48:44.759+0900",
        "resolutiondate": None,
        "resolution": None,
        "status": _status("3", "In Progress", "indeterminate"),
        "components": [{"id": "10100", "name": "Billing"}],
        "customfield_10031": {
            "id": "3",
            "name": "Time to resolution",
            "completedCycles": [],
            "ongoingCycle": {
                "startTime": _time(1783328080306, "2026-07-06T17:54:40+0900", "오늘 17:54"),
                "breachTime": _time(1783356880306, "2026-07-07T01:54:40+0900", "내일 01:54"),
                "breached": False,
                "paused": False,
                "withinCalendarHours": True,
                "goalDuration": _duration(28800000, "8시간"),
                "elapsedTime": _duration(3244453, "54분"),
                "remainingTime": _duration(25555547, "7시간 5분"),
            },
        },
    },
    "changelog": {**SD_1["changelog"], "total": 1, "histories": SD_1["changelog"]["histories"][:1]},
}

# SD-2 on an Australian site (+1000; created 09:15 local = 23:15Z the day before). Its SLA
# fields have other ids (customfield_10161/10162) and the request type sits in
# customfield_10200; no Organizations field. The resolution SLA stopped once (the customer
# was asked for details) and runs again, paused: one completed cycle, then the ongoing one.
SD_2: dict[str, Any] = {
    "id": "49224",
    "key": "SD-2",
    "fields": {
        "project": {"key": "SD"},
        "issuetype": {"name": "[System] Incident"},
        "created": "2026-07-08T09:15:00.000+1000",
        "updated": "2026-07-08T12:30:00.000+1000",
        "resolutiondate": None,
        "resolution": None,
        "status": _status("10005", "Waiting for customer", "indeterminate"),
        "priority": {"name": "Medium"},
        "assignee": None,
        "reporter": {"accountId": "712020:5f6a-7b8c", "displayName": "Jo Citizen"},
        "components": [{"id": "10101", "name": "Login"}],
        "labels": [],
        "customfield_10200": _request_type("7", "Report a system problem", "Waiting for customer"),
        "customfield_10161": {
            "id": "1",
            "name": "Time to first response",
            "completedCycles": [
                {
                    "startTime": _time(1783466100000, "2026-07-08T09:15:00+1000", "Today 9:15 AM"),
                    "stopTime": _time(1783467900000, "2026-07-08T09:45:00+1000", "Today 9:45 AM"),
                    "breachTime": _time(1783480500000, "2026-07-08T13:15:00+1000", "Today 1:15 PM"),
                    "breached": False,
                    "goalDuration": _duration(14400000, "1h"),
                    "elapsedTime": _duration(1800000, "3h"),
                    "remainingTime": _duration(12600000, "-2h"),
                }
            ],
        },
        "customfield_10162": {
            "id": "2",
            "name": "Time to resolution",
            "completedCycles": [
                {
                    "startTime": _time(1783466100000, "2026-07-08T09:15:00+1000", "Today 9:15 AM"),
                    "stopTime": _time(1783469700000, "2026-07-08T10:15:00+1000", "Today 10:15 AM"),
                    "breachTime": _time(1783523700000, "2026-07-09T01:15:00+1000", "Tomorrow"),
                    "breached": False,
                    "goalDuration": _duration(57600000, "16h"),
                    "elapsedTime": _duration(3600000, "1h"),
                    "remainingTime": _duration(54000000, "15h"),
                }
            ],
            "ongoingCycle": {
                "startTime": _time(1783476900000, "2026-07-08T12:15:00+1000", "Today 12:15 PM"),
                "breachTime": _time(1783528200000, "2026-07-09T02:30:00+1000", "Tomorrow"),
                "breached": False,
                "paused": True,
                "withinCalendarHours": False,
                "goalDuration": _duration(57600000, "16h"),
                "elapsedTime": _duration(5400000, "0m"),
                "remainingTime": _duration(52200000, "0m"),
            },
        },
    },
    "changelog": {
        "startAt": 0,
        "maxResults": 1,
        "total": 1,
        "histories": [
            {
                "id": "100107",
                "created": "2026-07-08T10:15:00.000+1000",
                "author": AGENT,
                "items": [
                    {
                        "field": "status",
                        "fieldtype": "jira",
                        "fieldId": "status",
                        "from": "1",
                        "fromString": "Waiting for support",
                        "to": "10005",
                        "toString": "Waiting for customer",
                    }
                ],
            }
        ],
    },
}

# OPS-7, a plain Jira issue on a UTC site: no SLA, no components, the documented history.
OPS_7: dict[str, Any] = {
    "id": "50001",
    "key": "OPS-7",
    "fields": {
        "issuetype": {"name": "Task"},
        "created": "2026-01-01T23:30:00.000+0000",
        "updated": "2026-01-02T00:00:00.000+0000",
        "resolutiondate": "2026-01-02T00:00:00.000+0000",
        "status": _status("3", "Done", "done"),
        "priority": {"name": "Low"},
        "assignee": {"accountId": "5b10ac8d82e05b22cc7d4ef5"},
        "reporter": {"accountId": "5b10ac8d82e05b22cc7d4ef5"},
        "components": [],
        "labels": ["ops"],
    },
    "changelog": {
        "startAt": 0,
        "maxResults": 1,
        "total": 1,
        "histories": [json.loads(HISTORY_JSON)],
    },
}

# The envelopes of POST /rest/api/3/search/jql (token paging) and of the older search.
JQL_PAGE: dict[str, Any] = {"nextPageToken": "CAEaAggD", "isLast": False}
SEARCH_PAGE: dict[str, Any] = {"expand": "schema,names", "startAt": 0, "maxResults": 50, "total": 2}


def search_page(*issues: Any, **envelope: Any) -> bytes:
    return json.dumps({**(envelope or SEARCH_PAGE), "issues": list(issues)}).encode()


def test_search_page_keeps_issues_with_changelog_sla_fields_and_offsets(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    rel = f"{ISSUES}/2026-07-07T0700.json"
    write(landing, rel, search_page(SD_1, OPS_7))

    summary = ingest(con, landing)

    assert summary.files == [FileResult(rel, "jira__issues", "loaded", 2, 0, "")]
    [sd_1, ops_7] = rows(
        con,
        "select record_json, _file_context, _record_number,"
        " json_extract_string(record_json, '$.fields.created'),"
        " json_extract_string(record_json, '$.fields.customfield_10031.completedCycles[0]"
        ".remainingTime.millis'),"
        " json_extract_string(record_json, '$.changelog.histories[1].items[1].toString')"
        " from raw.jira__issues order by _record_number",
    )
    # The record is kept whole (nested changelog and SLA fields included), the `+0900`
    # offset and the negative remaining time as exported: staging converts them.
    assert json.loads(sd_1[0]) == SD_1
    assert sd_1[2:] == (1, "2026-07-06T17:54:40.306+0900", "-5400000", "Resolved")
    assert json.loads(ops_7[0]) == OPS_7
    # The envelope without its records.
    assert json.loads(sd_1[1]) == SEARCH_PAGE


def test_jql_token_page_and_json_lines_both_load(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    page_rel = f"{ISSUES}/jql-page-1.json"
    lines_rel = f"{ISSUES}/sd-2.jsonl"
    write(landing, page_rel, search_page(SD_1_EARLIER, **JQL_PAGE))
    write(landing, lines_rel, json_lines(SD_2, SD_1))

    summary = ingest(con, landing)

    assert [(r.path, r.status, r.records) for r in summary.files] == [
        (page_rel, "loaded", 1),
        (lines_rel, "loaded", 2),
    ]
    # Both versions of SD-1 are kept for staging to pick the latest by fields.updated;
    # JSON Lines have no envelope.
    assert rows(
        con,
        "select _file_path, _record_number, json_extract_string(record_json, '$.key'),"
        " json_extract_string(record_json, '$.fields.updated'), _file_context"
        " from raw.jira__issues order by 1, 2",
    ) == [
        (page_rel, 1, "SD-1", "2026-07-06T18:48:44.759+0900", '{"nextPageToken":"CAEaAggD","isLast":false}'),  # noqa: E501
        (lines_rel, 1, "SD-2", "2026-07-08T12:30:00.000+1000", None),
        (lines_rel, 2, "SD-1", "2026-07-07T15:10:02.120+0900", None),
    ]  # fmt: skip


def test_offsets_without_colon_pass_the_timestamp_check(con: duckdb.DuckDBPyConnection) -> None:
    # The loader's TIMESTAMP check is DuckDB `try_cast(... as timestamptz)`: Jira's
    # `+HHMM` form reads with its offset (23:08:32.097+10:00 = 13:08:32.097Z).
    con.execute("set TimeZone = 'UTC'")
    assert rows(
        con,
        "select cast(try_cast(value as timestamptz) as varchar) from (values"
        " ('2016-09-28T23:08:32.097+1000'), ('2026-07-06T17:54:40+0900'),"
        " ('2026-01-02T00:00:00.000+0000')) as times (value)",
    ) == [
        ("2016-09-28 13:08:32.097+00",),
        ("2026-07-06 08:54:40+00",),
        ("2026-01-02 00:00:00+00",),
    ]


def test_issues_failing_their_checks_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    no_key = {key: value for key, value in OPS_7.items() if key != "key"}
    no_created = {**OPS_7, "id": "50002", "key": "OPS-8", "fields": {**OPS_7["fields"]}}
    del no_created["fields"]["created"]
    # The localised rendering a UI export would give instead of the API's timestamp.
    localised = {
        **OPS_7,
        "id": "50003",
        "key": "OPS-9",
        "fields": {**OPS_7["fields"], "updated": "2026. 1. 2. 오전 9:00"},
    }
    no_id = {key: value for key, value in OPS_7.items() if key != "id"}
    rel = f"{ISSUES}/page.json"
    write(landing, rel, search_page(SD_2, no_key, no_created, localised, no_id))

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(rel, "jira__issues", "partial", 1, 4, "4 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (2, "missing required field key"),
        (3, "missing required field fields.created"),
        (4, "unparsable timestamp fields.updated: 2026. 1. 2. 오전 9:00"),
        (5, "missing required field id"),
    ]
    assert count(con, "raw.jira__issues") == 1


def test_a_page_without_issues_is_rejected_whole(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # A servicedeskapi SLA page (`values`) dropped into the issues folder.
    rel = f"{ISSUES}/sla.json"
    content = {"start": 0, "limit": 50, "size": 1, "isLastPage": True, "values": []}
    write(landing, rel, json.dumps(content))

    summary = ingest(con, landing)

    reason = "the page has no 'issues' array (records are under 'issues')"
    assert summary.files == [FileResult(rel, "jira__issues", "rejected", 0, 1, reason)]
    assert count(con, "raw.jira__issues") == 0
