"""Opsgenie sample exports (source-exports.md §2): `GET /v2/alerts` pages.

Opsgenie is the second alerting tool: a few teams page through it instead of (or next
to) PagerDuty, so its alerts are its own, not copies of PagerDuty incidents.

`opsgenie/alerts/alerts_<YYYY-MM>_pNNN.json` - the alerts created since the start of the
month before (`query=createdAt>…`, `sort=createdAt`, `order=asc`), taken at 00:30 UTC
on the 1st of the next month: `{"data": [...], "paging": {...}, "took", "requestId"}`.
Alerts still open at one export show up closed in the next. Times are UTC with
milliseconds; `report.ackTime`/`closeTime` are milliseconds after `createdAt` and only
present once the alert was acknowledged/closed. Most alerts carry a `service:<id>` tag;
every alert's `responders` name the owning team by id (the catalog's `opsgenie_teams`
holds `name;id`), so an alert without the tag still maps to its service. An alert's
`alias` is its monitoring fingerprint and repeats when the same check fires again.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.samples.render import iso_ms_z, monthly_exports, stable_uuid, write_json
from orchestration.samples.world import (
    CORE_SERVICE_IDS,
    PERIOD_END,
    PERIOD_START,
    CatalogService,
    User,
    World,
)

ALERTS_FOLDER = "opsgenie/alerts"
PAGE_LIMIT = 100
ALERTS_PER_SERVICE = 26
_CORE_OPSGENIE_SERVICES = ("search", "notifications", "data-pipeline")
_GENERATED_STRIDE = 3
_API = "https://api.opsgenie.com/v2/alerts"

_CHECKS = (
    ("HighErrorRate", "Error rate {n}% on {service}", 1.0),
    ("HighLatencyP99", "p99 latency {n}00ms on {service}", 1.2),
    ("DiskWillFillIn4Hours", "Disk on {host} fills within 4 hours", 0.6),
    ("KubePodCrashLooping", "Pod {service}-{n} crash looping", 0.8),
    ("QueueBacklog", "Backlog of {n}000 messages on {service}", 0.7),
    ("TargetDown", "{host} target down", 0.5),
)
_PRIORITIES = (("P1", 2), ("P2", 10), ("P3", 40), ("P4", 33), ("P5", 15))
# median seconds to acknowledge / to close after creation, per priority
_TIMING = {"P1": (180, 2400), "P2": (420, 5400), "P3": (1200, 4 * 3600),
           "P4": (3600, 12 * 3600), "P5": (7200, 30 * 3600)}  # fmt: skip
_INTEGRATIONS = (("Prometheus", "Prometheus"), ("Datadog", "Datadog"))
_HOUR_WEIGHTS = (0.5, 0.4, 0.4, 0.4, 0.5, 0.6, 0.8, 1.0, 1.3, 1.5, 1.5, 1.5,
                 1.4, 1.5, 1.6, 1.5, 1.4, 1.2, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5)  # fmt: skip


@dataclass
class Alert:
    id: str
    tiny_id: int
    alias: str
    message: str
    service: CatalogService
    team_id: str
    team_name: str
    priority: str
    created_at: float
    acked_at: float | None
    closed_at: float | None
    acked_by: User | None
    closed_by: str | None  # user email, or the integration that closed it
    tags: tuple[str, ...]
    source: str
    integration: tuple[str, str, str]  # id, name, type
    count: int
    last_occurred_at: float
    snoozed_until: float | None = None


def opsgenie_services(world: World) -> list[CatalogService]:
    """The services whose teams page through Opsgenie: three core ones, and every third
    generated service."""
    generated = [s for s in world.services if s.service_id not in CORE_SERVICE_IDS]
    return [
        service for service in world.services if service.service_id in _CORE_OPSGENIE_SERVICES
    ] + [service for index, service in enumerate(generated) if index % _GENERATED_STRIDE == 1]


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median), sigma)


def simulate_alerts(world: World, rng: random.Random, scale: float = 1.0) -> list[Alert]:
    """The period's Opsgenie alerts, oldest first."""
    services = opsgenie_services(world)
    integrations = [
        (stable_uuid(world.salt, "opsgenie-integration", name), name, kind)
        for name, kind in _INTEGRATIONS
    ]
    plans = []
    days = (PERIOD_END - PERIOD_START) // 86400
    per_service = max(3, round(ALERTS_PER_SERVICE * min(1.0, scale)))
    for service in services:
        team_name, team_id = service.opsgenie_teams[0], service.opsgenie_teams[1]
        members = world.team(service.owner_team).members
        hosts = [f"{service.service_id.split('-')[0]}-{rng.randint(1, 9)}" for _ in range(4)]
        # a handful of checks on a few hosts keep firing: many aliases repeat
        fingerprints = [(check, host) for check in rng.sample(_CHECKS, k=4) for host in hosts]
        for _ in range(rng.randint(per_service * 3 // 4, per_service * 5 // 4)):
            (check, template, _weight), host = rng.choices(
                fingerprints, weights=[f[0][2] for f in fingerprints]
            )[0]
            if rng.random() < 0.35:  # a one-off host (a batch node, a canary): a fresh alias
                host = f"{host.rsplit('-', 1)[0]}-{rng.randint(10, 999)}"
            day = rng.randrange(days)
            hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
            created = PERIOD_START + day * 86400 + hour * 3600 + rng.random() * 3600
            plans.append((created, service, team_name, team_id, members, check, template, host))
    plans.sort(key=lambda plan: (plan[0], plan[1].service_id))

    alerts = []
    tiny = rng.randint(1000, 5000)
    for created, service, team_name, team_id, members, check, template, host in plans:
        tiny += 1
        names, weights = zip(*_PRIORITIES, strict=True)
        priority = rng.choices(names, weights=weights)[0]
        ack_median, close_median = _TIMING[priority]
        acker = rng.choice(members)
        roll = rng.random()
        acked_at: float | None = None
        closed_by: str | None
        if roll < 0.15:  # the check recovered before anyone acknowledged
            closed_at: float | None = created + _lognormal(rng, 900, 0.8)
            closed_by = "Alert API"
            acker_used = None
        else:
            acked_at = created + min(2 * 86400, _lognormal(rng, ack_median, 0.9))
            closed_at = acked_at + _lognormal(rng, close_median, 0.9)
            closed_by = acker.email
            acker_used = acker
        if closed_at is not None and closed_at > PERIOD_END - 86400 and rng.random() < 0.5:
            closed_at, closed_by = None, None  # still open at the end
        fields = {"n": rng.randint(2, 99), "service": service.service_id, "host": host}
        tags = [f"service:{service.service_id}"] if rng.random() < 0.85 else []
        tags += ["env:production" if service.is_production else "env:internal", check]
        integration = integrations[0] if rng.random() < 0.7 else integrations[1]
        count = 1 if rng.random() < 0.6 else rng.randint(2, 40)
        end = closed_at if closed_at is not None else float(PERIOD_END)
        last = created if count == 1 else created + rng.random() * (end - created)
        alert = Alert(
            id=stable_uuid(world.salt, "opsgenie-alert", tiny),
            tiny_id=tiny,
            alias=f"{service.service_id}:{check}:{host}",
            message=template.format(**fields),
            service=service,
            team_id=team_id,
            team_name=team_name,
            priority=priority,
            created_at=round(created, 3),
            acked_at=None if acked_at is None else round(acked_at, 3),
            closed_at=None if closed_at is None else round(closed_at, 3),
            acked_by=acker_used,
            closed_by=closed_by,
            tags=tuple(tags),
            source=integration[1],
            integration=integration,
            count=count,
            last_occurred_at=round(last, 3),
        )
        if alert.closed_at is None and alert.acked_at is None and rng.random() < 0.5:
            alert.snoozed_until = round(PERIOD_END + 3 * 3600.0, 3)
        alerts.append(alert)
    return alerts


def alert_record(alert: Alert, as_of: int) -> dict[str, Any]:
    """The alert as `GET /v2/alerts` lists it at `as_of`."""
    acked = alert.acked_at is not None and alert.acked_at <= as_of
    closed = alert.closed_at is not None and alert.closed_at <= as_of
    updated = alert.created_at
    report: dict[str, Any] = {}
    if acked:
        assert alert.acked_at is not None and alert.acked_by is not None
        report["ackTime"] = round((alert.acked_at - alert.created_at) * 1000)
        report["acknowledgedBy"] = alert.acked_by.email
        updated = alert.acked_at
    if closed:
        assert alert.closed_at is not None
        report["closeTime"] = round((alert.closed_at - alert.created_at) * 1000)
        report["closedBy"] = alert.closed_by
        updated = max(updated, alert.closed_at)
    last = min(alert.last_occurred_at, float(as_of))
    snoozed = alert.snoozed_until is not None and not closed
    record: dict[str, Any] = {
        "id": alert.id,
        "tinyId": str(alert.tiny_id),
        "alias": alert.alias,
        "message": alert.message,
        "status": "closed" if closed else "open",
        "acknowledged": acked,
        "isSeen": acked or closed,
        "tags": list(alert.tags),
        "snoozed": snoozed,
        "count": alert.count if last >= alert.last_occurred_at else max(1, alert.count // 2),
        "lastOccurredAt": iso_ms_z(last),
        "createdAt": iso_ms_z(alert.created_at),
        "updatedAt": iso_ms_z(max(updated, last)),
        "source": alert.source,
        "owner": alert.acked_by.email if acked and alert.acked_by else "",
        "priority": alert.priority,
        "teams": [{"id": alert.team_id}],
        "responders": [{"type": "team", "id": alert.team_id}],
        "integration": {
            "id": alert.integration[0],
            "name": alert.integration[1],
            "type": alert.integration[2],
        },
        "report": report,
    }
    if snoozed:
        assert alert.snoozed_until is not None
        record["snoozedUntil"] = iso_ms_z(alert.snoozed_until)
    return record


def write_opsgenie(alerts: list[Alert], out_dir: Path, rng: random.Random) -> dict[str, int]:
    """Write the monthly `/v2/alerts` exports of `alerts`; records per folder."""
    folder = out_dir / ALERTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    created = [alert.created_at for alert in alerts]
    count = 0
    for label, since, _until, export_at in monthly_exports():
        window = alerts[bisect.bisect_left(created, since) : bisect.bisect_left(created, export_at)]
        records = [alert_record(alert, export_at) for alert in window]
        pages = max(1, -(-len(records) // PAGE_LIMIT))
        query = f"createdAt%3E{since * 1000}"
        base = f"{_API}?query={query}&limit={PAGE_LIMIT}&sort=createdAt&order=asc"
        for page in range(pages):
            paging: dict[str, str] = {}
            if page < pages - 1:
                paging["next"] = f"{base}&offset={(page + 1) * PAGE_LIMIT}"
            paging["first"] = f"{base}&offset=0"
            paging["last"] = f"{base}&offset={(pages - 1) * PAGE_LIMIT}"
            envelope = {
                "data": records[page * PAGE_LIMIT : (page + 1) * PAGE_LIMIT],
                "paging": paging,
                "took": round(rng.uniform(0.005, 0.2), 3),
                "requestId": stable_uuid(str(rng.random()), "request"),
            }
            write_json(folder / f"alerts_{label}_p{page + 1:03d}.json", envelope)
        count += len(records)
    return {ALERTS_FOLDER: count}
