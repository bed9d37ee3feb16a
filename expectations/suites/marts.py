"""Invariants of the marts' definitions (kpi-definitions.md §2-§7), one suite per mart.

Each is what the definition promises about a value: percentages 0-100 (NPS -100..100),
durations and minutes non-negative, a part never above its whole (acknowledged <=
incidents, breached <= measured, credit <= the tier's cap, credit amount <= the fee),
clocks that stop after they start. ``critical`` expectations are broken definitions (an
ERROR in Dagster); ``warning`` ones (a period without rows) deserve a look.

``fct_incidents`` has its own module (the first suite); these follow the same pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import great_expectations as gx


@dataclass(frozen=True)
class MartSuite:
    name: str
    relation: str
    query: str
    period: str  # the column a quarterly run filters on (rows of that quarter)
    grain: str
    spec: str
    expectations: Callable[[], list[Any]]

    def build(self) -> gx.ExpectationSuite:
        import great_expectations as gx

        return gx.ExpectationSuite(
            name=self.name,
            expectations=self.expectations(),
            meta={
                "grain": self.grain,
                "relation": self.relation,
                "spec": self.spec,
                "kind": "mart",
                "written_by": "expectations/suites/marts.py (python -m expectations.validate "
                "build-suites)",
            },
        )


def _why(spec: str, reason: str) -> dict[str, str]:
    return {"why": reason, "spec": spec}


def _pct(spec: str, *columns: str, low: float = 0, high: float = 100) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(
            column=column,
            min_value=low,
            max_value=high,
            severity="critical",
            meta=_why(spec, f"{column} is a percentage, {low}..{high}; NULL where undefined."),
        )
        for column in columns
    ]


def _non_negative(spec: str, *columns: str) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(
            column=column,
            min_value=0,
            severity="critical",
            meta=_why(spec, f"{column} is a count, duration or amount: never negative."),
        )
        for column in columns
    ]


def _at_most(spec: str, part: str, whole: str, reason: str) -> Any:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=whole,
        column_B=part,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity="critical",
        meta=_why(spec, reason),
    )


def _rows(spec: str, what: str) -> Any:
    import great_expectations.expectations as gxe

    return gxe.ExpectTableRowCountToBeBetween(
        min_value=1,
        severity="warning",
        meta=_why(spec, f"No {what} in the period: a warning (a quiet quarter is possible)."),
    )


def _unique_not_null(spec: str, column: str, reason: str) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(
            column=column, severity="critical", meta=_why(spec, reason)
        ),
        gxe.ExpectColumnValuesToBeUnique(
            column=column, severity="critical", meta=_why(spec, reason)
        ),
    ]


def _in_set(spec: str, column: str, values: tuple[str, ...], reason: str) -> Any:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeInSet(
        column=column, value_set=list(values), severity="critical", meta=_why(spec, reason)
    )


# --------------------------------------------------------------------------- suites

S5 = "kpi-definitions.md, section 5 (SLA compliance)"
S6 = "kpi-definitions.md, section 6 (availability, service credits)"
S7 = "kpi-definitions.md, section 7 (release and deployment)"
S1 = "kpi-definitions.md, section 1 (incident response)"
S2 = "kpi-definitions.md, section 2 (support performance)"
S3 = "kpi-definitions.md, section 3 (customer satisfaction)"
S3B = "kpi-definitions.md, section 3b (retention)"


def _fct_deployments() -> list[Any]:
    return [
        _rows(S7, "deployment attempts"),
        *_unique_not_null(S7, "deployment_id", "One row per deployment attempt."),
        _in_set(
            S7,
            "source",
            ("gitlab", "jenkins", "github"),
            "Deployments come from the three automation tools only.",
        ),
        _at_most(S7, "started_at", "finished_at", "A deployment finishes after it starts."),
        *_non_negative(S7, "duration_seconds", "lead_time_seconds"),
    ]


def _fct_sla_events() -> list[Any]:
    return [
        _rows(S5, "SLA clocks"),
        _in_set(
            S5,
            "source",
            ("zendesk", "jira", "servicenow"),
            "SLA clocks come from Zendesk, JSM and ServiceNow.",
        ),
        _at_most(S5, "started_at", "stopped_at", "An SLA clock stops after it starts."),
        *_non_negative(S5, "target_minutes", "elapsed_minutes"),
    ]


def _fct_service_credits() -> list[Any]:
    return [
        _rows(S6, "contract months"),
        *_pct(S6, "uptime_pct", "uptime_credit_pct", "support_credit_pct", "credit_pct"),
        *_non_negative(
            S6,
            "downtime_minutes",
            "maintenance_minutes",
            "excluded_downtime_minutes",
            "breached_support_slas",
            "credit_amount",
        ),
        _at_most(
            S6,
            "credit_pct",
            "monthly_cap_pct",
            "credit_pct is capped at the tier's "
            "monthly cap (seed sla_tiers: Gold 50, Silver 35, Bronze 20).",
        ),
        _at_most(
            S6,
            "credit_amount",
            "monthly_fee",
            "A credit never exceeds the monthly fee "
            "(credit_pct <= 100, prorated for a partial month).",
        ),
    ]


def _kpi_incident_response() -> list[Any]:
    return [
        _rows(S1, "incident months"),
        _at_most(S1, "acknowledged", "incidents", "Acknowledged incidents are a subset."),
        _at_most(S1, "resolved", "incidents", "Resolved incidents are a subset."),
        *_non_negative(S1, "mtta_minutes", "mttr_minutes", "tta_p50_minutes", "ttr_p50_minutes"),
        _at_most(S1, "tta_p50_minutes", "tta_p90_minutes", "p50 <= p90 (continuous)."),
        _at_most(S1, "ttr_p50_minutes", "ttr_p90_minutes", "p50 <= p90 (continuous)."),
        *_pct(S1, "recurrence_rate_pct"),
    ]


def _kpi_support_performance() -> list[Any]:
    return [
        _rows(S2, "support months"),
        *_pct(
            S2,
            "fcr_pct",
            "escalation_rate_pct",
            "reopen_rate_pct",
            "complaints_resolved_pct",
            "proactive_engagement_rate_pct",
        ),
        *_non_negative(
            S2,
            "tickets_created",
            "tickets_solved",
            "frt_mean_minutes",
            "resolution_mean_hours",
            "backlog_end_of_month",
        ),
    ]


def _kpi_sla_compliance() -> list[Any]:
    return [
        _rows(S5, "SLA months"),
        _at_most(S5, "breached", "measured", "Breached clocks are a subset of measured."),
        *_pct(S5, "attainment_pct"),
    ]


def _kpi_customer_satisfaction() -> list[Any]:
    return [
        _rows(S3, "survey months"),
        _in_set(S3, "survey_kind", ("csat", "nps", "ces"), "Three survey kinds."),
        *_pct(S3, "csat_pct", "ces_pct", "response_rate_pct"),
        *_pct(S3, "nps", low=-100, high=100),
        *_non_negative(S3, "responses"),
    ]


def _kpi_dora() -> list[Any]:
    return [
        _rows(S7, "DORA weeks"),
        _at_most(
            S7,
            "deployments",
            "deployment_attempts",
            "Successful deployments are a subset of finished attempts.",
        ),
        *_pct(S7, "change_failure_rate_pct"),
        *_non_negative(S7, "deployments", "lead_time_p50_hours", "time_to_restore_p50_hours"),
    ]


def _kpi_customer_retention() -> list[Any]:
    return [
        _rows(S3B, "retention months"),
        _at_most(
            S3B,
            "customers_retained",
            "customers_start",
            "Retained customers are a subset of the customers in force on the first day.",
        ),
        *_pct(S3B, "customer_retention_rate_pct"),
        # NRR can exceed 100 (upgrades), never fall below 0.
        *_non_negative(
            S3B,
            "customers_start",
            "mrr_start",
            "mrr_end_from_start_customers",
            "net_revenue_retention_pct",
        ),
    ]


MART_SUITES: tuple[MartSuite, ...] = (
    MartSuite(
        "fct_deployments",
        "marts.fct_deployments",
        "select * from marts.fct_deployments",
        "coalesce(finished_at, started_at)",
        "one row per deployment attempt",
        S7,
        _fct_deployments,
    ),
    MartSuite(
        "fct_sla_events",
        "marts.fct_sla_events",
        "select * from marts.fct_sla_events",
        "month_start",
        "one row per ticket x SLA metric x instance",
        S5,
        _fct_sla_events,
    ),
    MartSuite(
        "fct_service_credits",
        "marts.fct_service_credits",
        # The tier's cap beside each row (seed sla_tiers: one cap per tier).
        "select credits.*, caps.monthly_cap_pct from marts.fct_service_credits as credits "
        "left join (select tier, max(monthly_cap_pct) as monthly_cap_pct "
        "from reference.sla_tiers group by tier) as caps on credits.tier = caps.tier",
        "month_start",
        "one row per contract x month in force",
        S6,
        _fct_service_credits,
    ),
    MartSuite(
        "kpi_incident_response",
        "marts.kpi_incident_response",
        "select * from marts.kpi_incident_response",
        "month_start",
        "month x service x severity",
        S1,
        _kpi_incident_response,
    ),
    MartSuite(
        "kpi_support_performance",
        "marts.kpi_support_performance",
        "select * from marts.kpi_support_performance",
        "month_start",
        "month x group",
        S2,
        _kpi_support_performance,
    ),
    MartSuite(
        "kpi_sla_compliance",
        "marts.kpi_sla_compliance",
        "select * from marts.kpi_sla_compliance",
        "month_start",
        "month x customer x SLA metric x priority",
        S5,
        _kpi_sla_compliance,
    ),
    MartSuite(
        "kpi_customer_satisfaction",
        "marts.kpi_customer_satisfaction",
        "select * from marts.kpi_customer_satisfaction",
        "month_start",
        "month x survey kind x segment",
        S3,
        _kpi_customer_satisfaction,
    ),
    MartSuite(
        "kpi_dora",
        "marts.kpi_dora",
        "select * from marts.kpi_dora",
        "week_start",
        "ISO week x service",
        S7,
        _kpi_dora,
    ),
    MartSuite(
        "kpi_customer_retention",
        "marts.kpi_customer_retention",
        "select * from marts.kpi_customer_retention",
        "month_start",
        "month x tier x currency",
        S3B,
        _kpi_customer_retention,
    ),
)
