"""The service catalog CSV (landing.md, ``catalog/services``): rows become JSON objects of
strings; bad rows are rejected one by one, a missing required column rejects the file."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import (
    CATALOG_HEADER,
    CATALOG_REQUIRED,
    count,
    ledger,
    rejections,
    rows,
    sha256,
    write,
)

SERVICES = "catalog/services"
MAIL = "svc-mail,My Mail Service,critical,Engineering,true,PIJ90N7;PT20YPA,mail-team,cmp1,,42,deploy-mail,acme/mail,mail;email,Mail"  # noqa: E501
BILLING = "svc-billing,Billing,high,Finance,FALSE,PBILL01,,,ci-77,,,acme/billing,,"


def _csv(*lines: str, newline: str = "\n") -> bytes:
    return "".join(line + newline for line in lines).encode()


def test_rows_become_json_objects_of_strings_and_a_bom_is_tolerated(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = b"\xef\xbb\xbf" + _csv(CATALOG_HEADER, MAIL, BILLING, newline="\r\n")
    write(landing, f"{SERVICES}/2024-06-01.csv", content)

    summary = ingest(con, landing)

    rel = f"{SERVICES}/2024-06-01.csv"
    assert summary.files == [FileResult(rel, "catalog__services", "loaded", 2, 0, "")]
    loaded = rows(
        con,
        "select _record_number, record_json, _file_context, _file_sha256,"
        " json_extract_string(record_json, '$.service_id'),"
        " json_extract_string(record_json, '$.pagerduty_service_ids'),"
        " json_type(record_json, '$.is_production')"
        " from raw.catalog__services order by _record_number",
    )
    assert [(r[0], r[2], r[3], r[4], r[5], r[6]) for r in loaded] == [
        (1, None, sha256(content), "svc-mail", "PIJ90N7;PT20YPA", "VARCHAR"),
        (2, None, sha256(content), "svc-billing", "PBILL01", "VARCHAR"),
    ]
    # The BOM is not part of the first column's name; every value stays a string.
    assert json.loads(loaded[0][1]) == dict(
        zip(CATALOG_HEADER.split(","), MAIL.split(","), strict=True)
    )
    assert json.loads(loaded[1][1]) == {
        "service_id": "svc-billing",
        "service_name": "Billing",
        "criticality": "high",
        "owner_team": "Finance",
        "is_production": "FALSE",
        "pagerduty_service_ids": "PBILL01",
        "opsgenie_teams": "",
        "statuspage_component_ids": "",
        "servicenow_cmdb_ci_ids": "ci-77",
        "gitlab_project_ids": "",
        "jenkins_jobs": "",
        "github_repos": "acme/billing",
        "ticket_tags": "",
        "jira_components": "",
    }


def test_bad_rows_are_rejected_with_their_reasons_and_the_rest_loads(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    short = "svc-short,Short Row,low,Ops,true"
    maybe = "svc-maybe,Maybe,low,Ops,maybe,,,,,,,,,"
    no_id = ",Nameless,low,Ops,false,,,,,,,,,"
    latin1 = "svc-cafe,Caf\u00e9,low,Ops,true,,,,,,,,,".encode("latin-1")  # é as 0xe9
    content = _csv(CATALOG_HEADER, MAIL, short, maybe, no_id) + latin1 + b"\n" + _csv(BILLING)
    rel = f"{SERVICES}/services.csv"
    write(landing, rel, content)

    summary = ingest(con, landing)

    # 6 data rows: #1 and #6 load, #2-#5 are rejected.
    assert summary.files == [
        FileResult(rel, "catalog__services", "partial", 2, 4, "4 record(s) rejected")
    ]
    found = rejections(con, rel)
    assert [(number, reason) for number, reason, _ in found] == [
        (2, "row has 5 fields, the header has 14"),
        (3, "unparsable boolean is_production: maybe"),
        (4, "missing required field service_id"),
        # "svc-cafe,Caf" is 12 bytes, so the 0xe9 sits at offset 12.
        (5, "undecodable byte 0xe9 at offset 12 (not UTF-8)"),
    ]
    assert found[0][2] == short
    assert json.loads(found[1][2])["is_production"] == "maybe"
    assert json.loads(found[2][2])["service_name"] == "Nameless"
    assert found[3][2] == "svc-cafe,Caf\\xe9,low,Ops,true,,,,,,,,,"
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.service_id')"
        " from raw.catalog__services order by 1",
    ) == [(1, "svc-mail"), (6, "svc-billing")]
    [entry] = ledger(con)
    assert entry[4:] == (len(content), 2, 4, "partial", "4 record(s) rejected")


def test_a_missing_required_column_rejects_the_file(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    header = CATALOG_HEADER.replace("owner_team,", "")
    row = MAIL.replace("Engineering,", "")
    content = _csv(header, row)
    rel = f"{SERVICES}/no-owner.csv"
    write(landing, rel, content)

    summary = ingest(con, landing)

    reason = "missing required column(s): owner_team"
    assert summary.files == [FileResult(rel, "catalog__services", "rejected", 0, 1, reason)]
    assert rejections(con, rel) == [(None, reason, content.decode())]
    assert ledger(con)[0][5:] == (0, 1, "rejected", reason)
    assert count(con, "raw.catalog__services") == 0


def test_optional_columns_may_be_absent(landing: Path, con: duckdb.DuckDBPyConnection) -> None:
    row = "svc-mail,My Mail Service,critical,Engineering,true,PIJ90N7,,,,,,acme/mail"
    write(landing, f"{SERVICES}/required-only.csv", _csv(CATALOG_REQUIRED, row))

    summary = ingest(con, landing)

    assert [(r.status, r.records, r.rejected) for r in summary.files] == [("loaded", 1, 0)]
    [(record_json,)] = rows(con, "select record_json from raw.catalog__services")
    record = json.loads(record_json)
    assert sorted(record) == sorted(CATALOG_REQUIRED.split(","))
    assert "ticket_tags" not in record
    assert record["github_repos"] == "acme/mail"
