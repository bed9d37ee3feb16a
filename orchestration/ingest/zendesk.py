"""Zendesk Support exports (source-exports.md §3): the ticket side.

Tickets come from the incremental export (``{"tickets": [...], "after_cursor",
"end_of_stream"}`` for the cursor variant, ``"end_time", "next_page", "count"`` for the
time-based one), so the same ticket repeats across pages; its ``generated_timestamp``
(Unix epoch *seconds*, the most accurate last-change stamp) picks the latest version in
staging. Ticket metrics carry durations as ``{calendar, business}`` minute objects,
ticket metric events the SLA history (``apply_sla`` with ``sla.target`` minutes,
``business_hours`` and the policy; ``update_status`` with ``status.{calendar,business}``;
``breach`` with ``deleted``), ticket audits the status/group/priority/assignee/tag
changes as nested ``events[]``, satisfaction ratings ``offered | unoffered | good |
bad``. Resource times are ISO-8601 UTC (``2011-05-05T10:38:52Z``). Every page may also
come as JSON Lines of its records.

The reference entities (SLA policies, schedules, holidays, organizations, groups, users)
live in ``zendesk_reference``. Nested fields are checked by their dotted path
(``$.sla.target``); the fields of the array items (audit events) are parsed by staging.
"""

from orchestration.ingest import zendesk_reference
from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

# The six duration objects of a ticket metric record, each {calendar, business} minutes.
METRIC_DURATIONS = (
    "reply_time_in_minutes",
    "first_resolution_time_in_minutes",
    "full_resolution_time_in_minutes",
    "agent_wait_time_in_minutes",
    "requester_wait_time_in_minutes",
    "on_hold_time_in_minutes",
)

TICKETS = SourceSpec(
    tool="zendesk",
    entity="tickets",
    file_format=FileFormat.JSON,
    records_key="tickets",
    checks=(
        *required("$.id", "$.created_at"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at", "$.due_at"),
        *typed(Check.EPOCH_S, "$.generated_timestamp"),
        *typed(Check.BOOLEAN, "$.has_incidents", "$.is_public"),
    ),
    description=(
        "Zendesk tickets (incremental export pages), one version per export; the latest "
        "by generated_timestamp wins in staging."
    ),
)

TICKET_METRICS = SourceSpec(
    tool="zendesk",
    entity="ticket_metrics",
    file_format=FileFormat.JSON,
    records_key="ticket_metrics",
    checks=(
        *required("$.id", "$.ticket_id"),
        *typed(
            Check.TIMESTAMP,
            "$.created_at",
            "$.updated_at",
            "$.assigned_at",
            "$.initially_assigned_at",
            "$.solved_at",
            "$.status_updated_at",
            "$.latest_comment_added_at",
            "$.requester_updated_at",
            "$.assignee_updated_at",
            "$.custom_status_updated_at",
        ),
        *typed(Check.NUMBER, "$.replies", "$.reopens", "$.assignee_stations", "$.group_stations"),
        *typed(
            Check.NUMBER,
            *(
                f"$.{duration}.{clock}"
                for duration in METRIC_DURATIONS
                for clock in ("calendar", "business")
            ),
            "$.reply_time_in_seconds.calendar",
        ),
    ),
    description="Zendesk ticket metrics (durations as {calendar, business} minutes) per ticket.",
)

TICKET_METRIC_EVENTS = SourceSpec(
    tool="zendesk",
    entity="ticket_metric_events",
    file_format=FileFormat.JSON,
    records_key="ticket_metric_events",
    checks=(
        *required("$.id", "$.ticket_id", "$.metric", "$.type", "$.time"),
        *typed(Check.TIMESTAMP, "$.time"),
        *typed(Check.BOOLEAN, "$.deleted", "$.sla.business_hours", "$.group_sla.business_hours"),
        *typed(
            Check.NUMBER,
            "$.instance_id",
            "$.sla.target",
            "$.sla.target_in_seconds",
            "$.group_sla.target",
            "$.status.calendar",
            "$.status.business",
        ),
    ),
    description=(
        "Zendesk ticket metric events (incremental): the SLA history of each ticket "
        "(activate, pause, fulfill, apply_sla, breach, update_status, ...)."
    ),
)

TICKET_AUDITS = SourceSpec(
    tool="zendesk",
    entity="ticket_audits",
    file_format=FileFormat.JSON,
    records_key="audits",
    checks=(
        *required("$.id", "$.ticket_id", "$.created_at"),
        *typed(Check.TIMESTAMP, "$.created_at"),
    ),
    description=(
        "Zendesk ticket audits with their events[] (status, group, priority, assignee and "
        "tag changes; comments): the ticket status history."
    ),
)

SATISFACTION_RATINGS = SourceSpec(
    tool="zendesk",
    entity="satisfaction_ratings",
    file_format=FileFormat.JSON,
    records_key="satisfaction_ratings",
    checks=(
        *required("$.id", "$.ticket_id"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at"),
    ),
    description="Zendesk satisfaction ratings (offered | unoffered | good | bad), one per export.",
)

SPECS = (
    TICKETS,
    TICKET_METRICS,
    TICKET_METRIC_EVENTS,
    TICKET_AUDITS,
    SATISFACTION_RATINGS,
    *zendesk_reference.SPECS,
)
