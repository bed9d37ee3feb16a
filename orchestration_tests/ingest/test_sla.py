"""The SLA exclusions CSV (landing.md ``sla/exclusions``): rows become JSON objects of
strings; a row without its key is rejected; a reason outside the three documented ones
still loads (staging's accepted_values test warns); a missing column rejects the file."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import count, ledger, rejections, rows, write

EXCLUSIONS = "sla/exclusions"
HEADER = "source,incident_id,reason,approved_by,approved_at"


def _csv(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def test_exclusions_load_with_any_reason_and_bad_rows_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    rows_in = [
        "statuspage,cp306tmzcl0y,force_majeure,cfo@example.com,2026-02-01T12:00:00Z",
        "pagerduty,PT4KHLK,customer_caused,cfo@example.com,2026-02-02T09:30:00+01:00",
        # Not one of the three reasons: loads, staging warns.
        "opsgenie,event_572,goodwill,cfo@example.com,2026-02-03T08:00:00-06:00",
        ",no-source,third_party,cfo@example.com,2026-02-03T08:00:00Z",
        "statuspage,,third_party,cfo@example.com,2026-02-03T08:00:00Z",
        "statuspage,x9k2pl0m7n4b,third_party,cfo@example.com,last tuesday",
        # An exclusion not yet approved: empty approval cells load.
        "statuspage,z7q1,third_party,,",
    ]
    rel = f"{EXCLUSIONS}/2026-02.csv"
    content = _csv(HEADER, *rows_in)
    write(landing, rel, content)

    summary = ingest(con, landing)

    # 7 data rows: #1 #2 #3 #7 load, #4 #5 #6 are rejected.
    assert summary.files == [
        FileResult(rel, "sla__exclusions", "partial", 4, 3, "3 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (4, "missing required field source"),
        (5, "missing required field incident_id"),
        (6, "unparsable timestamp approved_at: last tuesday"),
    ]
    loaded = rows(
        con,
        "select _record_number, record_json, _file_context from raw.sla__exclusions order by 1",
    )
    assert [(number, context) for number, _, context in loaded] == [
        (1, None),
        (2, None),
        (3, None),
        (7, None),
    ]
    assert json.loads(loaded[2][1]) == {
        "source": "opsgenie",
        "incident_id": "event_572",
        "reason": "goodwill",
        "approved_by": "cfo@example.com",
        "approved_at": "2026-02-03T08:00:00-06:00",
    }
    assert json.loads(loaded[3][1])["approved_at"] == ""
    assert ledger(con)[0][5:] == (4, 3, "partial", "3 record(s) rejected")


def test_a_missing_required_column_rejects_the_file(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = _csv(
        "source,incident_id,reason,approved_by",
        "statuspage,cp306tmzcl0y,force_majeure,cfo@example.com",
    )
    rel = f"{EXCLUSIONS}/no-approval-time.csv"
    write(landing, rel, content)

    summary = ingest(con, landing)

    reason = "missing required column(s): approved_at"
    assert summary.files == [FileResult(rel, "sla__exclusions", "rejected", 0, 1, reason)]
    assert rejections(con, rel) == [(None, reason, content.decode())]
    assert count(con, "raw.sla__exclusions") == 0
