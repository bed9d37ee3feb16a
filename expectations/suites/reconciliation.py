"""The quarterly reconciliations of kpi-definitions.md §8: do the sources agree?

Each reconciliation is a DuckDB query that lines the two sides up, one row per compared
key (service × quarter, contract × month, SLA clock, raw table), and a GX suite over those
rows. GX validates the DataFrame (never the DuckDB file, GX issue #10738); a failed
expectation lists the rows that disagree (``partial_unexpected_index_list`` -> the rows).

Every query has a ``quarter_start`` column (the first day of the quarter, UTC reporting
time zone), which a quarterly run filters on. Tolerances are suite parameters
(``{"$PARAMETER": "reconciliation_tolerance_pct"}``), so the committed JSON keeps the
rule and a run passes the value (dbt var ``reconciliation_tolerance_pct``, default 2,
or ``$KPI_RECONCILIATION_TOLERANCE_PCT``).

Every expectation here is ``critical``: a failure is a reconciliation break (Dagster
severity ERROR). Row-count guards are ``warning``: an empty quarter is worth a look,
not a break.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import great_expectations as gx

SPEC = "kpi-definitions.md, section 8 (reconciliation)"
TOLERANCE = "reconciliation_tolerance_pct"
TOLERANCE_PARAMETER = {"$PARAMETER": TOLERANCE}
DEFAULT_TOLERANCE_PCT = 2.0
SLA_AGREEMENT_MIN = 0.99  # share of SLA clocks where both verdicts agree (§8: >= 99 %)
TOLERANCE_ENV = "KPI_RECONCILIATION_TOLERANCE_PCT"


def tolerance_pct(project_root: Path | None = None) -> float:
    """``$KPI_RECONCILIATION_TOLERANCE_PCT``, else dbt var ``reconciliation_tolerance_pct``
    in dbt_project.yml, else 2. A value that is not a number is an error, not a default."""
    value = os.environ.get(TOLERANCE_ENV)
    if value:
        try:
            return float(value)
        except ValueError as exc:
            raise ValueError(f"{TOLERANCE_ENV}={value!r} is not a number") from exc
    import yaml

    root = project_root or Path(__file__).resolve().parents[2]
    project = yaml.safe_load((root / "dbt_project.yml").read_text(encoding="utf-8"))
    return float((project.get("vars") or {}).get(TOLERANCE, DEFAULT_TOLERANCE_PCT))


def _why(reason: str) -> dict[str, str]:
    return {"why": reason, "spec": SPEC}


def _suite(name: str, relation: str, grain: str, expectations: list) -> gx.ExpectationSuite:
    import great_expectations as gx

    return gx.ExpectationSuite(
        name=name,
        expectations=expectations,
        meta={
            "grain": grain,
            "relation": relation,
            "spec": SPEC,
            "kind": "reconciliation",
            "written_by": "expectations/suites/reconciliation.py (python -m "
            "expectations.validate build-suites)",
        },
    )


def _non_empty(what: str) -> object:
    import great_expectations.expectations as gxe

    return gxe.ExpectTableRowCountToBeBetween(
        min_value=1,
        severity="warning",
        meta=_why(f"No {what} in the period: nothing was compared (a warning, not a break)."),
    )


# --------------------------------------------------------------------------- deployments

DEPLOYMENTS_VS_CHANGES = "recon_deployments_vs_changes"
DEPLOYMENTS_VS_CHANGES_QUERY = """
with

deployments as (
    select
        service_id,
        cast(date_trunc('quarter', finished_at) as date) as quarter_start,
        count(*) filter (where is_success) as deployments_successful,
        count(*) as deployment_attempts
    from marts.fct_deployments
    where is_production and finished_at is not null and status in ('success', 'failed')
    group by 1, 2
),

change_services as (
    select source_key as cmdb_ci_sys_id, service_id
    from intermediate.int_service_keys_unnested
    where source = 'servicenow'
),

changes as (
    select
        coalesce(change_services.service_id, 'unmapped:servicenow:'
            || coalesce(changes.cmdb_ci_sys_id, '')) as service_id,
        cast(date_trunc('quarter', coalesce(changes.work_ended_at, changes.closed_at)) as date)
            as quarter_start,
        count(*) filter (where changes.close_code = 'successful') as changes_successful,
        count(*) as changes_closed
    from staging.stg_servicenow__change_requests as changes
    left join change_services on changes.cmdb_ci_sys_id = change_services.cmdb_ci_sys_id
    where changes.state = '3'
        and changes.close_code in ('successful', 'successful_issues', 'unsuccessful')
    group by 1, 2
),

compared as (
    select
        coalesce(deployments.service_id, changes.service_id) as service_id,
        coalesce(deployments.quarter_start, changes.quarter_start) as quarter_start,
        coalesce(deployments.deployments_successful, 0) as deployments_successful,
        coalesce(deployments.deployment_attempts, 0) as deployment_attempts,
        coalesce(changes.changes_successful, 0) as changes_successful,
        coalesce(changes.changes_closed, 0) as changes_closed
    from deployments
    full outer join changes
        on deployments.service_id = changes.service_id
        and deployments.quarter_start = changes.quarter_start
)

select
    service_id,
    quarter_start,
    deployments_successful,
    changes_successful,
    case when greatest(deployments_successful, changes_successful) = 0 then 0.0
        else round(100.0 * abs(deployments_successful - changes_successful)
            / greatest(deployments_successful, changes_successful), 2)
    end as count_difference_pct,
    deployment_attempts,
    changes_closed,
    round(100.0 * deployments_successful / nullif(deployment_attempts, 0), 2)
        as deployment_success_rate_pct,
    round(100.0 * changes_successful / nullif(changes_closed, 0), 2)
        as change_success_rate_pct,
    round(abs(100.0 * deployments_successful / nullif(deployment_attempts, 0)
        - 100.0 * changes_successful / nullif(changes_closed, 0)), 2)
        as success_rate_difference_pct
from compared
order by quarter_start, service_id
"""


def _within_tolerance(column: str, reason: str) -> Any:
    """A difference in % (or points) between two sources: 0..reconciliation_tolerance_pct,
    the bound given at run time; a break is critical (ERROR)."""
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=0,
        max_value=TOLERANCE_PARAMETER,
        severity="critical",
        meta=_why(reason),
    )


def build_deployments_vs_changes() -> gx.ExpectationSuite:

    return _suite(
        DEPLOYMENTS_VS_CHANGES,
        "marts.fct_deployments",
        "one row per service x quarter (production deployments vs ServiceNow changes)",
        [
            _non_empty("production deployments or closed change requests"),
            _within_tolerance(
                "count_difference_pct",
                "Successful production deployments (GitLab, Jenkins, GitHub) and "
                "ServiceNow change requests closed `successful` of the service in the "
                "quarter: |deployments - changes| / the larger, in %, within "
                "reconciliation_tolerance_pct. A change is counted in the quarter its "
                "work ended (else closed), a deployment in the quarter it finished.",
            ),
            _within_tolerance(
                "success_rate_difference_pct",
                "Deployment success rate (successful / finished production attempts) "
                "and change success rate (`successful` / closed with a close code) "
                "differ by at most reconciliation_tolerance_pct percentage points. "
                "A side with nothing to compare (NULL rate) is not judged here: the "
                "count check already flags it.",
            ),
        ],
    )


# --------------------------------------------------------------------------- SLA verdicts

SLA_VERDICTS = "recon_sla_verdicts"
SLA_VERDICTS_QUERY = """
select
    source,
    ticket_id,
    sla_metric,
    instance_id,
    month_start,
    cast(date_trunc('quarter', month_start) as date) as quarter_start,
    target_minutes,
    elapsed_minutes,
    is_breached,
    source_is_breached
from marts.fct_sla_events
where source_is_breached is not null and is_breached is not null
order by source, ticket_id, sla_metric, instance_id
"""


def build_sla_verdicts() -> gx.ExpectationSuite:
    import great_expectations.expectations as gxe

    return _suite(
        SLA_VERDICTS,
        "marts.fct_sla_events",
        "one row per SLA clock that has both verdicts (warehouse and source)",
        [
            _non_empty("SLA clocks with a source verdict"),
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="is_breached",
                column_B="source_is_breached",
                mostly=SLA_AGREEMENT_MIN,
                severity="critical",
                meta=_why(
                    "The warehouse's own breach verdict (elapsed > target, paused time "
                    "removed) agrees with the tool's (Zendesk breach events, ServiceNow "
                    "has_breached, JSM breached) on at least 99% of the clocks; the "
                    "unexpected rows are the clocks where they differ."
                ),
            ),
        ],
    )


# --------------------------------------------------------------------------- major incidents

MAJOR_INCIDENTS = "recon_major_incidents"
MAJOR_INCIDENTS_QUERY = """
with

incident_services as (
    select source_key as cmdb_ci_sys_id, service_id
    from intermediate.int_service_keys_unnested
    where source = 'servicenow'
),

alerting as (
    select
        service_id,
        cast(date_trunc('quarter', triggered_at) as date) as quarter_start,
        count(*) as alerting_major_incidents
    from marts.fct_incidents
    where source in ('pagerduty', 'opsgenie') and is_major
    group by 1, 2
),

servicenow as (
    select
        coalesce(incident_services.service_id, 'unmapped:servicenow:'
            || coalesce(incidents.cmdb_ci_sys_id, '')) as service_id,
        cast(date_trunc('quarter', incidents.opened_at) as date) as quarter_start,
        count(*) as servicenow_major_incidents
    from staging.stg_servicenow__incidents as incidents
    left join incident_services
        on incidents.cmdb_ci_sys_id = incident_services.cmdb_ci_sys_id
    where incidents.priority in ('1', '2')
    group by 1, 2
),

compared as (
    select
        coalesce(alerting.service_id, servicenow.service_id) as service_id,
        coalesce(alerting.quarter_start, servicenow.quarter_start) as quarter_start,
        coalesce(alerting.alerting_major_incidents, 0) as alerting_major_incidents,
        coalesce(servicenow.servicenow_major_incidents, 0) as servicenow_major_incidents
    from alerting
    full outer join servicenow
        on alerting.service_id = servicenow.service_id
        and alerting.quarter_start = servicenow.quarter_start
)

select
    service_id,
    quarter_start,
    alerting_major_incidents,
    servicenow_major_incidents,
    case when greatest(alerting_major_incidents, servicenow_major_incidents) = 0 then 0.0
        else round(100.0 * abs(alerting_major_incidents - servicenow_major_incidents)
            / greatest(alerting_major_incidents, servicenow_major_incidents), 2)
    end as count_difference_pct
from compared
order by quarter_start, service_id
"""


def build_major_incidents() -> gx.ExpectationSuite:

    return _suite(
        MAJOR_INCIDENTS,
        "marts.fct_incidents",
        "one row per service x quarter (alerting-tool vs ServiceNow major incidents)",
        [
            _non_empty("major incidents"),
            _within_tolerance(
                "count_difference_pct",
                "Major incidents (SEV1/SEV2 or PagerDuty `major`) raised in "
                "PagerDuty/Opsgenie vs ServiceNow incidents of priority 1-2 opened for "
                "the service in the quarter (every service, production or not, on both "
                "sides): |difference| / the larger, in %, within "
                "reconciliation_tolerance_pct.",
            ),
        ],
    )


# --------------------------------------------------------------------------- credits

CREDITS_VS_BILLING = "recon_credits_vs_billing"
CREDITS_VS_BILLING_QUERY = """
with

credits as (
    select contract_id, month_start, currency, credit_amount
    from marts.fct_service_credits
    where is_month_closed and credit_amount > 0
),

open_months as (
    -- Finance may book a month before the warehouse closes it: compared once closed.
    select contract_id, month_start
    from marts.fct_service_credits
    where not is_month_closed
),

billed as (
    select
        adjustments.contract_id,
        adjustments.month_start,
        min(adjustments.currency) as currency,
        sum(adjustments.amount) as billed_amount,
        count(*) as adjustments,
        string_agg(adjustments.adjustment_id, ',' order by adjustments.adjustment_id)
            as adjustment_ids
    from staging.stg_finance__billing_adjustments as adjustments
    left join open_months
        on adjustments.contract_id = open_months.contract_id
        and adjustments.month_start = open_months.month_start
    where adjustments.reason = 'sla_credit' and open_months.contract_id is null
    group by 1, 2
),

compared as (
    select
        coalesce(credits.contract_id, billed.contract_id) as contract_id,
        coalesce(credits.month_start, billed.month_start) as month_start,
        coalesce(credits.currency, billed.currency) as currency,
        coalesce(credits.credit_amount, 0) as credit_amount,
        coalesce(billed.billed_amount, 0) as billed_amount,
        coalesce(billed.adjustments, 0) as adjustments,
        billed.adjustment_ids
    from credits
    full outer join billed
        on credits.contract_id = billed.contract_id
        and credits.month_start = billed.month_start
)

select
    contract_id,
    month_start,
    cast(date_trunc('quarter', month_start) as date) as quarter_start,
    currency,
    cast(credit_amount as decimal(18, 2)) as credit_amount,
    cast(billed_amount as decimal(18, 2)) as billed_amount,
    cast(billed_amount - credit_amount as decimal(18, 2)) as difference,
    adjustments,
    adjustment_ids
from compared
order by month_start, contract_id
"""


def build_credits_vs_billing() -> gx.ExpectationSuite:
    import great_expectations.expectations as gxe

    return _suite(
        CREDITS_VS_BILLING,
        "marts.fct_service_credits",
        "one row per contract x closed month with a credit or an SLA-credit booking",
        [
            _non_empty("service credits or SLA-credit bookings"),
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="credit_amount",
                column_B="billed_amount",
                severity="critical",
                meta=_why(
                    "Every credit of a closed month in fct_service_credits is booked by "
                    "finance (billing_adjustments with reason `sla_credit`, summed per "
                    "contract and month) to the cent, and finance booked no SLA credit the "
                    "warehouse does not owe. Goodwill and billing corrections are not "
                    "service credits and are left out; a month the warehouse has not "
                    "closed yet is compared once it is."
                ),
            ),
        ],
    )


# --------------------------------------------------------------------------- conservation

# raw table -> (staging model, JSON path of the record's key, the staging key column).
# Staging keeps the latest version of each key; every raw record must be that version or
# an older one of a staged key. Rejected records never reach raw: the ledger check below
# covers them (records read = loaded + rejected, file by file).
CONSERVED_ENTITIES: tuple[tuple[str, str, str, str], ...] = (
    ("pagerduty__incidents", "stg_pagerduty__incidents", "id", "incident_id"),
    ("opsgenie__alerts", "stg_opsgenie__alerts", "id", "alert_id"),
    ("servicenow__incident", "stg_servicenow__incidents", "sys_id", "incident_sys_id"),
    (
        "servicenow__change_request",
        "stg_servicenow__change_requests",
        "sys_id",
        "change_request_sys_id",
    ),
    ("gitlab__deployments", "stg_gitlab__deployments", "id", "deployment_id"),
    ("github__deployments", "stg_github__deployments", "id", "deployment_id"),
    ("zendesk__tickets", "stg_zendesk__tickets", "id", "ticket_id"),
    ("statuspage__incidents", "stg_statuspage__incidents", "id", "incident_id"),
    (
        "finance__billing_adjustments",
        "stg_finance__billing_adjustments",
        "adjustment_id",
        "adjustment_id",
    ),
)
CONSERVATION = "recon_raw_to_staging"


def conservation_query() -> str:
    """One row per conserved raw table: records read per the ledger, rows in raw,
    rejections, and raw records whose key staging does not hold."""
    per_table = []
    for raw_table, staging, key_path, staging_key in CONSERVED_ENTITIES:
        per_table.append(
            f"""
    select
        '{raw_table}' as raw_table,
        '{staging}' as staging_model,
        (select count(*) from raw.{raw_table}) as raw_records,
        (select count(*) from raw.{raw_table} as raw_rows
            where not exists (
                select 1 from staging.{staging} as staged
                where cast(staged.{staging_key} as varchar)
                    = trim(json_extract_string(raw_rows.record_json, '$.{key_path}'))
            )) as raw_records_not_staged,
        (select count(*) from raw.{raw_table} as raw_rows
            where exists (
                select 1 from staging.{staging} as staged
                where staged._file_path = raw_rows._file_path
                    and staged._record_number = raw_rows._record_number
            )) as staged_versions"""
        )
    union = "\n    union all".join(per_table)
    return f"""
with

entities as ({union}
),

ledger as (
    select
        raw_table,
        sum(records) filter (where status in ('loaded', 'partial')) as ledger_records,
        sum(rejected) as ledger_rejected
    from raw.ingest_files
    group by raw_table
),

rejections as (
    select raw_table, count(*) as rejection_rows
    from raw.ingest_rejections
    group by raw_table
)

select
    entities.raw_table,
    entities.staging_model,
    coalesce(ledger.ledger_records, 0) as ledger_records,
    entities.raw_records,
    coalesce(ledger.ledger_rejected, 0) as ledger_rejected,
    coalesce(rejections.rejection_rows, 0) as rejection_rows,
    entities.staged_versions,
    entities.raw_records - entities.staged_versions - entities.raw_records_not_staged
        as superseded_versions,
    entities.raw_records_not_staged,
    coalesce(ledger.ledger_records, 0) - entities.raw_records as records_missing_from_raw,
    coalesce(ledger.ledger_rejected, 0) - coalesce(rejections.rejection_rows, 0)
        as rejections_missing
from entities
left join ledger on entities.raw_table = ledger.raw_table
left join rejections on entities.raw_table = rejections.raw_table
order by entities.raw_table
"""


def build_conservation() -> gx.ExpectationSuite:
    import great_expectations.expectations as gxe

    def zero(column: str, reason: str) -> object:
        return gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=0, max_value=0, severity="critical", meta=_why(reason)
        )

    return _suite(
        CONSERVATION,
        "raw.ingest_files",
        "one row per conserved raw table (whole history, not cut by quarter)",
        [
            gxe.ExpectTableRowCountToEqual(
                value=len(CONSERVED_ENTITIES),
                severity="critical",
                meta=_why("Every conserved raw table and its staging model can be read."),
            ),
            zero(
                "raw_records_not_staged",
                "Every raw record is the staged version of its key or an older version "
                "of a staged key: no key vanishes between raw and staging.",
            ),
            zero(
                "records_missing_from_raw",
                "The ledger's loaded record count of the table equals its raw rows: "
                "nothing read from a landing file went missing.",
            ),
            zero(
                "rejections_missing",
                "Every record the ledger counts as rejected is in raw.ingest_rejections "
                "with its reason and raw text.",
            ),
        ],
    )
