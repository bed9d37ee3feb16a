"""The one table of expectation suites: suite name -> how to build it, which rows it checks.

Adding a suite is adding a module with ``build_suite()`` and one ``SuiteSpec`` here, then
running ``python -m expectations.validate build-suites``. Importing this package does not
import Great Expectations (builders import it when called).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from expectations.suites import fct_incidents

if TYPE_CHECKING:
    import great_expectations as gx


@dataclass(frozen=True)
class SuiteSpec:
    """One suite: its builder and the warehouse query whose rows it validates."""

    name: str
    build: Callable[[], gx.ExpectationSuite]
    query: str
    relation: str  # the table or view the query reads, named in error messages


SUITES: dict[str, SuiteSpec] = {
    spec.name: spec
    for spec in (
        SuiteSpec(
            name=fct_incidents.NAME,
            build=fct_incidents.build_suite,
            query=fct_incidents.QUERY,
            relation=fct_incidents.RELATION,
        ),
    )
}
