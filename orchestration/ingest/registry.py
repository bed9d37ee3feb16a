"""The one table that maps a landing folder to its parser and raw table.

Adding a source is adding its ``SourceSpec`` here (and a dbt source + staging model).
"""

from __future__ import annotations

from orchestration.ingest import catalog, pagerduty
from orchestration.ingest.spec import SourceSpec

REGISTRY: tuple[SourceSpec, ...] = (
    pagerduty.INCIDENTS,
    pagerduty.LOG_ENTRIES,
    catalog.SERVICES,
)

BY_FOLDER: dict[str, SourceSpec] = {spec.folder: spec for spec in REGISTRY}


def spec_for_folder(folder: str) -> SourceSpec | None:
    return BY_FOLDER.get(folder)
