"""The CRM contracts CSV (landing.md ``crm/contracts``; kpi-definitions.md §2, §3b, §6).

Columns: ``contract_id, customer_id, customer_name, zendesk_organization_id, tier
(Gold/Silver/Bronze), service_ids (a ``;`` list of catalog service ids), monthly_fee,
currency, start_date, end_date (empty = open, else inclusive), timezone (IANA, empty =
UTC)``, and optionally ``effective_from`` (the date this row's terms start; empty or
absent = start_date). A missing required column rejects the file.

A contract changes by a new row with a later ``effective_from`` (a tier upgrade, a new
service), so one row is one contract version and the history lives in the files
themselves: a fresh load of every file reproduces every past month. Staging keeps one row
per ``contract_id`` + ``effective_from``, the latest file (by name), then the latest row,
winning for a repeated key (a corrected row). A row without its keys, with a date that is
not ``YYYY-MM-DD`` or a fee that is not a number is rejected with its reason.
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

CONTRACTS = SourceSpec(
    tool="crm",
    entity="contracts",
    file_format=FileFormat.CSV,
    required_columns=(
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
    ),
    optional_columns=("effective_from",),
    checks=(
        *required("$.contract_id", "$.customer_id", "$.tier", "$.start_date"),
        *required("$.monthly_fee", "$.currency"),
        *typed(Check.DATE, "$.start_date", "$.end_date", "$.effective_from"),
        *typed(Check.NUMBER, "$.monthly_fee"),
    ),
    description=(
        "CRM contracts: one row per contract version (effective_from), with tier, covered "
        "services, fee, dates and time zone."
    ),
)

SPECS = (CONTRACTS,)
