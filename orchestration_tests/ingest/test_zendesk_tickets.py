"""Zendesk ticket-side exports (source-exports.md §3a-§3d, §3g) through the loader: the
incremental ticket export in both envelopes (cursor: ``after_cursor``/``end_of_stream``;
time-based: ``end_time``/``next_page``/``count``) and as JSON Lines, ticket metrics with
``{calendar, business}`` minute objects, metric events with ``sla``/``status``/``deleted``,
audits with nested events, satisfaction ratings, and the records each check rejects.
Epoch seconds to UTC, the latest version by ``generated_timestamp``, the minute columns,
the split of audit events and the SLA columns are asserted by the dbt unit tests in
``models/staging/zendesk/_zendesk__ticket_models.yml``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import count, json_lines, rejections, rows, write

TICKETS = "zendesk/tickets"
METRICS = "zendesk/ticket_metrics"
METRIC_EVENTS = "zendesk/ticket_metric_events"
AUDITS = "zendesk/ticket_audits"
RATINGS = "zendesk/satisfaction_ratings"

# A ticket in the fields of source-exports.md §3a (generated_timestamp is its example).
TICKET: dict[str, Any] = {
    "id": 35436,
    "status": "open",
    "priority": "high",
    "type": "incident",
    "subject": "Help, my printer is on fire!",
    "requester_id": 20978392,
    "submitter_id": 76872,
    "assignee_id": 235323,
    "group_id": 98738,
    "organization_id": 509974,
    "brand_id": 1,
    "ticket_form_id": 100,
    "created_at": "2011-05-05T10:38:52Z",
    "updated_at": "2011-05-05T10:38:52Z",
    "due_at": None,
    "generated_timestamp": 1304553600,
    "satisfaction_rating": {"id": 1234, "score": "good", "comment": "Great support!"},
    "via": {"channel": "web"},
    "tags": ["enterprise", "other_tag"],
    "custom_fields": [{"id": 27642, "value": "745"}],
    "problem_id": None,
    "has_incidents": False,
    "from_messaging_channel": False,
}
TICKET_2: dict[str, Any] = {
    **TICKET,
    "id": 35437,
    "status": "pending",
    "priority": None,
    "generated_timestamp": 1304557200,
    "satisfaction_rating": {"score": "offered"},
}

# source-exports.md §3b, the official example, byte for byte.
METRIC_JSON = """{"id":33,"ticket_id":4343,"created_at":"2009-07-20T22:55:29Z","updated_at":"2011-05-05T10:38:52Z","solved_at":"2011-05-09T10:38:52Z","reopens":55,"replies":322,
 "reply_time_in_minutes":{"calendar":2391,"business":737},"first_resolution_time_in_minutes":{"calendar":2391,"business":737},
 "full_resolution_time_in_minutes":{"calendar":2391,"business":737},"agent_wait_time_in_minutes":{"calendar":2391,"business":737},
 "requester_wait_time_in_minutes":{"calendar":2391,"business":737},"on_hold_time_in_minutes":{"calendar":2290,"business":637},
 "assignee_stations":1,"group_stations":7,"initially_assigned_at":"2011-05-03T10:38:52Z","assigned_at":"2011-05-05T10:38:52Z"}"""  # noqa: E501
METRIC: dict[str, Any] = json.loads(METRIC_JSON)

# source-exports.md §3c, the apply_sla example, byte for byte.
APPLY_SLA_JSON = """{"id":126,"ticket_id":1,"metric":"requester_wait_time","instance_id":1,"type":"apply_sla","time":"2024-07-19T00:59:21Z","deleted":false,
 "sla":{"target":300,"business_hours":false,"policy":{"id":3,"title":"SLA Teste","description":null},"target_in_seconds":18000}}"""  # noqa: E501
APPLY_SLA: dict[str, Any] = json.loads(APPLY_SLA_JSON)
DELETED_BREACH: dict[str, Any] = {
    "id": 130,
    "ticket_id": 1,
    "metric": "requester_wait_time",
    "instance_id": 1,
    "type": "breach",
    "time": "2024-07-19T05:59:21Z",
    "deleted": True,
}
UPDATE_STATUS: dict[str, Any] = {
    "id": 131,
    "ticket_id": 1,
    "metric": "requester_wait_time",
    "instance_id": 1,
    "type": "update_status",
    "time": "2024-07-19T06:10:00Z",
    "deleted": False,
    "status": {"calendar": 311, "business": 311},
}

# source-exports.md §3g, the audit example, byte for byte.
AUDIT_JSON = """{"id":2127301143,"ticket_id":123,"author_id":35436,"created_at":"2011-09-25T22:35:44Z","via":{"channel":"web"},
 "events":[{"id":1564247,"type":"Change","field_name":"status","previous_value":"new","value":"open"}]}"""  # noqa: E501
AUDIT: dict[str, Any] = json.loads(AUDIT_JSON)

# source-exports.md §3d, the rating example, byte for byte.
RATING_JSON = """{"id":35436,"ticket_id":208,"requester_id":7881,"assignee_id":135,"group_id":44,"score":"good","comment":"Awesome support!","created_at":"2011-07-20T22:55:29Z","updated_at":"2011-07-20T22:55:29Z"}"""  # noqa: E501
RATING: dict[str, Any] = json.loads(RATING_JSON)


def _page(key: str, *records: Any, **envelope: Any) -> bytes:
    return json.dumps({key: list(records), **envelope}).encode()


def test_incremental_ticket_pages_keep_cursor_or_time_envelope_and_epoch_stamp(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    cursor = f"{TICKETS}/cursor_1304553600.json"
    write(
        landing,
        cursor,
        _page(
            "tickets",
            TICKET,
            TICKET_2,
            after_url="https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTU3",
            after_cursor="MTU3",
            end_of_stream=False,
        ),
    )
    timed = f"{TICKETS}/time_1304553600.json"
    write(
        landing,
        timed,
        _page(
            "tickets",
            TICKET,
            next_page="https://acme.zendesk.com/api/v2/incremental/tickets.json?start_time=1304557200",
            end_time=1304557200,
            count=1,
        ),
    )
    lines = f"{TICKETS}/export.jsonl"
    write(landing, lines, json_lines(TICKET_2))

    summary = ingest(con, landing)

    assert sorted(summary.files, key=lambda r: r.path) == [
        FileResult(cursor, "zendesk__tickets", "loaded", 2, 0, ""),
        FileResult(lines, "zendesk__tickets", "loaded", 1, 0, ""),
        FileResult(timed, "zendesk__tickets", "loaded", 1, 0, ""),
    ]
    loaded = rows(
        con,
        "select _file_path, _record_number, json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.generated_timestamp'),"
        " json_extract_string(record_json, '$.satisfaction_rating.score'), _file_context"
        " from raw.zendesk__tickets order by _file_path, _record_number",
    )
    # The epoch stays as exported (staging converts 1304553600 to 2011-05-05 00:00:00).
    assert [row[:5] for row in loaded] == [
        (cursor, 1, "35436", "1304553600", "good"),
        (cursor, 2, "35437", "1304557200", "offered"),
        (lines, 1, "35437", "1304557200", "offered"),
        (timed, 1, "35436", "1304553600", "good"),
    ]
    # The envelope without its records: the cursor of one variant, the window of the other.
    assert json.loads(loaded[0][5]) == {
        "after_url": "https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTU3",
        "after_cursor": "MTU3",
        "end_of_stream": False,
    }
    assert loaded[2][5] is None
    assert json.loads(loaded[3][5]) == {
        "next_page": "https://acme.zendesk.com/api/v2/incremental/tickets.json?start_time=1304557200",
        "end_time": 1304557200,
        "count": 1,
    }
    # Every field survives in raw (subject and custom fields are left out only by staging).
    [record] = rows(con, "select record_json from raw.zendesk__tickets where _file_path = ?", timed)
    assert json.loads(record[0]) == TICKET


def test_tickets_failing_their_checks_are_rejected_with_reasons(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    no_id = {key: value for key, value in TICKET.items() if key != "id"}
    iso_stamp = {**TICKET, "id": 2, "generated_timestamp": "2011-05-05T00:00:00Z"}
    no_created = {**TICKET, "id": 3, "created_at": None}
    bad_due = {**TICKET, "id": 4, "due_at": "next Friday", "has_incidents": "maybe"}
    rel = f"{TICKETS}/page.json"
    write(landing, rel, _page("tickets", TICKET, no_id, iso_stamp, no_created, bad_due))
    # A page of another endpoint (search results) dropped in the tickets folder.
    wrong = f"{TICKETS}/search.json"
    write(landing, wrong, _page("results", TICKET, count=1))

    summary = ingest(con, landing)

    statuses = {r.path: (r.status, r.records, r.rejected) for r in summary.files}
    assert statuses == {rel: ("partial", 1, 4), wrong: ("rejected", 0, 1)}
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (2, "missing required field id"),
        (3, "unparsable epoch_s generated_timestamp: 2011-05-05T00:00:00Z"),
        (4, "missing required field created_at"),
        (5, "unparsable timestamp due_at: next Friday; unparsable boolean has_incidents: maybe"),
    ]
    assert rejections(con, wrong)[0][1] == (
        "the page has no 'tickets' array (records are under 'tickets')"
    )
    assert count(con, "raw.zendesk__tickets") == 1


def test_ticket_metrics_keep_minute_objects_and_reject_unreadable_numbers(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # Not yet replied or solved: null clocks, a null object, a missing object.
    unsolved = {
        "id": 34,
        "ticket_id": 4344,
        "created_at": "2026-03-02T09:45:00Z",
        "updated_at": "2026-03-02T10:15:00Z",
        "replies": 0,
        "reopens": 0,
        "reply_time_in_minutes": {"calendar": None, "business": None},
        "full_resolution_time_in_minutes": None,
    }
    text_minutes = {**METRIC, "id": 35, "reply_time_in_minutes": {"calendar": "2h", "business": 5}}
    text_counter = {**METRIC, "id": 36, "reopens": "many"}
    no_ticket = {key: value for key, value in METRIC.items() if key != "ticket_id"}
    rel = f"{METRICS}/page-1.json"
    write(
        landing,
        rel,
        _page(
            "ticket_metrics",
            METRIC,
            unsolved,
            text_minutes,
            text_counter,
            no_ticket,
            next_page=None,
            previous_page=None,
            count=5,
        ),
    )

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(rel, "zendesk__ticket_metrics", "partial", 2, 3, "3 record(s) rejected")
    ]
    # The envelope as given, minus its records; the minute objects as exported.
    context = '{"next_page":null,"previous_page":null,"count":5}'
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (3, "unparsable number reply_time_in_minutes.calendar: 2h"),
        (4, "unparsable number reopens: many"),
        (5, "missing required field ticket_id"),
    ]
    assert rows(
        con,
        "select json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.on_hold_time_in_minutes.business'),"
        " json_extract_string(record_json, '$.reply_time_in_minutes'), _file_context"
        " from raw.zendesk__ticket_metrics order by _record_number",
    ) == [
        ("33", "637", '{"calendar":2391,"business":737}', context),
        ("34", None, '{"calendar":null,"business":null}', context),
    ]
    assert json.loads(rows(con, "select record_json from raw.zendesk__ticket_metrics")[0][0]) == (
        METRIC
    )


def test_metric_events_keep_sla_status_and_deleted_breaches(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    page_rel = f"{METRIC_EVENTS}/1721350761.json"
    write(
        landing,
        page_rel,
        _page(
            "ticket_metric_events",
            APPLY_SLA,
            DELETED_BREACH,
            next_page="https://acme.zendesk.com/api/v2/incremental/ticket_metric_events.json?start_time=1721372400",
            count=2,
            end_time=1721372400,
        ),
    )
    no_time = {key: value for key, value in UPDATE_STATUS.items() if key != "time"}
    text_target = {**APPLY_SLA, "id": 127, "sla": {**APPLY_SLA["sla"], "target": "5h"}}
    yes_deleted = {**DELETED_BREACH, "id": 132, "deleted": "yes"}
    no_metric = {
        key: value for key, value in DELETED_BREACH.items() if key not in ("metric", "type")
    }
    lines_rel = f"{METRIC_EVENTS}/1721372400.jsonl"
    write(
        landing,
        lines_rel,
        json_lines(UPDATE_STATUS, no_time, text_target, yes_deleted, no_metric, APPLY_SLA),
    )

    summary = ingest(con, landing)

    assert sorted((r.path, r.status, r.records, r.rejected) for r in summary.files) == [
        (page_rel, "loaded", 2, 0),
        (lines_rel, "partial", 2, 4),
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, lines_rel)] == [
        (2, "missing required field time"),
        (3, "unparsable number sla.target: 5h"),
        (4, "unparsable boolean deleted: yes"),
        (5, "missing required field metric; missing required field type"),
    ]
    # The deleted breach loads (staging keeps it with is_deleted); the repeated apply_sla
    # loads again (staging keeps one copy); nested objects survive.
    assert rows(
        con,
        "select _file_path, _record_number, json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.deleted'),"
        " json_extract_string(record_json, '$.sla.policy.title'),"
        " json_extract_string(record_json, '$.status.calendar')"
        " from raw.zendesk__ticket_metric_events order by _file_path, _record_number",
    ) == [
        (page_rel, 1, "126", "false", "SLA Teste", None),
        (page_rel, 2, "130", "true", None, None),
        (lines_rel, 1, "131", "false", None, "311"),
        (lines_rel, 6, "126", "false", "SLA Teste", None),
    ]
    [(context,)] = rows(
        con,
        "select distinct _file_context from raw.zendesk__ticket_metric_events where _file_path = ?",
        page_rel,
    )
    assert json.loads(context)["end_time"] == 1721372400


def test_audits_keep_their_events_whole_and_need_ticket_and_time(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    comment = {
        "id": 2127301200,
        "ticket_id": 123,
        "author_id": 7881,
        "created_at": "2011-09-25T23:00:00Z",
        "via": {"channel": "email"},
        "events": [
            {"id": 1564300, "type": "Comment", "body": "Call me", "public": True},
            {"id": 1564301, "type": "Change", "field_name": "tags", "value": ["a", "b"]},
        ],
    }
    no_ticket = {key: value for key, value in AUDIT.items() if key != "ticket_id"}
    bad_time = {**AUDIT, "id": 3, "created_at": "25/09/2011 22:35"}
    rel = f"{AUDITS}/page-1.json"
    write(
        landing,
        rel,
        _page("audits", AUDIT, comment, no_ticket, bad_time, after_cursor=None, before_cursor="x"),
    )

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(rel, "zendesk__ticket_audits", "partial", 2, 2, "2 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (3, "missing required field ticket_id"),
        (4, "unparsable timestamp created_at: 25/09/2011 22:35"),
    ]
    loaded = rows(
        con,
        "select record_json, json_extract_string(record_json, '$.events[0].field_name'),"
        " _file_context from raw.zendesk__ticket_audits order by _record_number",
    )
    assert [json.loads(record) for record, _, _ in loaded] == [AUDIT, comment]
    assert loaded[0][1] == "status"
    assert json.loads(loaded[0][2]) == {"after_cursor": None, "before_cursor": "x"}


def test_satisfaction_ratings_load_offered_and_answered(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    offered = {
        **RATING,
        "id": 35437,
        "ticket_id": 209,
        "score": "offered",
        "comment": None,
        "created_at": "2011-07-21T08:00:00Z",
        "updated_at": "2011-07-21T08:00:00Z",
    }
    no_id = {key: value for key, value in RATING.items() if key != "id"}
    bad_updated = {**RATING, "id": 35438, "updated_at": "yesterday"}
    rel = f"{RATINGS}/2011-07-21.json"
    write(
        landing,
        rel,
        _page("satisfaction_ratings", RATING, offered, no_id, bad_updated, next_page=None, count=4),
    )

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(rel, "zendesk__satisfaction_ratings", "partial", 2, 2, "2 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (3, "missing required field id"),
        (4, "unparsable timestamp updated_at: yesterday"),
    ]
    assert rows(
        con,
        "select json_extract_string(record_json, '$.id'), json_extract_string(record_json,"
        " '$.score'), json_extract_string(record_json, '$.comment')"
        " from raw.zendesk__satisfaction_ratings order by _record_number",
    ) == [("35436", "good", "Awesome support!"), ("35437", "offered", None)]
    assert (
        json.loads(rows(con, "select record_json from raw.zendesk__satisfaction_ratings")[0][0])
        == RATING
    )
