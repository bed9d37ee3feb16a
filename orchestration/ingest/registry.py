"""The one table that maps a landing folder to its parser and raw table.

Each tool module declares its entities (``SourceSpec``) and lists them in ``SPECS``;
adding a source is adding its spec there (and a dbt source + staging model).
"""

from orchestration.ingest import (
    catalog,
    github,
    gitlab,
    jenkins,
    opsgenie,
    pagerduty,
    servicenow,
    sla,
    statuspage,
)
from orchestration.ingest.spec import SourceSpec

REGISTRY: tuple[SourceSpec, ...] = (
    *catalog.SPECS,
    *pagerduty.SPECS,
    *opsgenie.SPECS,
    *servicenow.SPECS,
    *gitlab.SPECS,
    *jenkins.SPECS,
    *github.SPECS,
    *statuspage.SPECS,
    *sla.SPECS,
)

BY_FOLDER: dict[str, SourceSpec] = {spec.folder: spec for spec in REGISTRY}


def spec_for_folder(folder: str) -> SourceSpec | None:
    return BY_FOLDER.get(folder)
