"""ServiceNow sample exports (source-exports.md §5): incident, task_sla, change_request, sys_audit.

Every file is a Table API page `{"result": [...]}` read with `sysparm_display_value=false`:
every value a string, date-times `YYYY-MM-DD HH:MM:SS` in UTC, durations
`1970-01-01 HH:MM:SS`, booleans `"true"`/`"false"`, references `{"link", "value"}` - or
bare sys_ids in the February and May exports, which ran with
`sysparm_exclude_reference_link=true` - and `""` when empty.

`servicenow/<table>/<table>_<YYYY-MM>_pNNN.json`: the records with `sys_updated_on`
since the start of the month before, as they stood at 00:30 UTC on the 1st of the next
month, oldest update first, 500 per page. A record changed across a month end therefore
appears twice, the later copy with a newer `sys_updated_on`. sys_audit rows never change,
so its exports ask only for the month's own rows (`sys_created_on` in the month).

What the incidents are:
* most PagerDuty incidents, mirrored by the integration: `correlation_id` = the PagerDuty
  incident id, `correlation_display` = `PagerDuty`, state 1 -> 2 when PagerDuty's first
  acknowledgement arrives, -> 6 at the resolve, -> 7 three days later;
* some Opsgenie alerts (`correlation_id` = the alert's alias, `Opsgenie`), only alerts
  whose alias is unique in the export, so the link is unambiguous;
* incidents raised in ServiceNow itself (phone, e-mail, portal), a few of them reported
  after a release, with `caused_by` naming that release's change;
* `cmdb_ci` = one of the service's catalog `servicenow_cmdb_ci_ids` (a legacy CI that
  is not in the catalog for the unmapped PagerDuty service, `""` for some hand-raised
  incidents); `caused_by` = the change of the bad deployment behind an incident.
task_sla holds a response and a resolution SLA per incident (P1/P2 on a 24x7 schedule,
P3-P5 on an 08:00-17:00 weekday schedule in America/New_York); sys_audit the `state`
changes of incidents and change requests.
"""

from __future__ import annotations

import bisect
import calendar
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestration.samples.opsgenie import Alert
from orchestration.samples.pagerduty import Incident
from orchestration.samples.render import (
    EXPORT_DELAY_SECONDS,
    monthly_exports,
    sn_duration,
    sn_time,
    stable_hex,
    write_json,
    zone,
)
from orchestration.samples.story import Change, Story
from orchestration.samples.world import (
    PERIOD_END,
    PERIOD_START,
    CatalogService,
    User,
    World,
)

INCIDENT_FOLDER = "servicenow/incident"
TASK_SLA_FOLDER = "servicenow/task_sla"
CHANGE_REQUEST_FOLDER = "servicenow/change_request"
SYS_AUDIT_FOLDER = "servicenow/sys_audit"
PAGE_LIMIT = 500
INSTANCE = "https://acme.service-now.com"
BARE_REFERENCE_MONTHS = {"2026-02", "2026-05"}
PAGERDUTY_MIRROR_SHARE = 0.85
OPSGENIE_MIRROR_SHARE = 0.5
SERVICENOW_ONLY_PER_SERVICE = 5
AUTO_CLOSE_SECONDS = 3 * 86400
BUSINESS_ZONE = "America/New_York"
BUSINESS_HOURS = (8, 17)

_MINUTE = 60
_HOUR = 3600
# priority -> (response target s, resolution target s, business schedule?)
SLA_TARGETS: dict[str, tuple[int, int, bool]] = {
    "1": (15 * _MINUTE, 4 * _HOUR, False),
    "2": (30 * _MINUTE, 8 * _HOUR, False),
    "3": (2 * _HOUR, 18 * _HOUR, True),
    "4": (8 * _HOUR, 45 * _HOUR, True),
    "5": (18 * _HOUR, 90 * _HOUR, True),
}
_IMPACT_URGENCY = {
    "1": ("1", "1"),
    "2": ("1", "2"),
    "3": ("2", "2"),
    "4": ("2", "3"),
    "5": ("3", "3"),
}
_MANUAL_TITLES = (
    "{service}: users cannot complete requests",
    "Slow responses from {service} reported by support",
    "{service} returns errors for some customers",
    "Request: investigate intermittent failures on {service}",
    "Partner reports timeouts calling {service}",
)
_CLOSE_CODES = ("Solved (Permanently)", "Solution provided", "Workaround provided",
                "Solved (Work Around)", "Known error")  # fmt: skip


def user_name(user: User | str) -> str:
    """ServiceNow user_name: the e-mail's local part (`ada.berg`), or the name given."""
    return user if isinstance(user, str) else user.email.split("@")[0]


# --- business time ------------------------------------------------------------------------


class BusinessClock:
    """Seconds of 08:00-17:00 Monday-Friday in BUSINESS_ZONE, DST honoured."""

    def __init__(self) -> None:
        self._windows: dict[int, tuple[int, int] | None] = {}
        self._tz = zone(BUSINESS_ZONE)

    def _window(self, ordinal: int) -> tuple[int, int] | None:
        if ordinal not in self._windows:
            day = datetime.fromordinal(ordinal)
            if day.weekday() >= 5:
                self._windows[ordinal] = None
            else:
                start = day.replace(hour=BUSINESS_HOURS[0], tzinfo=self._tz)
                end = day.replace(hour=BUSINESS_HOURS[1], tzinfo=self._tz)
                self._windows[ordinal] = (int(start.timestamp()), int(end.timestamp()))
        return self._windows[ordinal]

    def _ordinal(self, epoch: int) -> int:
        return datetime.fromtimestamp(epoch, self._tz).toordinal()

    def seconds(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        total = 0
        for ordinal in range(self._ordinal(start), self._ordinal(end) + 1):
            window = self._window(ordinal)
            if window is not None:
                total += max(0, min(end, window[1]) - max(start, window[0]))
        return total

    def add(self, start: int, seconds: int) -> int:
        """The instant `seconds` business seconds after `start`."""
        ordinal = self._ordinal(start)
        remaining = seconds
        cursor = start
        while True:
            window = self._window(ordinal)
            if window is not None and cursor < window[1]:
                begin = max(cursor, window[0])
                available = window[1] - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            ordinal += 1
            next_window = self._window(ordinal)
            cursor = next_window[0] if next_window else cursor


# --- the incidents ----------------------------------------------------------------------


@dataclass
class SnIncident:
    sys_id: str
    opened_at: int
    short_description: str
    priority: str
    category: str
    contact_type: str
    cmdb_ci: str | None
    group: str  # sys_user_group sys_id
    caller: str  # sys_user sys_id
    created_by: str  # user_name
    assignee: User | None
    states: list[tuple[int, str, str, str]] = field(default_factory=list)  # at, old, new, user
    caused_by: str | None = None
    correlation_id: str = ""
    correlation_display: str = ""
    close_code: str = ""
    close_notes: str = ""
    hold_reason: str = ""
    reassignment_count: int = 0
    number: str = ""

    def transitions_until(self, as_of: int) -> list[tuple[int, str, str, str]]:
        return [t for t in self.states if t[0] <= as_of]

    def first(self, state: str, as_of: int | None = None) -> int | None:
        for when, _, new, _ in self.states:
            if as_of is not None and when > as_of:
                return None
            if new == state:
                return when
        return None

    def last(self, state: str, as_of: int) -> int | None:
        found = None
        for when, _, new, _ in self.states:
            if when > as_of:
                break
            if new == state:
                found = when
        return found


class _Builder:
    def __init__(self, world: World, story: Story, rng: random.Random) -> None:
        self.world = world
        self.story = story
        self.rng = rng
        self.salt = world.salt
        self.users_by_pd_id: dict[str, User] = {
            user.id: user for team in world.teams for user in (*team.members, team.lead)
        }
        self.team_of_user: dict[str, str] = {
            user.id: team.name for team in world.teams for user in (*team.members, team.lead)
        }

    def user_id(self, user: User | str) -> str:
        """sys_user sys_id of a person (or of an integration's user_name)."""
        return stable_hex(self.salt, "sys_user", user_name(user))

    def group_id(self, team_name: str) -> str:
        return stable_hex(self.salt, "sys_user_group", team_name)

    def ci_of(self, service: CatalogService) -> str | None:
        cis = service.servicenow_cmdb_ci_ids
        return self.rng.choice(cis) if cis else None

    def _lifecycle(
        self,
        incident: SnIncident,
        ack: int | None,
        resolve: int | None,
        user: str,
    ) -> None:
        states = incident.states
        if ack is not None:
            states.append((ack, "1", "2", user))
        if resolve is not None:
            states.append((resolve, "2" if ack is not None else "1", "6", user))
            closed = resolve + AUTO_CLOSE_SECONDS
            states.append((closed, "6", "7", "system"))

    def from_pagerduty(self, incident: Incident, caused_by: str | None) -> SnIncident:
        rng = self.rng
        service = incident.service
        catalog = service.catalog_service_id
        if incident.priority is not None:
            priority = {"P1": "1", "P2": "2", "P3": "3", "P4": "4", "P5": "5"}[
                incident.priority.name
            ]
        else:
            priority = "2" if incident.urgency == "high" else "4"
        if catalog is None:
            cmdb_ci: str | None = stable_hex(self.salt, "legacy-ci", service.id)
        else:
            cmdb_ci = self.ci_of(self.world.service(catalog))
        acker = None
        for event in incident.events:
            if event.type == "acknowledge_log_entry" and event.actor:
                acker = self.users_by_pd_id.get(event.actor["id"])
                break
        sn = SnIncident(
            sys_id=stable_hex(self.salt, "incident", incident.id),
            opened_at=incident.created_at + rng.randint(5, 90),
            short_description=incident.title,
            priority=priority,
            category="software",
            contact_type="integration",
            cmdb_ci=cmdb_ci,
            group=self.group_id(service.team.name),
            caller=self.user_id("pagerduty.integration"),
            created_by="pagerduty.integration",
            assignee=acker,
            caused_by=caused_by,
            correlation_id=incident.id,
            correlation_display="PagerDuty",
        )
        ack = incident.acknowledged_at
        resolve = incident.resolved_at
        self._lifecycle(
            sn,
            None if ack is None else max(sn.opened_at + 1, ack + rng.randint(2, 60)),
            None if resolve is None else max(sn.opened_at + 2, resolve + rng.randint(2, 60)),
            "pagerduty.integration",
        )
        if resolve is not None:
            sn.close_code = "Resolved by change" if caused_by else rng.choice(_CLOSE_CODES)
            sn.close_notes = "Resolved in PagerDuty."
        return sn

    def from_opsgenie(self, alert: Alert) -> SnIncident:
        rng = self.rng
        priority = alert.priority[1]
        created = int(alert.created_at)
        sn = SnIncident(
            sys_id=stable_hex(self.salt, "incident", alert.id),
            opened_at=created + rng.randint(5, 60),
            short_description=alert.message,
            priority=priority,
            category="software",
            contact_type="integration",
            cmdb_ci=self.ci_of(alert.service),
            group=self.group_id(alert.service.owner_team),
            caller=self.user_id("opsgenie.integration"),
            created_by="opsgenie.integration",
            assignee=alert.acked_by,
            correlation_id=alert.alias,
            correlation_display="Opsgenie",
        )
        ack = None if alert.acked_at is None else int(alert.acked_at) + rng.randint(2, 40)
        resolve = None if alert.closed_at is None else int(alert.closed_at) + rng.randint(2, 40)
        self._lifecycle(
            sn,
            None if ack is None else max(sn.opened_at + 1, ack),
            None if resolve is None else max(sn.opened_at + 2, resolve),
            "opsgenie.integration",
        )
        if resolve is not None:
            sn.close_code = rng.choice(_CLOSE_CODES)
            sn.close_notes = "Closed in Opsgenie."
        return sn

    def manual(
        self, service: CatalogService, opened: int, caused_by: Change | None = None
    ) -> SnIncident:
        rng = self.rng
        team = self.world.team(service.owner_team)
        if caused_by is not None:
            priority = rng.choice(("2", "3", "3"))
            title = f"Users report errors on {service.service_name} after the release"
        else:
            priority = rng.choices(("2", "3", "4", "5"), weights=(1, 5, 4, 1))[0]
            title = rng.choice(_MANUAL_TITLES).format(service=service.service_name)
        caller = rng.choice(team.members)
        assignee = rng.choice(team.members)
        sn = SnIncident(
            sys_id=self.rng_hex(),
            opened_at=opened,
            short_description=title,
            priority=priority,
            category=rng.choice(("software", "network", "inquiry")),
            contact_type=rng.choice(("phone", "email", "self-service", "walk-in")),
            cmdb_ci=None if rng.random() < 0.1 else self.ci_of(service),
            group=self.group_id(service.owner_team),
            caller=self.user_id(caller),
            created_by=user_name(caller),
            assignee=assignee,
            caused_by=None if caused_by is None else caused_by.sys_id,
            reassignment_count=rng.choice((0, 0, 0, 1, 2)),
        )
        who = user_name(assignee)
        if rng.random() < 0.04:  # a duplicate, canceled
            sn.states.append((opened + rng.randint(10 * _MINUTE, 3 * _HOUR), "1", "8", who))
            sn.close_code = "Duplicate"
            return sn
        ack = opened + max(60, int(rng.lognormvariate(math.log(40 * _MINUTE), 0.9)))
        now = ack
        sn.states.append((ack, "1", "2", who))
        if rng.random() < 0.12:  # waiting for the caller
            hold = now + rng.randint(20 * _MINUTE, 4 * _HOUR)
            back = hold + rng.randint(2 * _HOUR, 2 * 86400)
            sn.states += [(hold, "2", "3", who), (back, "3", "2", who)]
            sn.hold_reason = "1"
            now = back
        resolve = now + max(10 * _MINUTE, int(rng.lognormvariate(math.log(8 * _HOUR), 1.0)))
        sn.states.append((resolve, "2", "6", who))
        if rng.random() < 0.08:  # reopened by the caller, resolved again
            reopen = resolve + rng.randint(2 * _HOUR, 2 * 86400)
            again = reopen + rng.randint(1 * _HOUR, 20 * _HOUR)
            sn.states += [(reopen, "6", "2", sn.created_by), (again, "2", "6", who)]
            resolve = again
        sn.states.append((resolve + AUTO_CLOSE_SECONDS, "6", "7", "system"))
        sn.close_code = "Resolved by change" if caused_by else rng.choice(_CLOSE_CODES)
        sn.close_notes = "Fixed; caller confirmed."
        return sn

    def rng_hex(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"


def build_incidents(
    world: World,
    story: Story,
    pagerduty: list[Incident],
    alerts: list[Alert],
    rng: random.Random,
    scale: float,
) -> tuple[list[SnIncident], _Builder]:
    builder = _Builder(world, story, rng)
    bad = story.bad_deploy_by_incident
    incidents: list[SnIncident] = []
    for incident in pagerduty:
        link = bad.get(incident.id)
        if link is None and rng.random() >= PAGERDUTY_MIRROR_SHARE:
            continue
        caused_by = None
        if link is not None and link.caused_by_recorded and link.deployment.change is not None:
            caused_by = link.deployment.change.sys_id
        incidents.append(builder.from_pagerduty(incident, caused_by))
    aliases = Counter(alert.alias for alert in alerts)
    for alert in alerts:
        if (
            aliases[alert.alias] == 1
            and alert.priority in ("P1", "P2", "P3")
            and rng.random() < OPSGENIE_MIRROR_SHARE
        ):
            incidents.append(builder.from_opsgenie(alert))
    days = (PERIOD_END - PERIOD_START) // 86400
    per_service = max(1, round(SERVICENOW_ONLY_PER_SERVICE * min(1.0, scale)))
    for service in world.services:
        for _ in range(rng.randint(per_service // 2, per_service * 3 // 2)):
            day = PERIOD_START + rng.randrange(days - 1) * 86400
            opened = day + rng.randint(7 * _HOUR, 19 * _HOUR) + rng.randrange(3600)
            incidents.append(builder.manual(service, opened))
    for change in story.changes:
        if change.reported_issue_at is not None:
            incidents.append(builder.manual(change.service, change.reported_issue_at, change))
    incidents = [i for i in incidents if i.opened_at < PERIOD_END]
    incidents.sort(key=lambda i: (i.opened_at, i.sys_id))
    for index, incident in enumerate(incidents):
        incident.number = f"INC{10001 + index:07d}"
        incident.states.sort(key=lambda t: t[0])
    return incidents, builder


# --- rendering ------------------------------------------------------------------------


class _Render:
    def __init__(self, builder: _Builder, clock: BusinessClock) -> None:
        self.b = builder
        self.clock = clock
        self.bare = False
        self.sla_ids = {
            (priority, kind): stable_hex(builder.salt, "contract_sla", priority, kind)
            for priority in SLA_TARGETS
            for kind in ("response", "resolution")
        }
        self.schedule_24x7 = stable_hex(builder.salt, "cmn_schedule", "24x7")
        self.schedule_business = stable_hex(builder.salt, "cmn_schedule", "8-5 weekdays")

    def ref(self, table: str, sys_id: str | None) -> Any:
        if not sys_id:
            return ""
        if self.bare:
            return sys_id
        return {"link": f"{INSTANCE}/api/now/table/{table}/{sys_id}", "value": sys_id}

    # -- incident ------------------------------------------------------------------------

    def incident(self, incident: SnIncident, as_of: int, made_sla: bool) -> dict[str, Any]:
        transitions = incident.transitions_until(as_of)
        state = transitions[-1][2] if transitions else "1"
        updated = transitions[-1][0] if transitions else incident.opened_at
        updated_by = transitions[-1][3] if transitions else incident.created_by
        resolved = incident.last("6", as_of) if state in ("6", "7") else None
        closed = incident.first("7", as_of) if state in ("7", "8") else None
        if state == "8":
            closed = transitions[-1][0]
        reopened = [t[0] for t in transitions if t[1] == "6" and t[2] == "2"]
        resolver = None
        if resolved is not None:
            resolver = next(t[3] for t in reversed(transitions) if t[2] == "6")
        impact, urgency = _IMPACT_URGENCY[incident.priority]
        calendar = business = None
        if resolved is not None:
            calendar = resolved - incident.opened_at
            business = self.clock.seconds(incident.opened_at, resolved)
        assignee = incident.assignee
        assigned = assignee is not None and (incident.first("2", as_of) is not None or state != "1")
        return {
            "sys_id": incident.sys_id,
            "number": incident.number,
            "short_description": incident.short_description,
            "description": incident.short_description,
            "state": state,
            "incident_state": state,
            "active": "false" if state in ("7", "8") else "true",
            "priority": incident.priority,
            "impact": impact,
            "urgency": urgency,
            "severity": "3",
            "category": incident.category,
            "subcategory": "",
            "contact_type": incident.contact_type,
            "opened_at": sn_time(incident.opened_at),
            "opened_by": self.ref("sys_user", incident.caller),
            "caller_id": self.ref("sys_user", incident.caller),
            "sys_created_on": sn_time(incident.opened_at),
            "sys_created_by": incident.created_by,
            "sys_updated_on": sn_time(updated),
            "sys_updated_by": updated_by,
            "sys_mod_count": str(len(transitions) + (1 if assigned else 0)),
            "resolved_at": sn_time(resolved),
            "resolved_by": self.ref("sys_user", self._user_ref(resolver)),
            "closed_at": sn_time(closed),
            "closed_by": self.ref("sys_user", self._user_ref(resolver) if closed else None),
            "reopened_time": sn_time(reopened[-1] if reopened else None),
            "reopen_count": str(len(reopened)),
            "reassignment_count": str(incident.reassignment_count),
            "assignment_group": self.ref("sys_user_group", incident.group),
            "assigned_to": self.ref(
                "sys_user", self.b.user_id(assignee) if assigned and assignee else None
            ),
            "cmdb_ci": self.ref("cmdb_ci", incident.cmdb_ci),
            "business_service": "",
            "caused_by": self.ref("change_request", incident.caused_by),
            "problem_id": "",
            "rfc": "",
            "made_sla": "true" if made_sla else "false",
            "business_duration": sn_duration(business),
            "calendar_duration": sn_duration(calendar),
            "business_stc": "" if business is None else str(business),
            "calendar_stc": "" if calendar is None else str(calendar),
            "close_code": incident.close_code if resolved or closed else "",
            "close_notes": incident.close_notes if resolved or closed else "",
            "hold_reason": incident.hold_reason if state == "3" else "",
            "correlation_id": incident.correlation_id,
            "correlation_display": incident.correlation_display,
            "sys_class_name": "incident",
        }

    def _user_ref(self, name: str | None) -> str | None:
        return self.b.user_id(name) if name else None

    # -- task_sla ------------------------------------------------------------------------

    def slas(self, incident: SnIncident, as_of: int) -> list[tuple[int, dict[str, Any]]]:
        """The incident's response and resolution SLAs at `as_of`: (sys_updated_on, record)."""
        if incident.opened_at > as_of:
            return []
        response, resolution, business = SLA_TARGETS[incident.priority]
        ack = next((t[0] for t in incident.states if t[2] in ("2", "6", "8")), None)
        resolved = None
        for when, _, new, _ in incident.states:
            if new in ("6", "8"):
                resolved = when
        canceled = any(t[2] == "8" for t in incident.states)
        holds: list[tuple[int, int]] = []
        hold_start = None
        for when, _, new, _ in incident.states:
            if new == "3":
                hold_start = when
            elif hold_start is not None:
                holds.append((hold_start, when))
                hold_start = None
        return [
            self.sla(incident, "response", response, business, ack, canceled, [], as_of),
            self.sla(
                incident, "resolution", resolution, business, resolved, canceled, holds, as_of
            ),
        ]

    def sla(
        self,
        incident: SnIncident,
        kind: str,
        target: int,
        business: bool,
        stop: int | None,
        canceled: bool,
        holds: list[tuple[int, int]],
        as_of: int,
    ) -> tuple[int, dict[str, Any]]:
        clock = self.clock
        start = incident.opened_at
        stopped = stop is not None and stop <= as_of
        end = stop if stopped else as_of
        assert end is not None
        pauses = [(a, min(b, end)) for a, b in holds if a < end]
        paused_now = not stopped and any(a <= end < b for a, b in holds)
        pause = sum(b - a for a, b in pauses)
        business_pause = sum(clock.seconds(a, b) for a, b in pauses)
        elapsed = end - start - pause
        business_elapsed = clock.seconds(start, end) - business_pause
        if business:
            original = clock.add(start, target)
            breach = clock.add(original, business_pause) if business_pause else original
            left = target - business_elapsed
        else:
            original = start + target
            breach = original + pause
            left = target - elapsed
        percentage = 100.0 * elapsed / target
        business_percentage = 100.0 * business_elapsed / target
        breached = (business_percentage if business else percentage) >= 100.0
        if stopped:
            stage = "cancelled" if canceled and kind == "resolution" else "completed"
        else:
            stage = "paused" if paused_now else "in_progress"
        sys_id = stable_hex(self.b.salt, "task_sla", incident.sys_id, kind)
        updated = end if stopped else max(start, as_of - 240)
        sla_id = self.sla_ids[(incident.priority, kind)]
        return updated, {
            "sys_id": sys_id,
            "task": self.ref("task", incident.sys_id),
            "sla": self.ref("contract_sla", sla_id),
            "stage": stage,
            "active": "false" if stopped else "true",
            "has_breached": "true" if breached else "false",
            "start_time": sn_time(start),
            "end_time": sn_time(stop if stopped else None),
            "planned_end_time": sn_time(breach),
            "original_breach_time": sn_time(original),
            "pause_time": sn_time(end if paused_now else None),
            "pause_duration": sn_duration(pause),
            "business_pause_duration": sn_duration(business_pause),
            "duration": sn_duration(elapsed),
            "business_duration": sn_duration(business_elapsed),
            "percentage": f"{percentage:.2f}",
            "business_percentage": f"{business_percentage:.2f}",
            "time_left": sn_duration(max(0, breach - end)),
            "business_time_left": sn_duration(max(0, left)),
            "schedule": self.ref(
                "cmn_schedule", self.schedule_business if business else self.schedule_24x7
            ),
            "timezone": BUSINESS_ZONE if business else "UTC",
            "sys_created_on": sn_time(start),
            "sys_updated_on": sn_time(updated),
        }

    # -- change_request ------------------------------------------------------------------

    def change(self, change: Change, as_of: int) -> dict[str, Any]:
        b = self.b
        state = change.state_at(as_of)
        started = change.work_start is not None and change.work_start <= as_of
        ended = change.work_end is not None and change.work_end <= as_of
        closed = change.closed_at is not None and change.closed_at <= as_of
        canceled = state == "4"
        team = b.world.team(change.service.owner_team)
        states = [t for t in change.states if t[0] <= as_of]
        if change.type == "normal":
            approval = "approved" if state not in ("-5", "-4", "-3") else "requested"
        else:
            approval = "approved"
        priority = {"1": "1", "2": "2", "3": "3", "4": "4"}[change.risk]
        requester = b.user_id(change.requested_by)
        return {
            "sys_id": change.sys_id,
            "number": change.number,
            "short_description": change.short_description,
            "description": change.short_description,
            "type": change.type,
            "state": state,
            "approval": approval,
            "risk": change.risk,
            "impact": change.impact,
            "priority": priority,
            "category": "Software",
            "start_date": sn_time(change.planned_start),
            "end_date": sn_time(change.planned_end),
            "work_start": sn_time(change.work_start if started else None),
            "work_end": sn_time(change.work_end if ended else None),
            "close_code": change.close_code if closed else "",
            "close_notes": change.close_notes if (closed or canceled) else "",
            "closed_at": sn_time(
                change.closed_at if closed else (states[-1][0] if canceled else None)
            ),
            "closed_by": self.ref("sys_user", requester if closed or canceled else None),
            "cmdb_ci": self.ref("cmdb_ci", change.service.servicenow_cmdb_ci_ids[0]),
            "business_service": "",
            "assignment_group": self.ref("sys_user_group", b.group_id(team.name)),
            "assigned_to": self.ref("sys_user", b.user_id(team.lead)),
            "requested_by": self.ref("sys_user", requester),
            "opened_at": sn_time(change.created_at),
            "opened_by": self.ref("sys_user", requester),
            "sys_created_on": sn_time(change.created_at),
            "sys_created_by": user_name(change.requested_by),
            "sys_updated_on": sn_time(change.updated_at(as_of)),
            "sys_updated_by": user_name(change.requested_by),
            "sys_mod_count": str(len(states)),
            "active": "false" if state in ("3", "4") else "true",
            "on_hold": "false",
            "production_system": "true",
            "sys_class_name": "change_request",
        }


def _audit(
    rng: random.Random, table: str, key: str, when: int, old: str, new: str, user: str, n: int
) -> dict[str, Any]:
    return {
        "sys_id": f"{rng.getrandbits(128):032x}",
        "tablename": table,
        "fieldname": "state",
        "documentkey": key,
        "oldvalue": old,
        "newvalue": new,
        "user": user,
        "reason": "",
        "record_checkpoint": str(n),
        "internal_checkpoint": f"{(when * 1000 + n):x}",
        "sys_created_on": sn_time(when),
        "sys_created_by": user,
    }


def _write_pages(
    folder: Path, table: str, label: str, records: list[tuple[int, str, dict[str, Any]]]
) -> int:
    records.sort(key=lambda item: (item[0], item[1]))  # sys_updated_on, then sys_id
    pages = max(1, -(-len(records) // PAGE_LIMIT))
    for page in range(pages):
        chunk = [r[2] for r in records[page * PAGE_LIMIT : (page + 1) * PAGE_LIMIT]]
        write_json(folder / f"{table}_{label}_p{page + 1:03d}.json", {"result": chunk})
    return len(records)


def write_servicenow(
    world: World,
    story: Story,
    pagerduty: list[Incident],
    alerts: list[Alert],
    out_dir: Path,
    rng: random.Random,
    scale: float = 1.0,
) -> dict[str, int]:
    """Write the four ServiceNow tables; records per folder."""
    incidents, builder = build_incidents(world, story, pagerduty, alerts, rng, scale)
    render = _Render(builder, BusinessClock())

    # incidents change when their state does (opened counts as a change)
    incident_times = [sorted({i.opened_at, *(t[0] for t in i.states)}) for i in incidents]

    def changed_in(times: list[int], since: int, export_at: int) -> int | None:
        """The record's sys_updated_on at `export_at` if it falls in [since, export_at)."""
        index = bisect.bisect_right(times, export_at) - 1
        if index < 0 or times[index] < since:
            return None
        return times[index]

    sla_cache: dict[tuple[str, int], list[tuple[int, dict[str, Any]]]] = {}

    def slas_at(incident: SnIncident, export_at: int) -> list[tuple[int, dict[str, Any]]]:
        key = (incident.sys_id, export_at)
        if key not in sla_cache:
            sla_cache[key] = render.slas(incident, export_at)
        return sla_cache[key]

    def incident_rows(since: int, export_at: int) -> list[tuple[int, str, dict[str, Any]]]:
        rows = []
        for incident, times in zip(incidents, incident_times, strict=True):
            updated = changed_in(times, since, export_at)
            if updated is None:
                continue
            slas = slas_at(incident, export_at)
            made = not any(record["has_breached"] == "true" for _, record in slas)
            rows.append((updated, incident.sys_id, render.incident(incident, export_at, made)))
        return rows

    def sla_rows(since: int, export_at: int) -> list[tuple[int, str, dict[str, Any]]]:
        rows = []
        for incident, times in zip(incidents, incident_times, strict=True):
            if incident.opened_at > export_at:
                continue
            open_sla = changed_in(times, since, export_at) is not None or not incident.first(
                "7", export_at
            )
            if not open_sla:
                continue
            for updated, record in slas_at(incident, export_at):
                if updated >= since:
                    rows.append((updated, record["sys_id"], record))
        return rows

    change_times = [sorted({c.created_at, *(t[0] for t in c.states)}) for c in story.changes]

    def change_rows(since: int, export_at: int) -> list[tuple[int, str, dict[str, Any]]]:
        rows = []
        for change, times in zip(story.changes, change_times, strict=True):
            updated = changed_in(times, since, export_at)
            if updated is not None:
                rows.append((updated, change.sys_id, render.change(change, export_at)))
        return rows

    audits: list[tuple[int, str, dict[str, Any]]] = []
    for incident in incidents:
        for n, (when, old, new, user) in enumerate(incident.states, start=1):
            record = _audit(rng, "incident", incident.sys_id, when, old, new, user, n)
            audits.append((when, record["sys_id"], record))
    for change in story.changes:
        user = user_name(change.requested_by)
        for n, (when, old, new) in enumerate(change.states, start=1):
            record = _audit(rng, "change_request", change.sys_id, when, old, new, user, n)
            audits.append((when, record["sys_id"], record))
    audits.sort(key=lambda item: (item[0], item[1]))
    audit_times = [a[0] for a in audits]

    def audit_rows(since: int, export_at: int) -> list[tuple[int, str, dict[str, Any]]]:
        # audit rows never change: each export asks only for the rows of its own month
        month = time.gmtime(export_at - EXPORT_DELAY_SECONDS - 1)
        low = bisect.bisect_left(
            audit_times, calendar.timegm((month.tm_year, month.tm_mon, 1, 0, 0, 0))
        )
        high = bisect.bisect_left(audit_times, export_at)
        return audits[low:high]

    tables = (
        (INCIDENT_FOLDER, "incident", incident_rows),
        (TASK_SLA_FOLDER, "task_sla", sla_rows),
        (CHANGE_REQUEST_FOLDER, "change_request", change_rows),
        (SYS_AUDIT_FOLDER, "sys_audit", audit_rows),
    )
    counts = dict.fromkeys((folder for folder, _, _ in tables), 0)
    for folder, _, _ in tables:
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
    for label, since, _until, export_at in monthly_exports():
        render.bare = label in BARE_REFERENCE_MONTHS
        sla_cache.clear()
        for folder, table, rows in tables:
            records = rows(since, export_at)
            counts[folder] += _write_pages(out_dir / folder, table, label, records)
    return counts
