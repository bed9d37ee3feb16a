"""PagerDuty REST v2 exports (source-exports.md §1).

Incidents and log entries arrive as list pages (``{"incidents": [...], "limit", "offset",
"more"}``) or as JSON Lines of the records. Times are ISO-8601 with ``Z``. The incident's
``acknowledgements`` are emptied on resolve, so the acknowledgement time is derived from
the log entries in ``int_incident_lifecycle_derived``, never from the incident record.
"""

from orchestration.ingest.pagerduty_analytics import ANALYTICS_INCIDENTS
from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

INCIDENTS = SourceSpec(
    tool="pagerduty",
    entity="incidents",
    file_format=FileFormat.JSON,
    records_key="incidents",
    checks=(
        *required("$.id", "$.created_at"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at", "$.last_status_change_at"),
        *typed(Check.TIMESTAMP, "$.resolved_at"),
    ),
    description="PagerDuty incidents (GET /incidents), one version per export.",
)

LOG_ENTRIES = SourceSpec(
    tool="pagerduty",
    entity="log_entries",
    file_format=FileFormat.JSON,
    records_key="log_entries",
    checks=(
        *required("$.id", "$.type", "$.created_at", "$.incident.id"),
        *typed(Check.TIMESTAMP, "$.created_at"),
    ),
    description="PagerDuty log entries (GET /log_entries): the incident status history.",
)

# Analytics raw incidents (naive times in the envelope's zone) live in their own module.
SPECS = (INCIDENTS, LOG_ENTRIES, ANALYTICS_INCIDENTS)
