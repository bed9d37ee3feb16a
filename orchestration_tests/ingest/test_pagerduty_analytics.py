"""PagerDuty Analytics raw incidents (source-exports.md §1c) through the loader: the
page's ``time_zone`` reaches ``_file_context`` for staging, naive times pass the
TIMESTAMP check, JSON Lines (no envelope, hence no zone) are refused. The zone
conversion itself (DST included) is asserted by the dbt unit tests of
``stg_pagerduty__analytics_incidents``.

The spec is not in ``pagerduty.SPECS`` yet: each test registers it for its own run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.ingest import loader
from orchestration.ingest.loader import FileResult, ingest
from orchestration.ingest.pagerduty_analytics import ANALYTICS_INCIDENTS
from orchestration.ingest.spec import SourceSpec
from orchestration_tests.ingest.payloads import count, rejections, rows, write

FOLDER = "pagerduty/analytics_incidents"

# source-exports.md §1c, the example record, byte for byte. Its durations do not match its
# times (see the spec's warning): it shows the shape only, never the arithmetic.
EXAMPLE_JSON = """{"id":"PYC0H08","incident_number":928,"created_at":"2023-05-31T10:05:00","resolved_at":"2023-05-31T10:15:00","status":"resolved","urgency":"low",
 "major":false,"priority_name":null,"service_id":"PPSCXAN","service_name":"Engineering","team_name":null,"seconds_to_first_ack":5,"seconds_to_resolve":3305,
 "seconds_to_engage":70,"seconds_to_mobilize":19,"escalation_count":1,"reassignment_count":0,"auto_resolved":false,"resolved_by_user_id":"PRJ4208"}"""  # noqa: E501
EXAMPLE: dict[str, Any] = json.loads(EXAMPLE_JSON)
# An incident across the 2026-03-08 US DST switch, in a New York page (wall-clock times).
DST_INCIDENT: dict[str, Any] = {
    **EXAMPLE,
    "id": "PDST001",
    "incident_number": 929,
    "created_at": "2026-03-07T23:30:00",
    "resolved_at": "2026-03-08T03:30:00",
    "updated_at": "2026-03-08T04:00:00",
    "seconds_to_resolve": 10800,  # 04:30Z -> 07:30Z
}
# The Analytics page envelope: cursor paging, the zone of every time, the request echo.
ENVELOPE: dict[str, Any] = {
    "first": "PYC0H08",
    "last": "PDST001",
    "limit": 1000,
    "more": False,
    "order": "desc",
    "order_by": "created_at",
    "ending_before": None,
    "starting_after": None,
    "time_zone": "America/New_York",
    "filters": {"created_at_start": "2023-05-01T00:00:00", "created_at_end": "2026-04-01T00:00:00"},
}


@pytest.fixture
def specs(monkeypatch: pytest.MonkeyPatch) -> tuple[SourceSpec, ...]:
    """The registry with the Analytics spec in it (until ``pagerduty.SPECS`` lists it)."""
    registry = loader.REGISTRY
    if ANALYTICS_INCIDENTS not in registry:
        registry = (*registry, ANALYTICS_INCIDENTS)
        monkeypatch.setattr(loader, "REGISTRY", registry)
    return registry


def _page(*records: Any, **envelope: Any) -> bytes:
    return json.dumps({"data": list(records), **(envelope or ENVELOPE)}).encode()


def test_page_keeps_naive_times_and_its_time_zone_in_the_file_context(
    landing: Path, con: duckdb.DuckDBPyConnection, specs: tuple[SourceSpec, ...]
) -> None:
    rel = f"{FOLDER}/2026-03-09.json"
    write(landing, rel, _page(EXAMPLE, DST_INCIDENT))

    summary = ingest(con, landing, specs=specs)

    assert summary.files == [FileResult(rel, "pagerduty__analytics_incidents", "loaded", 2, 0, "")]
    loaded = rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.created_at'),"
        " json_extract_string(record_json, '$.seconds_to_resolve'),"
        " json_extract_string(_file_context, '$.time_zone'), record_json, _file_context"
        " from raw.pagerduty__analytics_incidents order by 1",
    )
    # The times stay naive, as exported; the zone travels beside them.
    assert [row[:5] for row in loaded] == [
        (1, "PYC0H08", "2023-05-31T10:05:00", "3305", "America/New_York"),
        (2, "PDST001", "2026-03-07T23:30:00", "10800", "America/New_York"),
    ]
    assert [json.loads(row[5]) for row in loaded] == [EXAMPLE, DST_INCIDENT]
    assert json.loads(loaded[0][6]) == ENVELOPE


def test_records_failing_their_checks_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection, specs: tuple[SourceSpec, ...]
) -> None:
    no_created = {key: value for key, value in EXAMPLE.items() if key != "created_at"}
    bad_time = {**EXAMPLE, "id": "PBAD002", "resolved_at": "2023-05-31 ten past ten"}
    bad_number = {**EXAMPLE, "id": "PBAD003", "seconds_to_first_ack": "5s", "major": "maybe"}
    rel = f"{FOLDER}/page.json"
    write(landing, rel, _page(EXAMPLE, no_created, bad_time, bad_number, time_zone="Etc/UTC"))

    summary = ingest(con, landing, specs=specs)

    assert summary.files == [
        FileResult(rel, "pagerduty__analytics_incidents", "partial", 1, 3, "3 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (2, "missing required field created_at"),
        (3, "unparsable timestamp resolved_at: 2023-05-31 ten past ten"),
        (4, "unparsable number seconds_to_first_ack: 5s; unparsable boolean major: maybe"),
    ]
    assert rows(con, "select _file_context from raw.pagerduty__analytics_incidents") == [
        ('{"time_zone":"Etc/UTC"}',)
    ]


def test_json_lines_are_refused_because_they_lose_the_zone(
    landing: Path, con: duckdb.DuckDBPyConnection, specs: tuple[SourceSpec, ...]
) -> None:
    rel = f"{FOLDER}/export.jsonl"
    content = (json.dumps(EXAMPLE) + "\n").encode()
    write(landing, rel, content)

    summary = ingest(con, landing, specs=specs)

    reason = "unsupported file type .jsonl; pagerduty/analytics_incidents takes .json"
    assert summary.files == [
        FileResult(rel, "pagerduty__analytics_incidents", "rejected", 0, 1, reason)
    ]
    assert rejections(con, rel) == [(None, reason, content.decode())]
    assert count(con, "raw.pagerduty__analytics_incidents") == 0
