"""Opsgenie exports (source-exports.md §2).

Alerts arrive as ``GET /v2/alerts`` pages (``{"data": [...], "paging": {...}, "took",
"requestId"}``) or JSON Lines of the records. Times are ISO-8601 UTC with milliseconds.
``report.ackTime``/``report.closeTime`` are offsets from ``createdAt`` whose unit the
documentation does not state (dbt var ``opsgenie_report_time_unit``, default ``ms``).
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

ALERTS = SourceSpec(
    tool="opsgenie",
    entity="alerts",
    file_format=FileFormat.JSON,
    records_key="data",
    checks=(
        *required("$.id", "$.createdAt"),
        *typed(Check.TIMESTAMP, "$.createdAt", "$.updatedAt", "$.lastOccurredAt"),
        *typed(Check.NUMBER, "$.report.ackTime", "$.report.closeTime", "$.count"),
        *typed(Check.BOOLEAN, "$.acknowledged"),
    ),
    description="Opsgenie alerts (GET /v2/alerts), one version per export.",
)

SPECS = (ALERTS,)
