"""PagerDuty Analytics raw incidents (source-exports.md §1c).

``POST /analytics/raw/incidents`` returns a page ``{"data": [...], "time_zone": ...,
"first", "last", "more", "limit", "order", "order_by", "filters"}`` whose times have **no
offset**: they are wall-clock times in the envelope's ``time_zone`` (set by the request
body, e.g. ``Etc/UTC`` or ``America/New_York``). The loader keeps the envelope without
its records in ``_file_context`` and staging converts the times to UTC with that zone.

Only API pages are accepted (``.json``): JSON Lines of the records would lose the
envelope, hence the zone of every time in them. ``updated_at`` is the Analytics refresh
time, not the REST ``updated_at``; it still orders the versions of an incident.

Registered through ``pagerduty.SPECS`` (the registry reads each tool module's SPECS).
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

ANALYTICS_INCIDENTS = SourceSpec(
    tool="pagerduty",
    entity="analytics_incidents",
    file_format=FileFormat.JSON,
    records_key="data",
    checks=(
        *required("$.id", "$.created_at"),
        # Naive 'YYYY-MM-DDTHH:MM:SS' parses as a timestamp too; the zone comes later.
        *typed(Check.TIMESTAMP, "$.created_at", "$.resolved_at", "$.updated_at"),
        *typed(
            Check.NUMBER,
            "$.incident_number",
            "$.seconds_to_first_ack",
            "$.seconds_to_resolve",
            "$.seconds_to_engage",
            "$.seconds_to_mobilize",
            "$.escalation_count",
        ),
        *typed(Check.BOOLEAN, "$.major", "$.auto_resolved"),
    ),
    description=(
        "PagerDuty Analytics raw incidents (POST /analytics/raw/incidents): naive times "
        "in the page's time_zone."
    ),
    extensions=(".json",),
)
