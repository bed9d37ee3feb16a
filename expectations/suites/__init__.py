"""The one table of expectation suites: suite name -> how to build it, which rows it checks.

Two kinds: ``mart`` suites hold the invariants of a mart's definition (one per mart);
``reconciliation`` suites line two sources up (kpi-definitions.md §8). Adding a suite is
adding a ``SuiteSpec`` here (its builder in a module of this package), then running
``python -m expectations.validate build-suites``. Importing this package does not import
Great Expectations (builders import it when called).

``period`` is the column (or expression over the query's columns) a quarterly run filters
on: the rows of that quarter. ``None``: the suite always checks every row (conservation of
raw records has no business date common to all sources).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from expectations.suites import fct_incidents, reconciliation
from expectations.suites.marts import MART_SUITES

if TYPE_CHECKING:
    import great_expectations as gx

MART = "mart"
RECONCILIATION = "reconciliation"


@dataclass(frozen=True)
class SuiteSpec:
    """One suite: its builder and the warehouse query whose rows it validates."""

    name: str
    build: Callable[[], gx.ExpectationSuite]
    query: str
    relation: str  # the table or view the query reads, named in error messages
    period: str | None = None
    kind: str = MART
    asset: str | None = None  # the Dagster asset the check is reported on; default relation

    @property
    def asset_path(self) -> list[str]:
        """The Dagster asset key path (`marts.fct_x` -> marts/fct_x)."""
        return (self.asset or self.relation).split(".")


_RECONCILIATIONS = (
    SuiteSpec(
        name=reconciliation.DEPLOYMENTS_VS_CHANGES,
        build=reconciliation.build_deployments_vs_changes,
        query=reconciliation.DEPLOYMENTS_VS_CHANGES_QUERY,
        relation="marts.fct_deployments",
        period="quarter_start",
        kind=RECONCILIATION,
    ),
    SuiteSpec(
        name=reconciliation.SLA_VERDICTS,
        build=reconciliation.build_sla_verdicts,
        query=reconciliation.SLA_VERDICTS_QUERY,
        relation="marts.fct_sla_events",
        period="quarter_start",
        kind=RECONCILIATION,
    ),
    SuiteSpec(
        name=reconciliation.MAJOR_INCIDENTS,
        build=reconciliation.build_major_incidents,
        query=reconciliation.MAJOR_INCIDENTS_QUERY,
        relation="marts.fct_incidents",
        period="quarter_start",
        kind=RECONCILIATION,
    ),
    SuiteSpec(
        name=reconciliation.CREDITS_VS_BILLING,
        build=reconciliation.build_credits_vs_billing,
        query=reconciliation.CREDITS_VS_BILLING_QUERY,
        relation="marts.fct_service_credits",
        period="quarter_start",
        kind=RECONCILIATION,
    ),
    SuiteSpec(
        name=reconciliation.CONSERVATION,
        build=reconciliation.build_conservation,
        query=reconciliation.conservation_query(),
        relation="raw.ingest_files",
        period=None,
        kind=RECONCILIATION,
        # The ledger is not an asset: the check is reported on the first conserved raw table.
        asset=f"raw.{reconciliation.CONSERVED_ENTITIES[0][0]}",
    ),
)

SUITES: dict[str, SuiteSpec] = {
    spec.name: spec
    for spec in (
        SuiteSpec(
            name=fct_incidents.NAME,
            build=fct_incidents.build_suite,
            query=fct_incidents.QUERY,
            relation=fct_incidents.RELATION,
            period="triggered_at",
        ),
        *(
            SuiteSpec(
                name=mart.name,
                build=mart.build,
                query=mart.query,
                relation=mart.relation,
                period=mart.period,
            )
            for mart in MART_SUITES
        ),
        *_RECONCILIATIONS,
    )
}
