"""Zendesk Support reference exports (source-exports.md §3e, §3f, §3g; landing.md
``zendesk/*``): SLA policies, business-hours schedules and their holidays, organizations,
groups and users. ``zendesk.py`` lists these specs after the ticket side.

Each lands as the API page returns it (``{"<entity>": [...], "next_page", "count"}``), or
as JSON Lines of the records. Resource times are ISO-8601 UTC (``2015-03-17T22:50:26Z``).

- SLA policies (``GET /api/v2/slas/policies``): ``policy_metrics[{priority, metric,
  target, business_hours}]`` with ``target`` in minutes, and a ``filter{all[], any[]}``.
- Schedules (``GET /api/v2/business_hours/schedules``): ``time_zone`` is the Rails/Zendesk
  name ("Pacific Time (US & Canada)"), ``intervals[{start_time, end_time}]`` are minutes
  since Sunday 00:00 local time (Mon 09:00-17:00 is 1980-2460).
- Holidays (``GET /api/v2/business_hours/schedules/{id}/holidays``): ``{id, name,
  start_date, end_date}`` with dates (``end_date`` inclusive) and no schedule id in the
  record. The schedule comes from the record's ``schedule_id`` when an exporter adds one,
  else from the file name ``schedule-<id>_<anything>.json`` (or ``schedule-<id>.json``,
  ``.jsonl``): ``schedule-360000123_2026-03-01.json`` puts ``{"schedule_id": "360000123"}``
  in the record's ``_file_context``. Because the name carries data, the same content under
  two schedules' names loads for both (the loader's file identity includes the name).
- Organizations, groups and users: the fields of source-exports.md §3g. A user's name,
  e-mail and phone are personal data: they stay in ``raw``; staging exposes only a key.

Array entries (policy metrics, schedule intervals) are checked by position: the loader's
checks take one JSON path each, no wildcards, so the first ``POLICY_METRICS_CHECKED`` /
``INTERVALS_CHECKED`` entries are checked, which covers every policy Zendesk can hold (4
priorities x 7 metrics) and a week of 4 shifts a day. A value that is not a number (a
target of ``"1h"``) rejects the record with the entry's position in the reason.
"""

import re
from pathlib import Path

from orchestration.ingest.spec import Check, FieldCheck, FileFormat, SourceSpec, required, typed

# 4 priorities (urgent, high, normal, low) x 7 SLA metrics (source-exports.md §3e).
POLICY_METRICS_CHECKED = 28
# 7 days x 4 intervals a day (an interval never crosses a day boundary).
INTERVALS_CHECKED = 28

_SCHEDULE_FILE = re.compile(r"^schedule-(\d+)(?:_.*)?$")


def schedule_hint(path: Path) -> dict[str, str]:
    """``schedule-360000123_2026-03-01.json`` -> ``{"schedule_id": "360000123"}``; a name
    without the ``schedule-<id>`` prefix -> ``{}``."""
    match = _SCHEDULE_FILE.match(path.stem)
    return {"schedule_id": match.group(1)} if match else {}


def each_entry(check: Check, array: str, field: str, entries: int) -> tuple[FieldCheck, ...]:
    """``check`` on ``field`` of the first ``entries`` items of ``array``
    (``$.intervals[0].start_time``, ``$.intervals[1].start_time``, ...)."""
    return typed(check, *(f"$.{array}[{index}].{field}" for index in range(entries)))


SLA_POLICIES = SourceSpec(
    tool="zendesk",
    entity="sla_policies",
    file_format=FileFormat.JSON,
    records_key="sla_policies",
    checks=(
        *required("$.id"),
        *typed(Check.NUMBER, "$.position"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at"),
        *each_entry(Check.NUMBER, "policy_metrics", "target", POLICY_METRICS_CHECKED),
        *each_entry(Check.BOOLEAN, "policy_metrics", "business_hours", POLICY_METRICS_CHECKED),
    ),
    description=(
        "Zendesk SLA policies (GET /api/v2/slas/policies): filter and policy_metrics "
        "(priority x metric -> target minutes, business hours)."
    ),
)

SCHEDULES = SourceSpec(
    tool="zendesk",
    entity="schedules",
    file_format=FileFormat.JSON,
    records_key="schedules",
    checks=(
        *required("$.id", "$.time_zone"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at"),
        *each_entry(Check.NUMBER, "intervals", "start_time", INTERVALS_CHECKED),
        *each_entry(Check.NUMBER, "intervals", "end_time", INTERVALS_CHECKED),
    ),
    description=(
        "Zendesk business-hours schedules (GET /api/v2/business_hours/schedules): Rails "
        "time zone name and weekly intervals in minutes since Sunday 00:00."
    ),
)

HOLIDAYS = SourceSpec(
    tool="zendesk",
    entity="holidays",
    file_format=FileFormat.JSON,
    records_key="holidays",
    checks=(
        *required("$.id", "$.start_date", "$.end_date"),
        *typed(Check.DATE, "$.start_date", "$.end_date"),
    ),
    file_hints=schedule_hint,
    description=(
        "Zendesk schedule holidays (GET /schedules/{id}/holidays); the schedule from the "
        "record's schedule_id, else the file name schedule-<id>_*.json."
    ),
)

ORGANIZATIONS = SourceSpec(
    tool="zendesk",
    entity="organizations",
    file_format=FileFormat.JSON,
    records_key="organizations",
    checks=(
        *required("$.id"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at"),
    ),
    description="Zendesk organizations (the customer companies), one version per export.",
)

GROUPS = SourceSpec(
    tool="zendesk",
    entity="groups",
    file_format=FileFormat.JSON,
    records_key="groups",
    checks=(
        *required("$.id"),
        *typed(Check.BOOLEAN, "$.default", "$.deleted", "$.is_public"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at"),
    ),
    description="Zendesk agent groups (L1/L2/L3 support teams), one version per export.",
)

USERS = SourceSpec(
    tool="zendesk",
    entity="users",
    file_format=FileFormat.JSON,
    records_key="users",
    checks=(
        *required("$.id"),
        *typed(Check.NUMBER, "$.role_type"),
        *typed(Check.BOOLEAN, "$.active", "$.suspended"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at", "$.last_login_at"),
    ),
    description=(
        "Zendesk users (end users, agents, admins), one version per export; name, e-mail "
        "and phone stay in raw."
    ),
)

SPECS = (SLA_POLICIES, SCHEDULES, HOLIDAYS, ORGANIZATIONS, GROUPS, USERS)
