"""ServiceNow Table API exports (source-exports.md §5).

``GET /api/now/table/{incident|task_sla|change_request|sys_audit}`` pages arrive as
``{"result": [...]}`` (paging travels in the ``Link``/``X-Total-Count`` headers, so the
envelope holds nothing else) or as JSON Lines of the records, always exported with
``sysparm_display_value=false``:
- every value is a JSON string, ``""`` when empty;
- date-times are ``YYYY-MM-DD HH:MM:SS`` in UTC (no ``T``, no zone);
- ``glide_duration`` values are epoch-offset dates (``1970-01-02 04:23:17`` = 1 day
  4:23:17), so they pass the same TIMESTAMP check as the date-times;
- references are ``{"link": ..., "value": "<sys_id>"}``, a bare sys_id
  (``sysparm_exclude_reference_link=true``) or ``""``: staging reads either form with the
  ``servicenow_reference`` macro.

A ``display_value=true`` export (labels, dates in the user's zone and format such as
``13/08/2026``) or ``display_value=all`` (``{"display_value", "value"}`` objects) fails the
TIMESTAMP checks and is rejected record by record with the loader's reason, rather than
loading dates staging would misread. Records are keyed by ``sys_id``; staging keeps the
latest ``sys_updated_on`` (``sys_audit`` rows never change: repeated copies collapse).
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

INCIDENT = SourceSpec(
    tool="servicenow",
    entity="incident",
    file_format=FileFormat.JSON,
    records_key="result",
    checks=(
        # opened_at is the incident's trigger time (kpi-definitions.md §1).
        *required("$.sys_id", "$.opened_at"),
        *typed(
            Check.TIMESTAMP,
            "$.opened_at",
            "$.resolved_at",
            "$.closed_at",
            "$.reopened_time",
            "$.sys_created_on",
            "$.sys_updated_on",
            # glide_duration, cast through a timestamp by servicenow_duration_seconds.
            "$.business_duration",
            "$.calendar_duration",
        ),
        *typed(
            Check.NUMBER,
            "$.business_stc",
            "$.calendar_stc",
            "$.reassignment_count",
            "$.reopen_count",
        ),
        *typed(Check.BOOLEAN, "$.made_sla"),
    ),
    description="ServiceNow incidents (GET /api/now/table/incident), one version per export.",
)

TASK_SLA = SourceSpec(
    tool="servicenow",
    entity="task_sla",
    file_format=FileFormat.JSON,
    records_key="result",
    checks=(
        *required("$.sys_id"),
        *typed(
            Check.TIMESTAMP,
            "$.start_time",
            "$.end_time",
            "$.planned_end_time",
            "$.original_breach_time",
            "$.pause_time",
            "$.sys_created_on",
            "$.sys_updated_on",
            # glide_duration columns.
            "$.duration",
            "$.business_duration",
            "$.pause_duration",
            "$.business_pause_duration",
            "$.time_left",
            "$.business_time_left",
        ),
        *typed(Check.NUMBER, "$.percentage", "$.business_percentage"),
        *typed(Check.BOOLEAN, "$.active", "$.has_breached"),
    ),
    description="ServiceNow task SLAs (GET /api/now/table/task_sla): each SLA clock of a task.",
)

CHANGE_REQUEST = SourceSpec(
    tool="servicenow",
    entity="change_request",
    file_format=FileFormat.JSON,
    records_key="result",
    checks=(
        *required("$.sys_id"),
        *typed(
            Check.TIMESTAMP,
            "$.start_date",
            "$.end_date",
            "$.work_start",
            "$.work_end",
            "$.opened_at",
            "$.closed_at",
            "$.sys_created_on",
            "$.sys_updated_on",
        ),
    ),
    description="ServiceNow change requests (GET /api/now/table/change_request).",
)

SYS_AUDIT = SourceSpec(
    tool="servicenow",
    entity="sys_audit",
    file_format=FileFormat.JSON,
    records_key="result",
    checks=(
        # An audit row says which field of which record changed when: without any of
        # these it cannot be placed in a record's history.
        *required("$.sys_id", "$.tablename", "$.fieldname", "$.documentkey", "$.sys_created_on"),
        *typed(Check.TIMESTAMP, "$.sys_created_on"),
        *typed(Check.NUMBER, "$.record_checkpoint"),
    ),
    description="ServiceNow field history (GET /api/now/table/sys_audit), immutable rows.",
)

SPECS = (INCIDENT, TASK_SLA, CHANGE_REQUEST, SYS_AUDIT)
