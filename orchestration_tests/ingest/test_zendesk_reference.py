"""Zendesk reference exports (source-exports.md §3e, §3f, §3g; landing.md ``zendesk/*``)
through the loader: SLA policies, schedules, holidays (the schedule a file name carries),
organizations, groups and users as API pages or JSON Lines, and records whose keys, times,
dates, flags or nested targets cannot be read. What staging makes of them (interval
minutes to weekday and time of day, the latest version, the e-mail as a key) is asserted
by the dbt unit tests in ``models/staging/zendesk/_zendesk__reference_models.yml``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.ingest import zendesk_reference
from orchestration.ingest.loader import FileResult, ingest
from orchestration.ingest.registry import REGISTRY
from orchestration_tests.ingest.payloads import json_lines, ledger, rejections, rows, write

SLA_POLICIES = "zendesk/sla_policies"
SCHEDULES = "zendesk/schedules"
HOLIDAYS = "zendesk/holidays"

# source-exports.md §3e, the example SLA policy, byte for byte.
POLICY_JSON = """{"id":25,"title":"Silver Plan","position":3,"filter":{"all":[{"field":"type","operator":"is","value":"incident"}],"any":[]},
 "policy_metrics":[{"priority":"low","metric":"first_reply_time","target":60,"business_hours":false}],"created_at":"2015-03-17T22:50:26Z"}"""  # noqa: E501
# source-exports.md §3f, the example schedule, byte for byte.
SCHEDULE_JSON = """{"id":1,"name":"North America","time_zone":"Pacific Time (US & Canada)","intervals":[{"start_time":1980,"end_time":2460},{"start_time":3420,"end_time":3900}],"created_at":"2015-09-30T21:44:03Z"}"""  # noqa: E501
POLICY: dict[str, Any] = json.loads(POLICY_JSON)
SCHEDULE: dict[str, Any] = json.loads(SCHEDULE_JSON)
# Holidays as /schedules/{id}/holidays returns them: {id, name, start_date, end_date}.
CHRISTMAS: dict[str, Any] = {
    "id": 9004,
    "name": "Christmas",
    "start_date": "2026-12-24",
    "end_date": "2026-12-25",
}
NEW_YEAR: dict[str, Any] = {
    "id": 9001,
    "name": "New Year's Day",
    "start_date": "2027-01-01",
    "end_date": "2027-01-01",
}
# Zendesk's list envelope (offset pagination).
ENVELOPE: dict[str, Any] = {"next_page": None, "previous_page": None, "count": 2}


def _page(key: str, *records: Any) -> bytes:
    return json.dumps({key: list(records), **ENVELOPE}).encode()


def test_the_registry_lists_every_reference_entity() -> None:
    folders = {spec.folder for spec in REGISTRY}
    assert {spec.folder for spec in zendesk_reference.SPECS} <= folders
    assert [spec.raw_table for spec in zendesk_reference.SPECS] == [
        "zendesk__sla_policies",
        "zendesk__schedules",
        "zendesk__holidays",
        "zendesk__organizations",
        "zendesk__groups",
        "zendesk__users",
    ]


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("schedule-360000123_2026-03-01.json", {"schedule_id": "360000123"}),
        ("schedule-1_page_2.jsonl", {"schedule_id": "1"}),
        ("schedule-1.json", {"schedule_id": "1"}),
        ("schedule-north_2026.json", {}),  # not a numeric id
        ("my-schedule-1_x.json", {}),  # the prefix must start the name
        ("holidays.json", {}),
    ],
)
def test_schedule_hint_reads_the_id_from_the_file_name(name: str, hint: dict[str, str]) -> None:
    assert zendesk_reference.schedule_hint(Path(HOLIDAYS) / name) == hint


def test_sla_policies_page_keeps_the_record_and_rejects_unreadable_targets(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # A second policy whose second target is "1h" and whose first flag is "yes".
    broken = {
        **POLICY,
        "id": 26,
        "policy_metrics": [
            {
                "priority": "low",
                "metric": "first_reply_time",
                "target": 60,
                "business_hours": "yes",
            },
            {
                "priority": "low",
                "metric": "next_reply_time",
                "target": "1h",
                "business_hours": True,
            },
        ],
    }
    no_id = {key: value for key, value in POLICY.items() if key != "id"}
    rel = f"{SLA_POLICIES}/2026-03-01.json"
    write(landing, rel, _page("sla_policies", POLICY, broken, no_id))

    summary = ingest(con, landing)

    # 3 records: #1 loads; #2 (entries 0 and 1 by position) and #3 are rejected.
    assert summary.files == [
        FileResult(rel, "zendesk__sla_policies", "partial", 1, 2, "2 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (
            2,
            "unparsable number policy_metrics[1].target: 1h; "
            "unparsable boolean policy_metrics[0].business_hours: yes",
        ),
        (3, "missing required field id"),
    ]
    loaded = rows(con, "select record_json, _file_context from raw.zendesk__sla_policies")
    assert [json.loads(record) for record, _ in loaded] == [POLICY]
    # The envelope without its records is the file context.
    assert [json.loads(context) for _, context in loaded] == [ENVELOPE]


def test_schedules_need_a_zone_and_numeric_intervals(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    no_zone = {key: value for key, value in SCHEDULE.items() if key != "time_zone"} | {"id": 2}
    bad_interval = {
        **SCHEDULE,
        "id": 3,
        "intervals": [{"start_time": 1980, "end_time": 2460}, {"start_time": "Tue 9:00"}],
    }
    rel = f"{SCHEDULES}/2026-03-01.jsonl"
    write(landing, rel, json_lines(SCHEDULE, no_zone, bad_interval))

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(rel, "zendesk__schedules", "partial", 1, 2, "2 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (2, "missing required field time_zone"),
        (3, "unparsable number intervals[1].start_time: Tue 9:00"),
    ]
    # JSON Lines have no envelope: an empty context (no file-name hint for schedules).
    assert rows(
        con,
        "select json_extract_string(record_json, '$.time_zone'),"
        " json_extract(record_json, '$.intervals[0]')::varchar, _file_context"
        " from raw.zendesk__schedules",
    ) == [("Pacific Time (US & Canada)", '{"start_time":1980,"end_time":2460}', None)]


def test_holidays_take_their_schedule_from_the_file_name_or_the_record(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # The same list for two schedules: identical content under two names loads for both.
    write(landing, f"{HOLIDAYS}/schedule-1_2026-03-01.json", _page("holidays", CHRISTMAS, NEW_YEAR))
    write(landing, f"{HOLIDAYS}/schedule-2_2026-03-01.json", _page("holidays", CHRISTMAS, NEW_YEAR))
    # An exporter that adds schedule_id to each record, under a name without one.
    golden_week = {
        "id": 9201,
        "schedule_id": 3,
        "name": "Golden Week",
        "start_date": "2026-04-29",
        "end_date": "2026-05-06",
    }
    write(landing, f"{HOLIDAYS}/apac.jsonl", json_lines(golden_week))

    summary = ingest(con, landing)

    assert [(result.path, result.status, result.records) for result in summary.files] == [
        (f"{HOLIDAYS}/apac.jsonl", "loaded", 1),
        (f"{HOLIDAYS}/schedule-1_2026-03-01.json", "loaded", 2),
        (f"{HOLIDAYS}/schedule-2_2026-03-01.json", "loaded", 2),
    ]
    loaded = rows(
        con,
        "select _file_path, _record_number, json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.schedule_id'), _file_context"
        " from raw.zendesk__holidays order by _file_path, _record_number",
    )
    assert [row[:4] for row in loaded] == [
        (f"{HOLIDAYS}/apac.jsonl", 1, "9201", "3"),
        (f"{HOLIDAYS}/schedule-1_2026-03-01.json", 1, "9004", None),
        (f"{HOLIDAYS}/schedule-1_2026-03-01.json", 2, "9001", None),
        (f"{HOLIDAYS}/schedule-2_2026-03-01.json", 1, "9004", None),
        (f"{HOLIDAYS}/schedule-2_2026-03-01.json", 2, "9001", None),
    ]
    # The page envelope merged with the file name's schedule; JSON Lines: the hint only.
    assert [json.loads(row[4]) for row in loaded] == [
        {},
        {**ENVELOPE, "schedule_id": "1"},
        {**ENVELOPE, "schedule_id": "1"},
        {**ENVELOPE, "schedule_id": "2"},
        {**ENVELOPE, "schedule_id": "2"},
    ]
    assert [entry[7] for entry in ledger(con)] == ["loaded", "loaded", "loaded"]


def test_holidays_without_readable_dates_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    day_first = {**CHRISTMAS, "id": 9005, "start_date": "24/12/2026"}
    open_ended = {key: value for key, value in NEW_YEAR.items() if key != "end_date"}
    with_time = {**NEW_YEAR, "id": 9006, "end_date": "2027-01-01T00:00:00Z"}
    rel = f"{HOLIDAYS}/schedule-1_2026-04-01.json"
    write(landing, rel, _page("holidays", CHRISTMAS, day_first, open_ended, with_time))

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(rel, "zendesk__holidays", "partial", 1, 3, "3 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (2, "unparsable date start_date: 24/12/2026"),
        (3, "missing required field end_date"),
        (4, "unparsable date end_date: 2027-01-01T00:00:00Z"),
    ]


def test_organizations_groups_and_users_land_in_their_own_tables(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    organization = {
        "id": 361,
        "name": "Acme Corp",
        "external_id": "CUST-1",
        "group_id": 44,
        "domain_names": ["acme.example"],
        "tags": ["gold"],
        "organization_fields": {},
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2026-01-05T10:00:00Z",
    }
    group = {
        "id": 44,
        "name": "L1 Support",
        "default": True,
        "deleted": False,
        "is_public": True,
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
    }
    user = {
        "id": 7881,
        "name": "Jane Doe",
        "email": "jane.doe@acme.example",
        "phone": "+1 555 0100",
        "role": "end-user",
        "role_type": None,
        "organization_id": 361,
        "time_zone": "Eastern Time (US & Canada)",
        "iana_time_zone": "America/New_York",
        "active": True,
        "suspended": False,
        "created_at": "2025-01-03T10:00:00Z",
        "updated_at": "2025-01-03T10:00:00Z",
        "last_login_at": None,
    }
    write(landing, "zendesk/organizations/2026-01.json", _page("organizations", organization))
    deleted_flag = {**group, "id": 45, "deleted": "sometimes"}
    write(landing, "zendesk/groups/2026-01.json", _page("groups", group, deleted_flag))
    agent = {**user, "id": 135, "role": "agent", "role_type": "light agent"}
    never_seen = {**user, "id": 136, "last_login_at": "never"}
    write(landing, "zendesk/users/2026-01.jsonl", json_lines(user, agent, never_seen))

    summary = ingest(con, landing)

    assert summary.records_by_table() == {
        "zendesk__organizations": 1,
        "zendesk__groups": 1,
        "zendesk__users": 1,
    }
    assert [
        (number, reason) for number, reason, _ in rejections(con, "zendesk/groups/2026-01.json")
    ] == [(2, "unparsable boolean deleted: sometimes")]
    assert [
        (number, reason) for number, reason, _ in rejections(con, "zendesk/users/2026-01.jsonl")
    ] == [
        (2, "unparsable number role_type: light agent"),
        (3, "unparsable timestamp last_login_at: never"),
    ]
    # raw keeps the record as exported (personal data included; staging hashes the e-mail).
    assert [
        json.loads(record) for (record,) in rows(con, "select record_json from raw.zendesk__users")
    ] == [user]
