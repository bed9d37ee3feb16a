"""Expectations on ``marts.fct_incidents``: one row per incident (kpi-definitions.md §1).

``kpi_incident_response`` averages ``seconds_to_ack``/``seconds_to_resolve`` and counts
incidents per month, service and severity, so every check here guards one of those numbers.
The dbt contract already fixes the column types; these checks are about the values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import great_expectations as gx

NAME = "fct_incidents"
RELATION = "marts.fct_incidents"
QUERY = f"select * from {RELATION}"

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
SOURCES = ("pagerduty", "opsgenie", "servicenow")
SPEC = "kpi-definitions.md, section 1 (incident response)"


def build_suite() -> gx.ExpectationSuite:
    """The ``fct_incidents`` suite, in the order it is written to JSON and rendered."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    def why(reason: str) -> dict[str, str]:
        return {"why": reason, "spec": SPEC}

    expectations = [
        gxe.ExpectTableRowCountToBeBetween(
            min_value=1,
            meta=why(
                "An empty fact table means ingest or dbt lost the incidents; every column "
                "check below would then pass on zero rows."
            ),
        ),
        gxe.ExpectTableColumnsToMatchSet(
            column_set=[
                "incident_id",
                "source",
                "severity",
                "triggered_at",
                "acknowledged_at",
                "resolved_at",
                "seconds_to_ack",
                "seconds_to_resolve",
            ],
            exact_match=False,
            meta=why(
                "The columns this suite reads must exist; extra columns are allowed (the dbt "
                "contract owns the full column list)."
            ),
        ),
        gxe.ExpectColumnValuesToNotBeNull(
            column="incident_id",
            meta=why("incident_id is the grain: one incident, one row."),
        ),
        gxe.ExpectColumnValuesToBeUnique(
            column="incident_id",
            meta=why(
                "One incident, one row: a duplicate is an incident counted twice (for example "
                "a ServiceNow incident not merged into its PagerDuty/Opsgenie incident)."
            ),
        ),
        gxe.ExpectColumnValuesToNotBeNull(
            column="source",
            meta=why("Every incident comes from exactly one alerting or ticketing tool."),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="source",
            value_set=list(SOURCES),
            meta=why(
                "Incidents come from PagerDuty, Opsgenie and ServiceNow only; another value "
                "means a new source reached the mart without its staging model."
            ),
        ),
        gxe.ExpectColumnValuesToNotBeNull(
            column="severity",
            meta=why(
                "kpi_incident_response is grained by severity; PagerDuty without a priority "
                "falls back to urgency, so every incident gets one."
            ),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="severity",
            value_set=list(SEVERITIES),
            meta=why(
                "Severity is normalised to SEV1-SEV4 through seed severity_map; any other "
                "value is a source value missing from the seed."
            ),
        ),
        gxe.ExpectColumnValuesToNotBeNull(
            column="triggered_at",
            meta=why(
                "triggered_at decides the reporting month and is the start of both clocks "
                "(time to acknowledge, time to resolve)."
            ),
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="acknowledged_at",
            column_B="triggered_at",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=why(
                "The first acknowledgement is taken at or after the trigger; an earlier one "
                "would give a negative time to acknowledge. Unacknowledged incidents (NULL) "
                "are skipped."
            ),
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="resolved_at",
            column_B="triggered_at",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=why(
                "An incident cannot be resolved before it triggered; open incidents (NULL) are "
                "skipped."
            ),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="seconds_to_ack",
            min_value=0,
            meta=why(
                "seconds_to_ack = acknowledged_at - triggered_at feeds MTTA and the TTA "
                "percentiles; NULL (never acknowledged) is allowed, negative is not."
            ),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="seconds_to_resolve",
            min_value=0,
            meta=why(
                "seconds_to_resolve = resolved_at - triggered_at feeds MTTR, the TTR "
                "percentiles and the MTTR target flag; NULL (open) is allowed, negative is not."
            ),
        ),
    ]
    return gx.ExpectationSuite(
        name=NAME,
        expectations=expectations,
        meta={
            "grain": "one row per incident",
            "relation": RELATION,
            "spec": SPEC,
            "written_by": "expectations/suites/fct_incidents.py (python -m expectations.validate "
            "build-suites)",
        },
    )
