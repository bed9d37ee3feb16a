"""PagerDuty sample exports: REST v2 incident pages and log entries (source-exports.md §1a/§1b).

How the exports are laid out (`pagerduty/...` under the landing folder):

* `incidents/incidents_<YYYY-MM>_pNNN.json` - a monthly export taken at 00:30 UTC on the
  first day of the next month, covering the incidents *created* in that month and the one
  before (a one-month look-back to pick up late resolutions). Each incident is therefore
  exported twice (June's once); an incident still open at the first export shows up
  `triggered`/`acknowledged` there and `resolved`, with a newer `updated_at`, in the next.
* `log_entries/log_entries_<YYYY-MM>_pNNN.json` - the log entries *created* in that month,
  taken at the same time.
* `log_entries/log_entries_late_export.jsonl` - one later re-export of the last week up to
  the final cut-off as JSON Lines: every record in it also sits in a June page, unchanged.

File names sort in export order (`2026-01` < ... < `2026-06` < `late_export`).
Incident records follow PagerDuty's rules: `acknowledgements` is empty unless the incident
is acknowledged, `assignments` is empty once it is resolved, so response times can only be
derived from the log entries.
"""

from __future__ import annotations

import bisect
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.samples.world import (
    PAGERDUTY_SUBDOMAIN,
    PERIOD_END,
    PERIOD_START,
    AlertSource,
    IdFactory,
    PagerDutyService,
    Priority,
    Team,
    User,
    World,
    fingerprint_hash,
    iso_z,
    month_starts,
)

INCIDENTS_FOLDER = "pagerduty/incidents"
LOG_ENTRIES_FOLDER = "pagerduty/log_entries"
PAGE_LIMIT = 100
INCIDENTS_PER_SCALE = 250

EXPORT_DELAY_SECONDS = 30 * 60  # exports run at 00:30 UTC on the 1st of the next month
FINAL_EXPORT_AT = PERIOD_END + EXPORT_DELAY_SECONDS
LATE_EXPORT_SINCE = PERIOD_END - 8 * 86400
LATE_EXPORT_FILE = "log_entries_late_export.jsonl"

_API = "https://api.pagerduty.com"
_WEB = f"https://{PAGERDUTY_SUBDOMAIN}.pagerduty.com"
_DAY = 86400
_MAX_RESOLVE_SECONDS = 21 * _DAY

# Relative weight of a trigger per UTC hour: quieter at night, busiest in working hours.
_HOUR_WEIGHTS = (
    0.5, 0.45, 0.4, 0.4, 0.45, 0.55, 0.7, 0.9, 1.2, 1.4, 1.5, 1.5,
    1.4, 1.5, 1.6, 1.5, 1.4, 1.2, 1.0, 0.9, 0.8, 0.7, 0.6, 0.55,
)  # fmt: skip

# (ack median s, ack sigma, resolve-after-ack median s, resolve sigma), lognormal.
# Keyed by priority, or by urgency when the incident has no priority.
_TIMING: dict[str, tuple[float, float, float, float]] = {
    "P1": (150, 0.7, 3000, 0.6),
    "P2": (360, 0.8, 7200, 0.7),
    "P3": (900, 0.9, 5 * 3600, 0.9),
    "P4": (2400, 1.0, 16 * 3600, 1.0),
    "P5": (5400, 1.0, 40 * 3600, 1.0),
    "high": (420, 0.9, 3 * 3600, 0.8),
    "low": (3000, 1.0, 20 * 3600, 1.0),
}
_PRIORITY_WEIGHTS = (("P1", 5), ("P2", 15), ("P3", 35), ("P4", 30), ("P5", 15))

_MANUAL_TITLES = (
    "Customers report failed requests on {service} ({n1} tickets)",
    "Support escalation: {service} degraded for {n1} accounts",
    "Investigate elevated errors on {service} after release {n2}",
    "{service}: partner reports timeouts since {n1}:00 UTC",
)
_NOTES = (
    "Rolled back the last deploy.",
    "Scaled out the pool; watching.",
    "Root cause: expired credentials, rotated.",
    "Failover to the secondary completed.",
    "Known issue upstream, vendor ticket opened.",
)
_ACK_CHANNELS = ("mobile", "website", "sms", "phone")
_NOTIFY_METHODS = (
    ("push_notification", "push"),
    ("sms_notification", "SMS"),
    ("phone_notification", "phone"),
)


# --- references -------------------------------------------------------------------------


def _service_ref(service: PagerDutyService) -> dict[str, Any]:
    return {
        "id": service.id,
        "type": "service_reference",
        "summary": service.name,
        "self": f"{_API}/services/{service.id}",
        "html_url": f"{_WEB}/service-directory/{service.id}",
    }


def _user_ref(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "type": "user_reference",
        "summary": user.name,
        "self": f"{_API}/users/{user.id}",
        "html_url": f"{_WEB}/users/{user.id}",
    }


def _team_ref(team: Team) -> dict[str, Any]:
    return {
        "id": team.id,
        "type": "team_reference",
        "summary": team.name,
        "self": f"{_API}/teams/{team.id}",
        "html_url": f"{_WEB}/teams/{team.id}",
    }


def _escalation_policy_ref(service: PagerDutyService) -> dict[str, Any]:
    policy_id = service.escalation_policy_id
    return {
        "id": policy_id,
        "type": "escalation_policy_reference",
        "summary": service.escalation_policy_name,
        "self": f"{_API}/escalation_policies/{policy_id}",
        "html_url": f"{_WEB}/escalation_policies/{policy_id}",
    }


def _priority_ref(priority: Priority) -> dict[str, Any]:
    return {
        "id": priority.id,
        "type": "priority_reference",
        "summary": priority.name,
        "self": f"{_API}/priorities/{priority.id}",
        "html_url": None,
    }


# --- the simulated incidents ------------------------------------------------------------


@dataclass
class LogEvent:
    """One log entry of an incident, with the reference of whoever caused it."""

    at: int
    type: str
    record: dict[str, Any]
    actor: dict[str, Any] | None = None  # who changed the status (user or service)
    assignees: tuple[dict[str, Any], ...] = ()


@dataclass
class Incident:
    """One simulated PagerDuty incident and its full history (all its log entries)."""

    id: str
    number: int
    service: PagerDutyService
    title: str
    urgency: str
    priority: Priority | None
    incident_key: str
    created_at: int
    alert_count: int
    manual: bool
    events: list[LogEvent] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"[#{self.number}] {self.title}"

    @property
    def acknowledged_at(self) -> int | None:
        return next((e.at for e in self.events if e.type == "acknowledge_log_entry"), None)

    @property
    def resolved_at(self) -> int | None:
        return next((e.at for e in self.events if e.type == "resolve_log_entry"), None)


@dataclass
class _Plan:
    service: PagerDutyService
    created_at: int
    priority: str | None
    urgency: str
    source: AlertSource | None  # None: triggered by a person on the website
    ack_after: int | None = None
    second_ack_after: int | None = None  # after the first ack, by another responder
    unack_reack_after: int | None = None  # ack lapses (service timeout), re-ack this later
    resolve_after: int | None = None  # None: still open at the end
    resolve_via: str = "website"  # website | mobile | api | timeout
    note: bool = False
    alert_count: int = 1


def _lognormal(rng: random.Random, median: float, sigma: float) -> int:
    return int(rng.lognormvariate(math.log(median), sigma))


def _draw_created_at(rng: random.Random) -> int:
    days = (PERIOD_END - PERIOD_START) // _DAY
    day = rng.randrange(days)
    hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
    return PERIOD_START + day * _DAY + hour * 3600 + rng.randrange(3600)


def _draw_plan(rng: random.Random, service: PagerDutyService, created_at: int) -> _Plan:
    if rng.random() < 0.15:
        priority = None
        urgency = "high" if rng.random() < 0.5 else "low"
    else:
        names, weights = zip(*_PRIORITY_WEIGHTS, strict=True)
        priority = rng.choices(names, weights=weights)[0]
        high_share = {"P1": 1.0, "P2": 1.0, "P3": 0.7, "P4": 0.2, "P5": 0.2}[priority]
        urgency = "high" if rng.random() < high_share else "low"
    manual = rng.random() < 0.1
    source = None
    if not manual:
        sources = service.alert_sources
        source = rng.choices(sources, weights=[s.weight for s in sources])[0]
    plan = _Plan(service, created_at, priority, urgency, source)
    plan.alert_count = 0 if manual else (1 if rng.random() < 0.7 else rng.randint(2, 6))

    ack_median, ack_sigma, fix_median, fix_sigma = _TIMING[priority or urgency]
    outcome = rng.random()
    if outcome < 0.10 and not manual:
        # the monitor recovered before anyone acknowledged: resolved through the API
        plan.resolve_after = max(60, _lognormal(rng, 600, 0.9))
        plan.resolve_via = "api"
    elif outcome < 0.13:
        # a responder resolved it straight away, without acknowledging
        plan.resolve_after = max(60, _lognormal(rng, 1200, 1.0))
        plan.resolve_via = rng.choice(("website", "mobile"))
    elif outcome < 0.16 and urgency == "low" and service.auto_resolve_timeout:
        plan.resolve_after = service.auto_resolve_timeout
        plan.resolve_via = "timeout"
    else:
        plan.ack_after = min(3 * _DAY, max(20, _lognormal(rng, ack_median, ack_sigma)))
        if outcome > 0.99 and urgency == "low":
            return plan  # acknowledged and forgotten: still open at the end
        plan.resolve_after = min(
            _MAX_RESOLVE_SECONDS, plan.ack_after + max(60, _lognormal(rng, fix_median, fix_sigma))
        )
        plan.resolve_via = rng.choices(("api", "website", "mobile"), weights=(3, 4, 3))[0]
        if manual and plan.resolve_via == "api":
            plan.resolve_via = "website"
        if rng.random() < 0.08:
            plan.second_ack_after = max(10, _lognormal(rng, 120, 0.8))
        if service.acknowledgement_timeout and rng.random() < 0.12:
            plan.unack_reack_after = max(30, _lognormal(rng, 300, 0.8))
        plan.note = rng.random() < 0.25
    return plan


def _planted_plans(world: World) -> list[_Plan]:
    """Edge cases every sample holds, whatever the seed and scale (times are fixed)."""

    def pd(service_id: str) -> PagerDutyService:
        return world.pagerduty_services_of(service_id)[0]

    def at(month: int, day: int, hour: int, minute: int) -> int:
        return month_starts()[month - 1] + (day - 1) * _DAY + hour * 3600 + minute * 60

    checkout, payments, search = pd("checkout-api"), pd("payments"), pd("search")
    auth, notifications, web = pd("auth"), pd("notifications"), pd("web-frontend")
    unmapped = world.unmapped_pagerduty_services[0]
    return [
        # triggered 23:50 on 31 Jan, acknowledged before the export at 00:30 on 1 Feb,
        # resolved in February: exported acknowledged, then resolved.
        _Plan(checkout, at(1, 31, 23, 50), "P2", "high", checkout.alert_sources[0],
              ack_after=6 * 60, resolve_after=105 * 60, resolve_via="website"),
        # resolved through the API without any acknowledgement (the monitor recovered)
        _Plan(search, at(2, 10, 3, 12), "P4", "low", search.alert_sources[0],
              resolve_after=7 * 60, resolve_via="api"),
        # a recurrence: same service and incident_key, 9 days after the first resolved
        _Plan(auth, at(3, 3, 9, 15), "P2", "high", auth.alert_sources[0],
              ack_after=4 * 60, resolve_after=40 * 60, resolve_via="website"),
        _Plan(auth, at(3, 12, 14, 2), "P2", "high", auth.alert_sources[0],
              ack_after=3 * 60, resolve_after=60 * 60, resolve_via="api"),
        # acknowledged twice, the ack lapses, acknowledged again, then resolved
        _Plan(web, at(5, 19, 2, 14), "P1", "high", web.alert_sources[0], ack_after=4 * 60,
              second_ack_after=90, unack_reack_after=5 * 60, resolve_after=9 * 3600,
              resolve_via="website", note=True),
        # an incident on the PagerDuty service that is not in the catalog
        _Plan(unmapped, at(4, 7, 11, 0), "P3", "high", unmapped.alert_sources[0],
              ack_after=12 * 60, resolve_after=3 * 3600, resolve_via="mobile"),
        # still open at the end: acknowledged, and triggered with no priority (urgency low)
        _Plan(payments, at(6, 30, 18, 5), "P3", "high", payments.alert_sources[0],
              ack_after=9 * 60),
        _Plan(notifications, at(6, 30, 21, 40), None, "low", notifications.alert_sources[0]),
    ]  # fmt: skip


def _on_call(team: Team, created_at: int, offset: int) -> User:
    """Weekly rotation through the team's members."""
    week = (created_at - PERIOD_START) // (7 * _DAY)
    return team.members[(week + offset) % len(team.members)]


class _Builder:
    """Turns a plan into the incident's log entries."""

    def __init__(self, rng: random.Random, ids: IdFactory) -> None:
        self.rng = rng
        self.ids = ids

    def entry(
        self,
        incident: Incident,
        entry_type: str,
        at: int,
        summary: str,
        agent: dict[str, Any] | None,
        channel: dict[str, Any],
        **extra: Any,
    ) -> dict[str, Any]:
        entry_id = self.ids.pagerduty_log_entry()
        record: dict[str, Any] = {
            "id": entry_id,
            "type": entry_type,
            "summary": summary,
            "self": f"{_API}/log_entries/{entry_id}",
            "html_url": f"{_WEB}/incidents/{incident.id}/log_entries/{entry_id}",
            "created_at": iso_z(at),
            "agent": agent,
            "channel": channel,
            "service": _service_ref(incident.service),
            "incident": {
                "id": incident.id,
                "type": "incident_reference",
                "summary": incident.summary,
                "self": f"{_API}/incidents/{incident.id}",
                "html_url": f"{_WEB}/incidents/{incident.id}",
            },
            "teams": [_team_ref(incident.service.team)],
            "contexts": [],
        }
        record.update(extra)
        return record

    def add(
        self,
        incident: Incident,
        entry_type: str,
        at: int,
        summary: str,
        agent: dict[str, Any] | None,
        channel: dict[str, Any],
        actor: dict[str, Any] | None = None,
        assign_to: tuple[User, ...] = (),
        **extra: Any,
    ) -> None:
        """Append a log entry; `actor` changes the status, `assign_to` the assignments."""
        assignees = tuple(_user_ref(user) for user in assign_to)
        if assignees:
            extra["assignees"] = list(assignees)
        record = self.entry(incident, entry_type, at, summary, agent, channel, **extra)
        incident.events.append(LogEvent(at, entry_type, record, actor, assignees))

    def notify(self, incident: Incident, user: User, at: int) -> None:
        notification_type, label = self.rng.choice(_NOTIFY_METHODS)
        self.add(
            incident, "notify_log_entry", at, f"Notified {user.name} by {label}.",
            _service_ref(incident.service), {"type": "auto"},
            user=_user_ref(user), notification={"type": notification_type, "status": "success"},
        )  # fmt: skip

    def build(self, incident: Incident, plan: _Plan) -> None:
        rng = self.rng
        service = incident.service
        service_ref = _service_ref(service)
        team = service.team
        primary = _on_call(team, plan.created_at, offset=len(service.name))
        secondary = team.lead
        t0 = plan.created_at

        if plan.source is None:
            trigger_agent = _user_ref(rng.choice(team.members))
            channel = {"type": "web_trigger", "summary": incident.title}
            summary = "Triggered through the website."
        else:
            trigger_agent = service_ref
            channel = {"type": "api", "summary": incident.title}
            summary = "Triggered through the API."
        self.add(
            incident, "trigger_log_entry", t0, summary, trigger_agent, channel,
            actor=trigger_agent, event_details={"description": incident.title},
        )  # fmt: skip
        if plan.source is not None:
            incident.events[-1].record["contexts"] = [
                {
                    "type": "link",
                    "href": f"https://monitoring.acme.example/alerts/{plan.source.dedup_key}",
                    "text": "View in monitoring",
                }
            ]
        self.add(
            incident, "assign_log_entry", t0, f"Assigned to {primary.name}.", service_ref,
            {"type": "auto"}, assign_to=(primary,),
        )  # fmt: skip
        self.notify(incident, primary, t0 + rng.randint(5, 40))

        ack_at = None if plan.ack_after is None else t0 + plan.ack_after
        resolve_at = None if plan.resolve_after is None else t0 + plan.resolve_after
        # nobody responded within the escalation timeout: level 2 gets the page
        responded_at = min(t for t in (ack_at, resolve_at, FINAL_EXPORT_AT) if t is not None)
        acker = primary
        escalate_at = t0 + service.escalation_timeout_seconds
        if escalate_at < responded_at:
            self.add(
                incident, "escalate_log_entry", escalate_at,
                f"Escalated to level 2 ({secondary.name}) by timeout.", service_ref,
                {"type": "timeout"}, assign_to=(secondary,),
            )  # fmt: skip
            self.notify(incident, secondary, escalate_at + rng.randint(5, 40))
            acker = secondary

        timeout = service.acknowledgement_timeout
        if ack_at is not None:
            self.ack(incident, acker, ack_at, timeout)
            last_ack = ack_at
            if plan.second_ack_after is not None:
                other = primary if acker is secondary else secondary
                second_at = ack_at + plan.second_ack_after
                if resolve_at is None or second_at < resolve_at:
                    self.ack(incident, other, second_at, timeout)
                    last_ack = second_at
            if timeout and plan.unack_reack_after is not None:
                unack_at = last_ack + timeout
                reack_at = unack_at + plan.unack_reack_after
                if resolve_at is None or reack_at < resolve_at:
                    self.add(
                        incident, "unacknowledge_log_entry", unack_at,
                        "Unacknowledged due to timeout.", service_ref, {"type": "timeout"},
                        actor=service_ref,
                    )  # fmt: skip
                    self.notify(incident, acker, unack_at + rng.randint(5, 40))
                    self.ack(incident, acker, reack_at, timeout)
                    last_ack = reack_at
            if plan.note and resolve_at is not None:
                note_at = last_ack + max(1, (resolve_at - last_ack) // 2)
                note = rng.choice(_NOTES)
                self.add(
                    incident, "annotate_log_entry", note_at, f"Note added by {acker.name}.",
                    _user_ref(acker), {"type": "note", "summary": note},
                )  # fmt: skip

        if resolve_at is not None:
            if plan.resolve_via == "api":
                agent, channel, summary = service_ref, {"type": "api"}, "Resolved through the API."
            elif plan.resolve_via == "timeout":
                agent, channel, summary = service_ref, {"type": "timeout"}, "Resolved by timeout."
            else:
                agent = _user_ref(acker)
                channel = {"type": plan.resolve_via}
                summary = f"Resolved by {acker.name}."
            self.add(
                incident, "resolve_log_entry", resolve_at, summary, agent, channel, actor=agent
            )
        incident.events.sort(key=lambda event: event.at)  # stable: same-second order kept

    def ack(self, incident: Incident, user: User, at: int, timeout: int | None) -> None:
        ref = _user_ref(user)
        self.add(
            incident, "acknowledge_log_entry", at, f"Acknowledged by {user.name}.", ref,
            {"type": self.rng.choice(_ACK_CHANNELS)}, actor=ref,
            acknowledgement_timeout=timeout,
        )  # fmt: skip


def _title(rng: random.Random, plan: _Plan) -> str:
    service_name = plan.service.catalog_service_id or plan.service.name.lower().replace(" ", "-")
    fields = {"n1": rng.randint(2, 99), "n2": rng.randint(100, 9999), "service": service_name}
    if plan.source is None:
        return rng.choice(_MANUAL_TITLES).format(**fields)
    return plan.source.title_template.format(host=plan.source.host, **fields)


def simulate_incidents(world: World, rng: random.Random, scale: float = 1.0) -> list[Incident]:
    """All incidents of the period with their log entries, ordered by incident_number.

    About `250 * scale` incidents, the planted edge cases of `_planted_plans` included.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    ids = IdFactory(rng)
    plans = _planted_plans(world)
    services = world.pagerduty_services
    cumulative = []
    total = 0.0
    for service in services:
        total += service.incident_weight
        cumulative.append(total)
    for _ in range(max(0, round(INCIDENTS_PER_SCALE * scale) - len(plans))):
        service = services[bisect.bisect_right(cumulative, rng.random() * total)]
        plans.append(_draw_plan(rng, service, _draw_created_at(rng)))
    plans.sort(key=lambda plan: plan.created_at)  # stable: ties keep their draw order

    builder = _Builder(rng, ids)
    first_number = rng.randint(1000, 4000)
    incidents = []
    for index, plan in enumerate(plans):
        if plan.source is None:
            key = ids.hex32()  # PagerDuty generates a fresh key for incidents made by hand
        elif plan.service.hashed_incident_keys:
            key = fingerprint_hash(plan.source.dedup_key)
        else:
            key = plan.source.dedup_key
        incident = Incident(
            id=ids.pagerduty_incident(),
            number=first_number + index,
            service=plan.service,
            title=_title(rng, plan),
            urgency=plan.urgency,
            priority=None if plan.priority is None else world.priority(plan.priority),
            incident_key=key,
            created_at=plan.created_at,
            alert_count=plan.alert_count,
            manual=plan.source is None,
        )
        builder.build(incident, plan)
        incidents.append(incident)
    return incidents


# --- records as exported ---------------------------------------------------------------


def incident_record(incident: Incident, as_of: int) -> dict[str, Any]:
    """The REST v2 incident as `GET /incidents` returns it at time `as_of`."""
    status = "triggered"
    last_change = incident.created_at
    last_change_by: dict[str, Any] | None = None
    updated_at = incident.created_at
    assignments: list[dict[str, Any]] = []
    acknowledgements: list[dict[str, Any]] = []
    first_trigger: dict[str, Any] | None = None
    for event in incident.events:
        if event.at > as_of:
            break
        kind = event.type
        if kind in ("notify_log_entry", "annotate_log_entry"):
            continue
        updated_at = event.at
        if event.assignees:
            assignments = [{"at": iso_z(event.at), "assignee": a} for a in event.assignees]
        if kind == "trigger_log_entry":
            first_trigger = first_trigger or event.record
            status, last_change, last_change_by = "triggered", event.at, event.actor
        elif kind == "acknowledge_log_entry":
            status, last_change, last_change_by = "acknowledged", event.at, event.actor
            acknowledgements.append({"at": iso_z(event.at), "acknowledger": event.actor})
        elif kind == "unacknowledge_log_entry":
            status, last_change, last_change_by = "triggered", event.at, event.actor
            acknowledgements = []
        elif kind == "resolve_log_entry":
            status, last_change, last_change_by = "resolved", event.at, event.actor
    if status == "resolved":
        assignments, acknowledgements = [], []
    elif status == "triggered":
        acknowledgements = []
    alerts = incident.alert_count
    service = incident.service
    assert first_trigger is not None, "incident exported before it was triggered"
    return {
        "id": incident.id,
        "type": "incident",
        "summary": incident.summary,
        "self": f"{_API}/incidents/{incident.id}",
        "html_url": f"{_WEB}/incidents/{incident.id}",
        "incident_number": incident.number,
        "title": incident.title,
        "description": incident.title,
        "created_at": iso_z(incident.created_at),
        "updated_at": iso_z(updated_at),
        "status": status,
        "incident_key": incident.incident_key,
        "service": _service_ref(service),
        "assignments": assignments,
        "assigned_via": "escalation_policy",
        "last_status_change_at": iso_z(last_change),
        "resolved_at": iso_z(last_change) if status == "resolved" else None,
        "first_trigger_log_entry": {
            "id": first_trigger["id"],
            "type": "trigger_log_entry_reference",
            "summary": first_trigger["summary"],
            "self": first_trigger["self"],
            "html_url": first_trigger["html_url"],
        },
        "alert_counts": {
            "all": alerts,
            "triggered": 0 if status == "resolved" else alerts,
            "resolved": alerts if status == "resolved" else 0,
        },
        "is_mergeable": True,
        "escalation_policy": _escalation_policy_ref(service),
        "teams": [_team_ref(service.team)],
        "pending_actions": [],
        "acknowledgements": acknowledgements,
        "basic_alert_grouping": None,
        "alert_grouping": None,
        "last_status_change_by": last_change_by,
        "priority": None if incident.priority is None else _priority_ref(incident.priority),
        "resolve_reason": None,
        "incident_type": {"name": "incident_default"},
        "urgency": incident.urgency,
    }


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=None, separators=(",", ":"))


def _write_pages(folder: Path, stem: str, envelope_key: str, records: list[dict[str, Any]]) -> int:
    """Write `stem_pNNN.json` REST pages of PAGE_LIMIT records; return the record count."""
    pages = max(1, math.ceil(len(records) / PAGE_LIMIT))
    width = max(3, len(str(pages)))
    for page in range(pages):
        chunk = records[page * PAGE_LIMIT : (page + 1) * PAGE_LIMIT]
        envelope = {
            envelope_key: chunk,
            "limit": PAGE_LIMIT,
            "offset": page * PAGE_LIMIT,
            "more": page < pages - 1,
            "total": None,
        }
        path = folder / f"{stem}_p{page + 1:0{width}d}.json"
        path.write_text(_dumps(envelope) + "\n", encoding="utf-8")
    return len(records)


def write_pagerduty_exports(incidents: list[Incident], out_dir: Path) -> dict[str, int]:
    """Write the incident and log entry exports of `incidents`; return records per folder."""
    incidents_dir = out_dir / INCIDENTS_FOLDER
    log_dir = out_dir / LOG_ENTRIES_FOLDER
    incidents_dir.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)

    by_created = sorted(incidents, key=lambda incident: (incident.created_at, incident.number))
    created = [incident.created_at for incident in by_created]
    events = sorted(
        (
            (event.at, incident.number, seq, event.record)
            for incident in incidents
            for seq, event in enumerate(incident.events)
        ),
        key=lambda item: item[:3],
    )
    event_times = [item[0] for item in events]

    starts = month_starts()
    incident_count = 0
    log_count = 0
    for month in range(len(starts) - 1):
        label = iso_z(starts[month])[:7]
        export_at = starts[month + 1] + EXPORT_DELAY_SECONDS
        since = starts[max(0, month - 1)]
        until = starts[month + 1]
        window = by_created[bisect.bisect_left(created, since) : bisect.bisect_left(created, until)]
        incident_count += _write_pages(
            incidents_dir,
            f"incidents_{label}",
            "incidents",
            [incident_record(incident, export_at) for incident in window],
        )
        low = bisect.bisect_left(event_times, starts[month])
        high = bisect.bisect_left(event_times, until)
        log_count += _write_pages(
            log_dir, f"log_entries_{label}", "log_entries", [e[3] for e in events[low:high]]
        )

    low = bisect.bisect_left(event_times, LATE_EXPORT_SINCE)
    high = bisect.bisect_right(event_times, FINAL_EXPORT_AT)
    late = [e[3] for e in events[low:high]]
    (log_dir / LATE_EXPORT_FILE).write_text(
        "".join(_dumps(record) + "\n" for record in late), encoding="utf-8"
    )
    log_count += len(late)
    return {INCIDENTS_FOLDER: incident_count, LOG_ENTRIES_FOLDER: log_count}


def write_pagerduty(
    world: World, out_dir: Path, rng: random.Random, scale: float = 1.0
) -> dict[str, int]:
    """Simulate the period's incidents and write their PagerDuty exports under `out_dir`."""
    return write_pagerduty_exports(simulate_incidents(world, rng, scale), out_dir)
