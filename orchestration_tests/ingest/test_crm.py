"""The CRM contracts CSV (landing.md ``crm/contracts``) through the loader: rows become
JSON objects of strings, with or without the optional ``effective_from`` column; a row
without its keys, with a date that is not ``YYYY-MM-DD`` or a fee that is not a number is
rejected with its reason; a missing required column rejects the file. The defaults
(effective_from = start_date, empty timezone = UTC, open end_date) and money as
decimal(18,2) are asserted by the dbt unit tests in ``models/staging/crm/_crm__models.yml``."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import count, rejections, rows, write

CONTRACTS = "crm/contracts"
HEADER = (
    "contract_id,customer_id,customer_name,zendesk_organization_id,tier,service_ids,"
    "monthly_fee,currency,start_date,end_date,timezone"
)


def _csv(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def test_contracts_load_with_and_without_effective_from(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # January: no effective_from column at all (it is optional).
    january = f"{CONTRACTS}/2026-01-01.csv"
    write(
        landing,
        january,
        _csv(
            HEADER,
            "C-100,CUST-1,Acme Corp,361,Silver,svc-checkout;svc-mail,1500.00,EUR,2026-01-15,,"
            "Europe/Berlin",
            '"C-200","CUST-2","Globex, Inc.",362,Bronze,svc-mail,800,USD,2025-06-01,2026-05-31,',
        ),
    )
    # March: C-100 upgrades to Gold from 2026-03-01; C-300 has an empty effective_from.
    march = f"{CONTRACTS}/2026-03-01.csv"
    write(
        landing,
        march,
        _csv(
            HEADER + ",effective_from",
            "C-100,CUST-1,Acme Corp,361,Gold,svc-checkout;svc-mail;svc-search,2500.00,EUR,"
            "2026-01-15,,Europe/Berlin,2026-03-01",
            "C-300,CUST-3,Initech,,Gold,svc-search,4200.50,JPY,2026-03-16,,Asia/Tokyo,",
        ),
    )

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(january, "crm__contracts", "loaded", 2, 0, ""),
        FileResult(march, "crm__contracts", "loaded", 2, 0, ""),
    ]
    loaded = rows(
        con,
        "select _file_path, _record_number, record_json, _file_context from raw.crm__contracts"
        " order by _file_path, _record_number",
    )
    records = [json.loads(record) for _, _, record, _ in loaded]
    # Every cell as text, keyed by the header; a quoted comma stays in its cell.
    assert records[1] == {
        "contract_id": "C-200",
        "customer_id": "CUST-2",
        "customer_name": "Globex, Inc.",
        "zendesk_organization_id": "362",
        "tier": "Bronze",
        "service_ids": "svc-mail",
        "monthly_fee": "800",
        "currency": "USD",
        "start_date": "2025-06-01",
        "end_date": "2026-05-31",
        "timezone": "",
    }
    # The January rows have no effective_from key; the March rows have it, empty or not.
    assert [record.get("effective_from") for record in records] == [None, None, "2026-03-01", ""]
    assert [(path, number, context) for path, number, _, context in loaded] == [
        (january, 1, None),
        (january, 2, None),
        (march, 1, None),
        (march, 2, None),
    ]


def test_contract_rows_without_keys_or_with_unreadable_values_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    header = HEADER + ",effective_from"
    rows_in = [
        "C-100,CUST-1,Acme Corp,361,Gold,svc-mail,2500.00,EUR,2026-01-15,,UTC,2026-03-01",
        ",CUST-2,Globex,362,Bronze,svc-mail,800,USD,2025-06-01,,,",
        "C-300,CUST-3,Initech,,Gold,svc-search,,JPY,2026-03-16,,Asia/Tokyo,",
        "C-400,CUST-4,Umbrella,,Bronze,svc-mail,99.99,USD,16/03/2026,,UTC,",
        "C-500,CUST-5,Hooli,,Silver,svc-mail,EUR 1500,EUR,2026-03-01,2026-02-30,UTC,March",
        "C-600,CUST-6,Bad Fee,,Silver,svc-mail,1.500,00,EUR,2026-03-01,,UTC,",
    ]
    rel = f"{CONTRACTS}/2026-03-01.csv"
    write(landing, rel, _csv(header, *rows_in))

    summary = ingest(con, landing)

    # 6 data rows: #1 loads, #2..#6 are rejected.
    assert summary.files == [
        FileResult(rel, "crm__contracts", "partial", 1, 5, "5 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (2, "missing required field contract_id"),
        (3, "missing required field monthly_fee"),
        (4, "unparsable date start_date: 16/03/2026"),
        (
            5,
            "unparsable date end_date: 2026-02-30; unparsable date effective_from: March; "
            "unparsable number monthly_fee: EUR 1500",
        ),
        # An unquoted decimal comma splits the fee into two cells.
        (6, "row has 13 fields, the header has 12"),
    ]
    assert rows(
        con, "select json_extract_string(record_json, '$.contract_id') from raw.crm__contracts"
    ) == [("C-100",)]


def test_a_missing_required_column_rejects_the_file(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = _csv(
        "contract_id,customer_id,customer_name,tier,service_ids,monthly_fee,currency,start_date",
        "C-100,CUST-1,Acme Corp,Gold,svc-mail,2500.00,EUR,2026-01-15",
    )
    rel = f"{CONTRACTS}/partial-columns.csv"
    write(landing, rel, content)

    summary = ingest(con, landing)

    reason = "missing required column(s): zendesk_organization_id, end_date, timezone"
    assert summary.files == [FileResult(rel, "crm__contracts", "rejected", 0, 1, reason)]
    assert rejections(con, rel) == [(None, reason, content.decode())]
    assert count(con, "raw.crm__contracts") == 0
