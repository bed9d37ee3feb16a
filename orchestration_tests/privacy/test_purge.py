"""The retention purge on hand-built raw records: which records, which fields, the log,
and that the landing folder and the ingest ledger are left as they were."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.loader import connect, ingest
from orchestration.privacy import keys
from orchestration.privacy.purge import (
    PURGE_SPECS,
    PurgeSpec,
    default_retain_days,
    purge,
    purge_record,
    record_time,
)
from orchestration_tests.conftest import tree_hashes
from orchestration_tests.ingest.payloads import json_lines, write

NOW = datetime(2026, 7, 1, 0, 0, 0)
KEY = keys.SAMPLES_ONLY_KEY.encode()
SPECS = {spec.raw_table: spec for spec in PURGE_SPECS}


def key_of(value: str) -> str:
    return keys.PURGED_PREFIX + keys.personal_data_key(value, KEY)


@pytest.fixture(autouse=True)
def samples_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    monkeypatch.delenv("KPI_ENV", raising=False)


def test_nested_and_array_fields_are_replaced_by_their_key() -> None:
    build = {
        "number": 7,
        "timestamp": 1_700_000_000_000,
        "changeSet": {
            "items": [
                {"authorEmail": "ada@acme.example", "author": {"fullName": "Ada Zhang"}},
                {"authorEmail": "", "author": {"fullName": None}},
            ]
        },
        "actions": [{}, {"causes": [{"userName": "Ben Fischer", "userId": "ben"}]}],
    }
    text = json.dumps(build, separators=(",", ":"))
    new_text, replaced = purge_record(text, SPECS["jenkins__builds"], KEY)
    assert new_text is not None
    # ada's e-mail and name, Ben's name: 3; the empty e-mail and the null name stay.
    assert replaced == 3
    new = json.loads(new_text)
    assert new["changeSet"]["items"][0] == {
        "authorEmail": key_of("ada@acme.example"),
        "author": {"fullName": key_of("Ada Zhang")},
    }
    assert new["changeSet"]["items"][1] == {"authorEmail": "", "author": {"fullName": None}}
    assert new["actions"][1]["causes"][0] == {"userName": key_of("Ben Fischer"), "userId": "ben"}
    # Everything else, and the compact style of the text, is as it was.
    expected_text = text
    for value in ("ada@acme.example", "Ada Zhang", "Ben Fischer"):
        expected_text = expected_text.replace(json.dumps(value), json.dumps(key_of(value)))
    assert new_text == expected_text
    # A second purge finds nothing left to replace.
    assert purge_record(new_text, SPECS["jenkins__builds"], KEY) == (None, 0)


def test_a_csv_row_keeps_its_json_style() -> None:
    row = {"source": "pagerduty", "incident_id": "P1", "approved_by": " CFO@example.com "}
    text = json.dumps(row)  # the loader writes CSV rows with the default separators
    new_text, replaced = purge_record(text, SPECS["sla__exclusions"], KEY)
    assert replaced == 1
    assert new_text == json.dumps({**row, "approved_by": key_of("cfo@example.com")})


def test_records_are_dated_by_their_own_fields() -> None:
    # ISO with Z, Jira's +HHMM, epoch seconds (Delighted), epoch milliseconds (Jenkins).
    assert record_time({"updated_at": "2026-01-02T03:04:05Z"}, ("updated_at",)) == datetime(
        2026, 1, 2, 3, 4, 5
    )
    jira = {"fields": {"updated": "2026-07-07T15:10:02.120+0900"}}
    assert record_time(jira, ("fields.updated",)) == datetime(2026, 7, 7, 6, 10, 2, 120000)
    assert record_time({"updated_at": 1641289688}, ("updated_at",)) == datetime(
        2022, 1, 4, 9, 48, 8
    )
    assert record_time({"timestamp": 1_700_000_000_000}, ("timestamp",)) == datetime(
        2023, 11, 14, 22, 13, 20
    )
    # The first present field wins; none present -> None (the purge then uses _loaded_at).
    both = {"updated_at": None, "created_at": "2025-05-05T00:00:00+02:00"}
    assert record_time(both, ("updated_at", "created_at")) == datetime(2025, 5, 4, 22, 0)
    assert record_time({"approved_at": ""}, ("approved_at",)) is None


@pytest.fixture
def loaded(tmp_path: Path) -> Iterator[tuple[Path, duckdb.DuckDBPyConnection]]:
    landing = tmp_path / "landing"
    old = {"id": 1, "name": "Jane Doe", "email": "Jane.Doe@example.com", "phone": "+1 555 0100",
           "role": "end-user", "created_at": "2025-01-01T00:00:00Z",
           "updated_at": "2025-06-30T23:59:59Z"}  # fmt: skip
    recent = {**old, "id": 2, "name": "Kim Min-jun", "email": "kim@example.kr",
              "updated_at": "2025-07-01T00:00:01Z"}  # fmt: skip
    write(landing, "zendesk/users/2026-06.jsonl", json_lines(old, recent))
    write(
        landing,
        "sla/exclusions/2026-01.csv",
        "source,incident_id,reason,approved_by,approved_at\n"
        "pagerduty,P1,third_party,cfo@example.com,2026-01-10T12:00:00Z\n"
        "pagerduty,P2,third_party,,\n"
        ",P3,third_party,cfo@example.com,2026-01-11T12:00:00Z\n",  # no source: rejected
    )
    con = connect(tmp_path / "warehouse.duckdb")
    assert not ingest(con, landing).errors
    yield landing, con
    con.close()


def users(con: duckdb.DuckDBPyConnection) -> dict[int, dict]:
    return {
        record["id"]: record
        for record in (
            json.loads(text)
            for (text,) in con.execute("select record_json from raw.zendesk__users").fetchall()
        )
    }


def test_only_records_older_than_the_period_are_purged(
    loaded: tuple[Path, duckdb.DuckDBPyConnection],
) -> None:
    landing, con = loaded
    hashes = tree_hashes(landing)
    # 365 days before 2026-07-01 is 2025-07-01 00:00: user 1 (updated 2025-06-30
    # 23:59:59) is older, user 2 (2025-07-01 00:00:01) is not. The approval of
    # 2026-01-10 is recent; the unapproved P2 row has nothing to purge.
    result = purge(con, 365, now=NOW)
    assert result.cutoff_at == datetime(2025, 7, 1)
    by_table = {table.raw_table: table for table in result.tables}
    assert (
        by_table["zendesk__users"].records_purged,
        by_table["zendesk__users"].fields_purged,
    ) == (
        1,
        3,
    )
    assert by_table["sla__exclusions"].records_purged == 0
    found = users(con)
    assert found[1]["email"] == key_of("jane.doe@example.com")
    assert found[1]["name"] == key_of("Jane Doe")
    assert found[1]["phone"] == key_of("+1 555 0100")
    assert found[1]["role"] == "end-user"
    assert found[2]["email"] == "kim@example.kr"
    # Staging's user_key of the purged e-mail is the key of the clear one.
    assert keys.personal_data_key(found[1]["email"], KEY) == keys.personal_data_key(
        "Jane.Doe@example.com", KEY
    )

    log = con.execute(
        "select purge_id, retain_days, cutoff_at, raw_table, records_scanned, records_purged, "
        "fields_purged, key_source from audit.purge_log order by raw_table"
    ).fetchall()
    # One row per raw table (and the rejections), also when nothing was due.
    assert len(log) == len(PURGE_SPECS) + 1
    assert ("zendesk__users", 2, 1, 3) in [row[3:7] for row in log]
    assert {row[0] for row in log} == {result.purge_id}
    assert {row[1:3] for row in log} == {(365, datetime(2025, 7, 1))}
    assert {row[7] for row in log} == {"samples-only"}

    # The landing files are untouched, and ingest does not load them again.
    assert tree_hashes(landing) == hashes
    again = ingest(con, landing)
    assert again.records == 0
    assert {result.status for result in again.files} == {"skipped"}
    assert users(con)[1]["email"] == key_of("jane.doe@example.com")


def test_a_shorter_period_purges_more_and_a_rerun_nothing(
    loaded: tuple[Path, duckdb.DuckDBPyConnection],
) -> None:
    _, con = loaded
    result = purge(con, 0, now=NOW)
    by_table = {table.raw_table: table.records_purged for table in result.tables}
    assert by_table["zendesk__users"] == 2
    assert by_table["sla__exclusions"] == 1  # P1's approver; P2 has none
    approvals = [
        json.loads(text)["approved_by"]
        for (text,) in con.execute(
            "select record_json from raw.sla__exclusions order by _record_number"
        ).fetchall()
    ]
    assert approvals == [key_of("cfo@example.com"), ""]
    rerun = purge(con, 0, now=NOW)
    assert rerun.records_purged == 0
    assert con.execute("select count(distinct purge_id) from audit.purge_log").fetchone() == (2,)


def test_rejected_records_past_the_period_become_their_key(
    loaded: tuple[Path, duckdb.DuckDBPyConnection],
) -> None:
    _, con = loaded
    (text,) = con.execute("select raw_text from raw.ingest_rejections").fetchone()
    assert "cfo@example.com" in text
    # Rejected "now": kept with a 1-day period, replaced once the period is over.
    assert purge(con, 1).tables[-1].records_purged == 0
    later = purge(con, 0, now=datetime.now() + timedelta(days=1))
    assert (later.tables[-1].raw_table, later.tables[-1].records_purged) == ("ingest_rejections", 1)
    assert con.execute("select raw_text from raw.ingest_rejections").fetchone() == (
        keys.purged_value(text, KEY),
    )


def test_retention_days_come_from_the_environment() -> None:
    assert default_retain_days({}) == 365
    assert default_retain_days({"KPI_RETAIN_DAYS": "90"}) == 90
    with pytest.raises(ValueError):
        purge(duckdb.connect(), -1)


def test_every_purge_spec_names_a_registered_raw_table() -> None:
    from orchestration.ingest.registry import REGISTRY

    tables = {spec.raw_table for spec in REGISTRY}
    assert {spec.raw_table for spec in PURGE_SPECS} <= tables
    assert all(isinstance(spec, PurgeSpec) and spec.fields for spec in PURGE_SPECS)
