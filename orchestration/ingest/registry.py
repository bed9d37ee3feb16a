"""The one table that maps a landing folder to its parser and raw table.

Each tool module declares its entities (``SourceSpec``) and lists them in ``SPECS``;
adding a source is adding its spec there (and a dbt source + staging model).
"""

from orchestration.ingest import (
    catalog,
    crm,
    delighted,
    finance,
    github,
    gitlab,
    jenkins,
    jira,
    opsgenie,
    pagerduty,
    servicenow,
    sla,
    statuspage,
    zendesk,
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
    *zendesk.SPECS,
    *jira.SPECS,
    *delighted.SPECS,
    *crm.SPECS,
    *finance.SPECS,
)

BY_FOLDER: dict[str, SourceSpec] = {spec.folder: spec for spec in REGISTRY}


def spec_for_folder(folder: str) -> SourceSpec | None:
    return BY_FOLDER.get(folder)
