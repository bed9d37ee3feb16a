"""Statuspage sample exports (source-exports.md §8): incidents and scheduled maintenances.

`statuspage/incidents/incidents_<YYYY-MM-DDTHHMM>.json` is one `GET /api/v2/incidents.json`
response: `{"page": {...}, "incidents": [...]}` with the 50 most recent incidents as they
stood at that moment, newest first. Exports run often enough that fewer than 50
incidents happen between two of them (weekly at scale 1, more often at larger scales),
so consecutive files overlap and an incident appears in many of them, in newer versions
as it progresses (and when its postmortem is published days later). Until 1 April the
page's time zone was America/Chicago, so those files carry `-06:00`/`-05:00` offsets;
later files are rendered in UTC (`Z`).

`statuspage/scheduled_maintenances/scheduled_maintenances_<YYYY-MM-DDTHHMM>.json` -
`GET /api/v2/scheduled-maintenances.json` responses (also the 50 most recent, by
`scheduled_for`), monthly at scale 1 and more often at larger scales, same envelope and
offsets.

Incidents: outages behind some severe PagerDuty incidents (the bad deployments of the
story always among them, down from shortly after the trigger until the rollback), a few
third-party and force-majeure outages across several components (listed in the SLA
exclusions), incidents without any component transition, and one outage inside its
own service's maintenance window. Every incident update lists its `affected_components`
transitions (`code` = the component id of the catalog's `statuspage_component_ids`),
`null` when the update changes no component.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.samples.pagerduty import Incident
from orchestration.samples.render import iso_offset, write_json
from orchestration.samples.story import Story, at
from orchestration.samples.world import (
    PERIOD_END,
    PERIOD_START,
    CatalogService,
    World,
    month_starts,
)

INCIDENTS_FOLDER = "statuspage/incidents"
MAINTENANCES_FOLDER = "statuspage/scheduled_maintenances"
MOST_RECENT = 50
PAGE_NAME = "Acme Status"
PAGE_URL = "https://status.acme.example"
OLD_ZONE = "America/Chicago"
ZONE_SWITCH_AT = at(4, 1)  # the page's time zone set to UTC on 1 April
PAGERDUTY_SHARE = 0.5  # of P1/P2 incidents (a fifth of that for P3)
THIRD_PARTY_PER_SCALE = 3
INFORMATIONAL_PER_SCALE = 2
MAINTENANCES_PER_SERVICE = 1.5
_MINUTE = 60
_HOUR = 3600
_DAY = 86400

_THIRD_PARTY = (
    ("Upstream cloud provider network degradation in us-east-1", "third_party", "major_outage"),
    ("Power failure at the Frankfurt data center", "force_majeure", "major_outage"),
    ("DNS provider outage", "third_party", "partial_outage"),
    ("Regional internet backbone disruption after severe storms", "force_majeure", "major_outage"),
    ("Customer integration flooding the public API", "customer_caused", "partial_outage"),
)
_INFORMATIONAL = (
    ("Delayed e-mail delivery for some customers", "minor"),
    ("Reports of slow page loads in some regions", "none"),
    ("Intermittent login prompts for a subset of users", "minor"),
)
_MAINTENANCE_KINDS = ("infrastructure upgrade", "database maintenance", "network maintenance")
_SEVERE_STATUSES = (("major_outage", 4), ("partial_outage", 4), ("degraded_performance", 2))
_IMPACT = {"major_outage": "critical", "partial_outage": "major", "degraded_performance": "minor"}


@dataclass
class Update:
    at: int
    status: str
    body: str
    transitions: list[tuple[str, str, str]]  # component id, old status, new status
    id: str = ""


@dataclass
class SpIncident:
    id: str
    name: str
    impact: str
    started_at: int
    updates: list[Update]
    components: list[str]
    shortlink: str
    exclusion: str | None = None  # sla exclusion reason
    postmortem_at: int | None = None
    pagerduty_id: str | None = None
    # maintenance only
    scheduled_for: int | None = None
    scheduled_until: int | None = None

    @property
    def created_at(self) -> int:
        return self.updates[0].at

    def resolved_at(self, as_of: int = PERIOD_END * 2) -> int | None:
        for update in self.updates:
            if update.at <= as_of and update.status in ("resolved", "completed"):
                return update.at
        return None


class _Builder:
    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.names: dict[str, str] = {}
        self.component_service: dict[str, CatalogService] = {}
        for service in world.services:
            for index, component in enumerate(service.statuspage_component_ids):
                suffix = "" if index == 0 else " CDN"
                self.names[component] = service.service_name + suffix
                self.component_service[component] = service

    def sp_id(self) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(12))

    def shortlink(self) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return "https://stspg.io/" + "".join(self.rng.choice(alphabet) for _ in range(6))

    def incident(self, name: str, impact: str, started: int, updates: list[Update],
                 components: list[str], **extra: Any) -> SpIncident:  # fmt: skip
        for update in updates:
            update.id = self.sp_id()
        updates.sort(key=lambda u: u.at)
        return SpIncident(self.sp_id(), name, impact, started, updates, components,
                          self.shortlink(), **extra)  # fmt: skip

    def outage(
        self,
        name: str,
        components: list[str],
        status: str,
        down_at: int,
        identified_at: int,
        up_at: int,
        resolved_at: int,
        started: int,
        escalate_at: int | None = None,
        **extra: Any,
    ) -> SpIncident:
        """investigating (components go to `status`), identified, monitoring (back to
        operational), resolved; optionally degraded first and `status` at `escalate_at`."""
        first = "degraded_performance" if escalate_at else status
        subject = name.split(":")[0]
        updates = [
            Update(down_at, "investigating",
                   f"We are investigating reports of problems with {subject}.",
                   [(c, "operational", first) for c in components]),
            Update(identified_at, "identified",
                   "The issue has been identified and a fix is underway.", []),
            Update(up_at, "monitoring",
                   "A fix has been implemented and we are monitoring the results.",
                   [(c, status, "operational") for c in components]),
            Update(resolved_at, "resolved", "This incident has been resolved.", []),
        ]  # fmt: skip
        if escalate_at:
            updates.append(Update(escalate_at, "identified",
                                  "Impact has increased for some customers.",
                                  [(c, first, status) for c in components]))  # fmt: skip
        return self.incident(name, _IMPACT[status], started, updates, components, **extra)


def simulate_incidents(
    world: World, story: Story, pagerduty: list[Incident], rng: random.Random, scale: float
) -> list[SpIncident]:
    """All Statuspage incidents of the period, oldest first."""
    b = _Builder(world, rng)
    incidents: list[SpIncident] = []
    bad = story.bad_deploy_by_incident
    for incident in pagerduty:
        service_id = incident.service.catalog_service_id
        if service_id is None or incident.resolved_at is None:
            continue
        service = world.service(service_id)
        components = list(service.statuspage_component_ids)
        if not components:
            continue
        link = bad.get(incident.id)
        assert incident.acknowledged_at is not None or link is None
        if link is not None:
            rollback = link.rollback
            assert rollback.finished_at is not None
            down = incident.created_at + rng.randint(3 * _MINUTE, 9 * _MINUTE)
            sp = b.outage(
                f"{service.service_name}: elevated errors after a release",
                components[:1], "major_outage", down,
                identified_at=rollback.started_at - rng.randint(30, 120),
                up_at=rollback.finished_at + rng.randint(2 * _MINUTE, 5 * _MINUTE),
                resolved_at=incident.resolved_at + rng.randint(5 * _MINUTE, 20 * _MINUTE),
                started=incident.created_at, pagerduty_id=incident.id,
            )  # fmt: skip
            sp.postmortem_at = sp.updates[-1].at + rng.randint(2 * _DAY, 4 * _DAY)
            incidents.append(sp)
            continue
        name = incident.priority.name if incident.priority is not None else None
        share = {"P1": PAGERDUTY_SHARE, "P2": PAGERDUTY_SHARE, "P3": PAGERDUTY_SHARE / 5}.get(
            name or "", 0
        )
        duration = incident.resolved_at - incident.created_at
        if duration < 20 * _MINUTE or rng.random() >= share:
            continue
        names, weights = zip(*_SEVERE_STATUSES, strict=True)
        status = rng.choices(names, weights=weights)[0]
        affected = components if len(components) > 1 and rng.random() < 0.3 else components[:1]
        down = incident.created_at + rng.randint(4 * _MINUTE, 15 * _MINUTE)
        up = max(down + 5 * _MINUTE, incident.resolved_at - rng.randint(1 * _MINUTE, 8 * _MINUTE))
        identified = down + (up - down) // 3
        escalate = None
        if status == "major_outage" and rng.random() < 0.25:
            escalate = down + (up - down) // 4
            identified = down + (up - down) // 2
        sp = b.outage(
            f"{service.service_name}: {_headline(status)}", affected, status, down,
            identified_at=identified, up_at=up,
            resolved_at=incident.resolved_at + rng.randint(5 * _MINUTE, 40 * _MINUTE),
            started=incident.created_at, escalate_at=escalate, pagerduty_id=incident.id,
        )  # fmt: skip
        if status == "major_outage" and rng.random() < 0.5:
            sp.postmortem_at = sp.updates[-1].at + rng.randint(1 * _DAY, 5 * _DAY)
        incidents.append(sp)

    all_components = sorted(b.names)
    days = (PERIOD_END - PERIOD_START) // _DAY
    wanted = max(2, round(THIRD_PARTY_PER_SCALE * scale))
    for index in range(wanted):
        name, reason, status = _THIRD_PARTY[index % len(_THIRD_PARTY)]
        if index == 0:
            reason = "third_party"
        affected = sorted(rng.sample(all_components, k=min(len(all_components), rng.randint(2, 4))))
        down = PERIOD_START + rng.randrange(3, days - 5) * _DAY + rng.randrange(_DAY)
        up = down + rng.randint(30 * _MINUTE, 3 * _HOUR)
        incidents.append(b.outage(
            name, affected, status, down, identified_at=down + (up - down) // 3, up_at=up,
            resolved_at=up + rng.randint(10 * _MINUTE, 40 * _MINUTE),
            started=down - rng.randint(1 * _MINUTE, 10 * _MINUTE), exclusion=reason,
        ))  # fmt: skip
    for index in range(max(1, round(INFORMATIONAL_PER_SCALE * scale))):
        name, impact = _INFORMATIONAL[index % len(_INFORMATIONAL)]
        start = PERIOD_START + rng.randrange(3, days - 3) * _DAY + rng.randrange(_DAY)
        end = start + rng.randint(40 * _MINUTE, 4 * _HOUR)
        updates = [
            Update(start, "investigating", f"We are looking into reports: {name.lower()}.", []),
            Update(end, "resolved", "No further impact observed; closing this incident.", []),
        ]
        incidents.append(b.incident(name, impact, start, updates, []))

    # planted: a Payments outage inside its own maintenance window (02:00-04:00, 18 April)
    payments = world.service("payments").statuspage_component_ids[:1]
    incidents.append(b.outage(
        "Payments: unavailable during the database migration", payments, "major_outage",
        at(4, 18, 2, 30), identified_at=at(4, 18, 2, 41), up_at=at(4, 18, 3, 10),
        resolved_at=at(4, 18, 3, 25), started=at(4, 18, 2, 28),
    ))  # fmt: skip
    incidents = [i for i in incidents if i.created_at < PERIOD_END]
    incidents.sort(key=lambda i: (i.created_at, i.id))
    return incidents


def _headline(status: str) -> str:
    return {
        "major_outage": "service unavailable",
        "partial_outage": "errors for some requests",
        "degraded_performance": "degraded performance",
    }[status]


def simulate_maintenances(world: World, rng: random.Random, scale: float) -> list[SpIncident]:
    b = _Builder(world, rng)
    maintenances = []
    weekends = [d for d in range(PERIOD_START + 7 * _DAY, PERIOD_END - 2 * _DAY, _DAY)
                if (d // _DAY + 3) % 7 >= 5]  # fmt: skip
    planted = [
        ("payments", "Payments database migration", at(4, 18, 2, 0), at(4, 18, 4, 0),
         at(4, 18, 3, 50)),
        ("web-frontend", "Web Frontend CDN provider switch", at(5, 9, 1, 0), at(5, 9, 2, 0),
         at(5, 9, 2, 40)),  # overran by 40 minutes
    ]  # fmt: skip
    plans = []
    for service_id, name, start, until, done in planted:
        plans.append((world.service(service_id), name, start, until, done))
    for service in world.services:
        if not service.statuspage_component_ids:
            continue
        count = rng.random() * 2 * MAINTENANCES_PER_SERVICE * min(1.0, scale)
        for _ in range(math.floor(count + 0.5)):
            day = rng.choice(weekends)
            start = day + rng.choice((1, 2, 3)) * _HOUR
            until = start + rng.choice((1, 2, 3)) * _HOUR
            done = until - rng.randint(0, 40) * _MINUTE
            name = f"{service.service_name} {rng.choice(_MAINTENANCE_KINDS)}"
            plans.append((service, name, start, until, done))
    for service, name, start, until, done in plans:
        components = list(service.statuspage_component_ids[:1])
        created = start - rng.randint(3, 10) * _DAY
        updates = [
            Update(created, "scheduled", f"{name} is scheduled.", []),
            Update(start + rng.randint(0, 4) * _MINUTE, "in_progress",
                   "Scheduled maintenance is currently in progress.",
                   [(c, "operational", "under_maintenance") for c in components]),
            Update(done - 10 * _MINUTE, "verifying", "Verification is currently underway.", []),
            Update(done, "completed", "The scheduled maintenance has been completed.",
                   [(c, "under_maintenance", "operational") for c in components]),
        ]  # fmt: skip
        maintenances.append(b.incident(name, "maintenance", start, updates, components,
                                       scheduled_for=start, scheduled_until=until))  # fmt: skip
    maintenances.sort(key=lambda m: (m.created_at, m.id))
    return maintenances


# --- rendering ------------------------------------------------------------------------


class _Render:
    def __init__(self, world: World, page_id: str) -> None:
        self.page_id = page_id
        self.builder = _Builder(world, random.Random(0))
        self.zone: str | None = OLD_ZONE

    def t(self, epoch: int | None) -> str | None:
        return None if epoch is None else iso_offset(epoch, self.zone)

    def page(self, export_at: int) -> dict[str, Any]:
        return {
            "id": self.page_id,
            "name": PAGE_NAME,
            "url": PAGE_URL,
            "time_zone": self.zone or "Etc/UTC",
            "updated_at": self.t(export_at),
        }

    def component(self, component: str, status: str, updated: int) -> dict[str, Any]:
        return {
            "id": component,
            "name": self.builder.names[component],
            "status": status,
            "created_at": self.t(at(1, 1) - 200 * _DAY),
            "updated_at": self.t(updated),
            "position": sorted(self.builder.names).index(component) + 1,
            "description": None,
            "showcase": True,
            "start_date": "2025-06-01",
            "group_id": None,
            "page_id": self.page_id,
            "group": False,
            "only_show_if_degraded": False,
        }

    def incident(
        self, incident: SpIncident, as_of: int, maintenance: bool = False
    ) -> dict[str, Any]:
        updates = [u for u in incident.updates if u.at <= as_of]
        status = updates[-1].status
        resolved = incident.resolved_at(as_of)
        monitoring = next((u.at for u in updates if u.status in ("monitoring", "verifying")), None)
        postmortem = incident.postmortem_at is not None and incident.postmortem_at <= as_of
        updated = max(updates[-1].at, incident.postmortem_at if postmortem else 0)  # type: ignore[type-var]
        current = {c: ("operational", incident.created_at) for c in incident.components}
        for update in updates:
            for component, _old, new in update.transitions:
                current[component] = (new, update.at)
        record: dict[str, Any] = {
            "id": incident.id,
            "name": incident.name,
            "status": "postmortem" if postmortem else status,
            "impact": incident.impact,
            "created_at": self.t(incident.created_at),
            "updated_at": self.t(updated),
            "monitoring_at": self.t(monitoring),
            "resolved_at": self.t(resolved),
            "started_at": self.t(incident.started_at),
            "shortlink": incident.shortlink,
            "page_id": self.page_id,
            "incident_updates": [self.update(incident, u) for u in reversed(updates)],
            "components": [self.component(c, s, t) for c, (s, t) in current.items()],
        }
        if maintenance:
            record["scheduled_for"] = self.t(incident.scheduled_for)
            record["scheduled_until"] = self.t(incident.scheduled_until)
            record["scheduled_remind_prior"] = True
            record["scheduled_auto_in_progress"] = True
            record["scheduled_auto_completed"] = True
        else:
            record["postmortem_body"] = (
                "A release introduced a regression; we rolled it back and added a canary step."
                if postmortem else None
            )  # fmt: skip
            record["postmortem_published_at"] = (
                self.t(incident.postmortem_at) if postmortem else None
            )
        return record

    def update(self, incident: SpIncident, update: Update) -> dict[str, Any]:
        affected = None
        if update.transitions:
            affected = [
                {"code": c, "name": self.builder.names[c], "old_status": old, "new_status": new}
                for c, old, new in update.transitions
            ]
        return {
            "id": update.id,
            "status": update.status,
            "body": update.body,
            "incident_id": incident.id,
            "created_at": self.t(update.at),
            "updated_at": self.t(update.at),
            "display_at": self.t(update.at),
            "affected_components": affected,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }


def _exports(count: int, minimum: int, first: int) -> list[int]:
    """`minimum` evenly spaced export times from `first` to 00:30 on 1 July, more when
    needed so that about 20 records (of `count`) are created between two exports."""
    final = PERIOD_END + 30 * _MINUTE
    n = max(minimum, math.ceil(count / 20))
    step = (final - first) / (n - 1)
    times = [int(first + k * step) // _HOUR * _HOUR for k in range(n - 1)]
    return [*times, final]


def _stamp(epoch: int) -> str:
    return iso_offset(epoch, None, millis=False)[:16].replace(":", "")


def write_statuspage(
    world: World,
    story: Story,
    pagerduty: list[Incident],
    out_dir: Path,
    rng: random.Random,
    scale: float = 1.0,
) -> tuple[dict[str, int], list[SpIncident]]:
    """Write the incident and maintenance exports; (records per folder, incidents)."""
    page_id = _Builder(world, rng).sp_id()
    incidents = simulate_incidents(world, story, pagerduty, rng, scale)
    maintenances = simulate_maintenances(world, rng, scale)
    render = _Render(world, page_id)

    incidents_dir = out_dir / INCIDENTS_FOLDER
    incidents_dir.mkdir(parents=True, exist_ok=True)
    incident_count = 0
    for export_at in _exports(len(incidents), 26, PERIOD_START + 7 * _DAY):
        render.zone = OLD_ZONE if export_at < ZONE_SWITCH_AT else None
        visible = [i for i in incidents if i.created_at <= export_at]
        recent = sorted(visible, key=lambda i: (i.created_at, i.id), reverse=True)[:MOST_RECENT]
        if not recent:
            continue
        payload = {
            "page": render.page(export_at),
            "incidents": [render.incident(i, export_at) for i in recent],
        }
        write_json(incidents_dir / f"incidents_{_stamp(export_at)}.json", payload)
        incident_count += len(recent)

    maintenance_dir = out_dir / MAINTENANCES_FOLDER
    maintenance_dir.mkdir(parents=True, exist_ok=True)
    maintenance_count = 0
    for export_at in _exports(len(maintenances), 6, month_starts()[1] + 30 * _MINUTE):
        render.zone = OLD_ZONE if export_at < ZONE_SWITCH_AT else None
        visible = [m for m in maintenances if m.created_at <= export_at]
        recent = sorted(visible, key=lambda m: (m.scheduled_for, m.id), reverse=True)[:MOST_RECENT]  # type: ignore[arg-type, return-value]
        payload = {
            "page": render.page(export_at),
            "scheduled_maintenances": [
                render.incident(m, export_at, maintenance=True) for m in recent
            ],
        }
        write_json(maintenance_dir / f"scheduled_maintenances_{_stamp(export_at)}.json", payload)
        maintenance_count += len(recent)
    return {INCIDENTS_FOLDER: incident_count, MAINTENANCES_FOLDER: maintenance_count}, incidents
