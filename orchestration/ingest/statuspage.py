"""Atlassian Statuspage public Status API exports (source-exports.md §8).

``/api/v2/incidents.json`` returns ``{"page": {...}, "incidents": [...]}`` with the 50
most recent incidents, so exports overlap and staging keeps the latest version of each
incident (by ``updated_at``). Each incident nests its ``incident_updates[]`` (with their
``affected_components`` transitions, the source of downtime) and ``components[]``.
``/api/v2/scheduled-maintenances.json`` returns ``scheduled_maintenances`` the same way.
Times are ISO-8601 with an explicit offset (``Z`` or ``-06:00``).

Only top-level fields can be checked here (the loader's checks take one JSON path per
field, no wildcards): the nested updates' times are parsed by staging as they come.
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

INCIDENTS = SourceSpec(
    tool="statuspage",
    entity="incidents",
    file_format=FileFormat.JSON,
    records_key="incidents",
    checks=(
        *required("$.id", "$.created_at"),
        *typed(
            Check.TIMESTAMP,
            "$.created_at",
            "$.updated_at",
            "$.started_at",
            "$.monitoring_at",
            "$.resolved_at",
        ),
    ),
    description="Statuspage incidents with their updates and components, one version per export.",
)

SCHEDULED_MAINTENANCES = SourceSpec(
    tool="statuspage",
    entity="scheduled_maintenances",
    file_format=FileFormat.JSON,
    records_key="scheduled_maintenances",
    checks=(
        *required("$.id", "$.scheduled_for", "$.scheduled_until"),
        *typed(
            Check.TIMESTAMP,
            "$.scheduled_for",
            "$.scheduled_until",
            "$.created_at",
            "$.updated_at",
            "$.started_at",
            "$.resolved_at",
        ),
    ),
    description="Statuspage scheduled maintenances and the components they maintain.",
)

SPECS = (INCIDENTS, SCHEDULED_MAINTENANCES)
