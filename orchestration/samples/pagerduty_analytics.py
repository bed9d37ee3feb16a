"""PagerDuty Analytics sample exports (source-exports.md §1c): raw incident pages.

`pagerduty/analytics_incidents/analytics_incidents_<YYYY-MM>_pNNN.json` is one page of
`POST /analytics/raw/incidents` with `filters.created_at_start` = the start of the month
before and `created_at_end` = the end of the month, taken at 06:00 UTC on the 1st of the
next month: `{"data": [...], "time_zone", "first", "last", "limit", "more", "order",
"order_by", "starting_after", "ending_before", "filters"}`.

Times are naive wall-clock times in the envelope's `time_zone`: `Etc/UTC` for the
January and February exports, `America/New_York` from March on (the request body's
`time_zone` changed), so parsers must apply the envelope zone, across DST too.

Records are computed from the same simulated incidents and log entries as the REST
export, so `seconds_to_first_ack`, `seconds_to_resolve` and `major` agree with them for
the incidents present. Analytics lags up to 24 h: incidents created in the last day
before an export are missing from it; they appear in the next month's export (the
look-back), except those of the last day of June, which are in no export.
"""

from __future__ import annotations

import base64
import random
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestration.samples.pagerduty import Incident
from orchestration.samples.render import month_label, naive_local, write_json, zone
from orchestration.samples.world import month_starts

ANALYTICS_FOLDER = "pagerduty/analytics_incidents"
PAGE_LIMIT = 100
EXPORT_HOUR = 6
LAG_SECONDS = 86400
UTC_MONTHS = {"2026-01", "2026-02"}
LOCAL_ZONE = "America/New_York"
_HOUR = 3600


def _interruption_bucket(epoch: int) -> str:
    local = _local(epoch)
    if local.hour >= 22 or local.hour < 8:
        return "sleep"
    if local.weekday() < 5 and 8 <= local.hour < 18:
        return "business"
    return "off"


def _local(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, zone(LOCAL_ZONE))


def analytics_record(incident: Incident, as_of: int, tz: str, refreshed: int) -> dict[str, Any]:
    """The AnalyticsRawIncident of `incident` as Analytics holds it at `as_of`."""
    events = [e for e in incident.events if e.at <= as_of]
    created = incident.created_at
    acks = [e for e in events if e.type == "acknowledge_log_entry"]
    resolve = next((e for e in events if e.type == "resolve_log_entry"), None)
    escalations = [e for e in events if e.type == "escalate_log_entry"]
    assigns = [e for e in events if e.assignees]
    notifications = [e for e in events if e.type == "notify_log_entry"]
    status = "resolved" if resolve else ("acknowledged" if acks else "triggered")
    if status == "acknowledged" and any(
        e.type == "unacknowledge_log_entry" and e.at > acks[-1].at for e in events
    ):
        status = "triggered"
    ackers: dict[str, str] = {}
    for event in acks:
        assert event.actor is not None
        ackers.setdefault(event.actor["id"], event.actor["summary"])
    assignees: dict[str, str] = {}
    for event in assigns:
        for assignee in event.assignees:
            assignees.setdefault(assignee["id"], assignee["summary"])
    active = dict(ackers)
    notes = [e for e in events if e.type == "annotate_log_entry"]
    for event in notes:
        agent = event.record["agent"]
        active.setdefault(agent["id"], agent["summary"])
    resolver = None
    if resolve is not None and resolve.actor and resolve.actor["type"] == "user_reference":
        resolver = resolve.actor
        active.setdefault(resolver["id"], resolver["summary"])
    first_ack = acks[0].at - created if acks else None
    distinct_ack_times = []
    seen: set[str] = set()
    for event in acks:
        assert event.actor is not None
        if event.actor["id"] not in seen:
            seen.add(event.actor["id"])
            distinct_ack_times.append(event.at)
    mobilize = distinct_ack_times[1] - created if len(distinct_ack_times) > 1 else None
    priority = incident.priority
    buckets = [_interruption_bucket(e.at) for e in notifications]
    service = incident.service
    return {
        "id": incident.id,
        "incident_number": incident.number,
        "description": incident.title,
        "status": status,
        "urgency": incident.urgency,
        "major": (priority is not None and priority.name in ("P1", "P2")) or len(ackers) > 1,
        "priority_id": priority.id if priority else None,
        "priority_name": priority.name if priority else None,
        "priority_order": priority.order if priority else None,
        "service_id": service.id,
        "service_name": service.name,
        "team_id": service.team.id,
        "team_name": service.team.name,
        "escalation_policy_id": service.escalation_policy_id,
        "escalation_policy_name": service.escalation_policy_name,
        "incident_type_name": "incident_default",
        "created_at": naive_local(created, tz),
        "resolved_at": naive_local(resolve.at, tz) if resolve else None,
        "updated_at": naive_local(refreshed, tz),
        "seconds_to_first_ack": first_ack,
        "seconds_to_resolve": resolve.at - created if resolve else None,
        "seconds_to_engage": first_ack,
        "seconds_to_mobilize": mobilize,
        "engaged_seconds": (resolve.at if resolve else as_of) - acks[0].at if acks else 0,
        "snoozed_seconds": 0,
        "user_defined_effort_seconds": None,
        "auto_resolved": resolve is not None and resolver is None,
        "escalation_count": len(escalations),
        "manual_escalation_count": 0,
        "timeout_escalation_count": len(escalations),
        "reassignment_count": len(escalations),
        "assignment_count": len(assigns),
        "acknowledgement_count": len(acks),
        "engaged_user_count": len(ackers),
        "active_user_count": len(active),
        "total_notifications": len(notifications),
        "total_interruptions": len(notifications),
        "business_hour_interruptions": buckets.count("business"),
        "off_hour_interruptions": buckets.count("off"),
        "sleep_hour_interruptions": buckets.count("sleep"),
        "resolved_by_user_id": resolver["id"] if resolver else None,
        "resolved_by_user_name": resolver["summary"] if resolver else None,
        "assigned_user_ids": list(assignees),
        "assigned_user_names": list(assignees.values()),
        "acknowledged_user_ids": list(ackers),
        "acknowledged_user_names": list(ackers.values()),
    }


def _cursor(record: dict[str, Any]) -> str:
    raw = f"{record['created_at']},{record['id']}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def write_analytics(incidents: list[Incident], out_dir: Path, rng: random.Random) -> dict[str, int]:
    """Write the monthly Analytics exports of `incidents`; records per folder."""
    folder = out_dir / ANALYTICS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    by_created = sorted(incidents, key=lambda i: (i.created_at, i.number))
    starts = month_starts()
    count = 0
    for month in range(len(starts) - 1):
        label = month_label(starts[month])
        tz = "Etc/UTC" if label in UTC_MONTHS else LOCAL_ZONE
        since, until = starts[max(0, month - 1)], starts[month + 1]
        export_at = until + EXPORT_HOUR * _HOUR
        records = []
        for incident in by_created:
            if (
                not since <= incident.created_at < until
                or incident.created_at > export_at - LAG_SECONDS
            ):
                continue
            last = max(e.at for e in incident.events if e.at <= export_at)
            refreshed = min(export_at - 60, last + rng.randint(5 * 60, 3 * _HOUR))
            records.append(analytics_record(incident, export_at, tz, refreshed))
        pages = max(1, -(-len(records) // PAGE_LIMIT))
        filters = {
            "created_at_start": naive_local(since, tz),
            "created_at_end": naive_local(until, tz),
        }
        for page in range(pages):
            chunk = records[page * PAGE_LIMIT : (page + 1) * PAGE_LIMIT]
            envelope = {
                "data": chunk,
                "ending_before": None,
                "filters": filters,
                "first": _cursor(chunk[0]) if chunk else None,
                "last": _cursor(chunk[-1]) if chunk else None,
                "limit": PAGE_LIMIT,
                "more": page < pages - 1,
                "order": "asc",
                "order_by": "created_at",
                "starting_after": _cursor(records[page * PAGE_LIMIT - 1]) if page else None,
                "time_zone": tz,
            }
            write_json(folder / f"analytics_incidents_{label}_p{page + 1:03d}.json", envelope)
        count += len(records)
    return {ANALYTICS_FOLDER: count}
