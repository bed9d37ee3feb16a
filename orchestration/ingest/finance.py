"""Finance CSV exports (landing.md ``finance/*``; kpi-definitions.md §2, §6).

- ``finance/support_costs``: ``month_start, group_id, amount, currency``, the support cost
  of a Zendesk group in a month (cost per ticket, cost per resolution). Staging keeps one
  row per month + group, the latest file (by name), then the latest row, winning.
- ``finance/billing_adjustments``: ``adjustment_id, contract_id, month_start, amount,
  currency, reason``, what billing actually credited or charged a contract in a month
  (reconciled with the warehouse's service credits). One row per ``adjustment_id``, the
  latest file and row winning.

Dates are ``YYYY-MM-DD``; amounts are decimal numbers in the row's currency (a credit may
be negative). A missing required column rejects the file; a row without its keys, with
an unreadable date or a non-numeric amount is rejected with its reason.
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

SUPPORT_COSTS = SourceSpec(
    tool="finance",
    entity="support_costs",
    file_format=FileFormat.CSV,
    required_columns=("month_start", "group_id", "amount", "currency"),
    checks=(
        *required("$.month_start", "$.group_id", "$.amount", "$.currency"),
        *typed(Check.DATE, "$.month_start"),
        *typed(Check.NUMBER, "$.amount"),
    ),
    description="Support cost per Zendesk group and month.",
)

BILLING_ADJUSTMENTS = SourceSpec(
    tool="finance",
    entity="billing_adjustments",
    file_format=FileFormat.CSV,
    required_columns=(
        "adjustment_id",
        "contract_id",
        "month_start",
        "amount",
        "currency",
        "reason",
    ),
    checks=(
        *required("$.adjustment_id", "$.contract_id", "$.month_start", "$.amount", "$.currency"),
        *typed(Check.DATE, "$.month_start"),
        *typed(Check.NUMBER, "$.amount"),
    ),
    description="Billing adjustments (credits, charges) per contract and month.",
)

SPECS = (SUPPORT_COSTS, BILLING_ADJUSTMENTS)
