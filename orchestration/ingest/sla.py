"""SLA exclusions CSV (landing.md ``sla/exclusions``, kpi-definitions.md §6).

Incidents whose outages are not downtime: ``source, incident_id, reason
(force_majeure/customer_caused/third_party), approved_by, approved_at``. A row with
another ``reason`` still loads (raw keeps what came); staging's accepted_values test
warns about it. Staging keeps the latest row per ``source`` + ``incident_id`` (by file
name, then row).
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

EXCLUSIONS = SourceSpec(
    tool="sla",
    entity="exclusions",
    file_format=FileFormat.CSV,
    required_columns=("source", "incident_id", "reason", "approved_by", "approved_at"),
    checks=(*required("$.source", "$.incident_id"), *typed(Check.TIMESTAMP, "$.approved_at")),
    description="SLA exclusions: incidents whose outages do not count as downtime.",
)

SPECS = (EXCLUSIONS,)
