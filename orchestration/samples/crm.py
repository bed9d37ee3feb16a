"""CRM contracts CSV (landing.md `crm/contracts`): one row per contract version.

`crm/contracts/contracts_<YYYY-MM-DD>.csv` - a full export of the contract table on the
1st of every month from 1 January to 1 July (and so one file per month): every row the
CRM knew by then, with the landing.md header including the optional `effective_from`.
A contract's first row leaves `effective_from` empty (its terms start at `start_date`);
a later change is a new row with the same `contract_id` and a later `effective_from`,
which appears only in the files exported after it was entered (the planted tier change,
Silver -> Gold from 2026-04-15, first shows up on 1 May). `end_date` (inclusive) shows
up once the customer has given notice. Dates are `YYYY-MM-DD` in the contract's
`timezone` (IANA, empty = UTC); `service_ids` is a `;` list of catalog service ids;
`zendesk_organization_id` is the customer's Zendesk organization.
"""

from __future__ import annotations

import calendar
import csv
from pathlib import Path

from orchestration.samples.support import ContractRow, Support

FOLDER = "crm/contracts"
COLUMNS = (
    "contract_id",
    "customer_id",
    "customer_name",
    "zendesk_organization_id",
    "tier",
    "service_ids",
    "monthly_fee",
    "currency",
    "start_date",
    "end_date",
    "timezone",
    "effective_from",
)
EXPORT_DATES = tuple((2026, month, 1) for month in range(1, 8))


def contract_row(row: ContractRow, as_of: int) -> list[str]:
    end_known = row.end_date is not None and row.end_known_at is not None and (
        row.end_known_at <= as_of
    )  # fmt: skip
    return [
        row.contract_id,
        row.customer_id,
        row.customer_name,
        str(row.organization_id),
        row.tier,
        ";".join(row.service_ids),
        f"{row.monthly_fee:.2f}",
        row.currency,
        row.start_date.isoformat(),
        row.end_date.isoformat() if end_known and row.end_date else "",
        row.timezone,
        row.effective_from.isoformat() if row.effective_from else "",
    ]


def write_contracts(support: Support, out_dir: Path) -> dict[str, int]:
    """Write the monthly full exports; return {folder: rows written}."""
    folder = out_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rows = sorted(
        (row for contract in support.contracts for row in contract.rows),
        key=lambda row: (row.contract_id, row.terms_from),
    )
    written = 0
    for year, month, day in EXPORT_DATES:
        as_of = calendar.timegm((year, month, day, 6, 0, 0))
        known = [row for row in rows if row.known_at <= as_of]
        path = folder / f"contracts_{year:04d}-{month:02d}-{day:02d}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(contract_row(row, as_of) for row in known)
        written += len(known)
    return {FOLDER: written}
