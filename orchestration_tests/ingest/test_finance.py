"""Finance CSV exports (landing.md ``finance/support_costs``, ``finance/billing_adjustments``)
through the loader: rows become JSON objects of strings (amounts keep their text, so
staging casts them to decimal(18,2) without a double in between); a row without its keys,
with a month that is not ``YYYY-MM-DD`` or an amount that is not a number is rejected
with its reason; a missing required column rejects the file. Month normalisation, the
latest row winning and money as decimal are asserted by the dbt unit tests in
``models/staging/finance/_finance__models.yml``."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import count, rejections, rows, write

SUPPORT_COSTS = "finance/support_costs"
BILLING_ADJUSTMENTS = "finance/billing_adjustments"
COSTS_HEADER = "month_start,group_id,amount,currency"
ADJUSTMENTS_HEADER = "adjustment_id,contract_id,month_start,amount,currency,reason"


def _csv(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def test_support_costs_load_and_bad_rows_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    rows_in = [
        "2026-02-01,44,17250.405,EUR",
        "2026-02-01,45,9100,eur",
        "2026-02-01,,100.00,EUR",
        "2026-02,46,100.00,EUR",
        '2026-02-01,46,"11,800.00",EUR',
        "2026-02-01,47,50.00,",
    ]
    rel = f"{SUPPORT_COSTS}/2026-02.csv"
    write(landing, rel, _csv(COSTS_HEADER, *rows_in))

    summary = ingest(con, landing)

    # 6 data rows: #1 #2 load; #3..#6 are rejected.
    assert summary.files == [
        FileResult(rel, "finance__support_costs", "partial", 2, 4, "4 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (3, "missing required field group_id"),
        (4, "unparsable date month_start: 2026-02"),
        (5, "unparsable number amount: 11,800.00"),
        (6, "missing required field currency"),
    ]
    loaded = rows(con, "select record_json, _file_context from raw.finance__support_costs")
    # The amount stays the exported text (three decimals included); no file context.
    assert [(json.loads(record), context) for record, context in loaded] == [
        (
            {
                "month_start": "2026-02-01",
                "group_id": "44",
                "amount": "17250.405",
                "currency": "EUR",
            },
            None,
        ),
        (
            {"month_start": "2026-02-01", "group_id": "45", "amount": "9100", "currency": "eur"},
            None,
        ),
    ]


def test_billing_adjustments_load_with_negative_credits(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    rows_in = [
        "ADJ-1,C-100,2026-02-01,-150.00,EUR,SLA credit February",
        "ADJ-2,C-300,2026-02-01,-420.05,JPY,",
        "ADJ-3,,2026-02-01,25.00,USD,late fee",
        "ADJ-4,C-200,2026-02-01,ten,USD,typo",
        ",C-200,2026-02-31,25.00,USD,no id",
    ]
    rel = f"{BILLING_ADJUSTMENTS}/2026-03.csv"
    write(landing, rel, _csv(ADJUSTMENTS_HEADER, *rows_in))

    summary = ingest(con, landing)

    assert summary.files == [
        FileResult(rel, "finance__billing_adjustments", "partial", 2, 3, "3 record(s) rejected")
    ]
    assert [(number, reason) for number, reason, _ in rejections(con, rel)] == [
        (3, "missing required field contract_id"),
        (4, "unparsable number amount: ten"),
        (5, "missing required field adjustment_id; unparsable date month_start: 2026-02-31"),
    ]
    assert rows(
        con,
        "select json_extract_string(record_json, '$.adjustment_id'),"
        " json_extract_string(record_json, '$.amount'),"
        " json_extract_string(record_json, '$.reason')"
        " from raw.finance__billing_adjustments order by _record_number",
    ) == [("ADJ-1", "-150.00", "SLA credit February"), ("ADJ-2", "-420.05", "")]


def test_a_missing_required_column_rejects_the_file(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = _csv("adjustment_id,contract_id,month_start,amount", "ADJ-1,C-100,2026-02-01,-150")
    rel = f"{BILLING_ADJUSTMENTS}/no-currency.csv"
    write(landing, rel, content)

    summary = ingest(con, landing)

    reason = "missing required column(s): currency, reason"
    assert summary.files == [
        FileResult(rel, "finance__billing_adjustments", "rejected", 0, 1, reason)
    ]
    assert rejections(con, rel) == [(None, reason, content.decode())]
    assert count(con, "raw.finance__billing_adjustments") == 0
