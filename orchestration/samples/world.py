"""The shared sample "world": catalog services and their ids in every tool.

Every tool generator (PagerDuty today; Opsgenie, Zendesk, ServiceNow, ... later) reads the
same `World`, so a PagerDuty service id, a Statuspage component id or a GitLab project id
written by one generator resolves to the same catalog service in another.

Everything random is drawn from the `random.Random` passed in, never the global one, so a
seed fixes the world. The eight core services are always present; scales above 1 add
generated services so the number of incidents per service stays about the same.
"""

from __future__ import annotations

import calendar
import hashlib
import random
import string
import time
from dataclasses import dataclass
from functools import cached_property

# Sample period: incidents trigger in [PERIOD_START, PERIOD_END), epoch seconds UTC.
PERIOD_START = calendar.timegm((2026, 1, 1, 0, 0, 0))
PERIOD_END = calendar.timegm((2026, 7, 1, 0, 0, 0))

PAGERDUTY_SUBDOMAIN = "acme"
GITHUB_ORG = "acme-corp"

_UPPER_ALNUM = string.ascii_uppercase + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits
_HEX = "0123456789abcdef"


class IdFactory:
    """Draws tool-style ids from a seeded rng and never hands out the same id twice."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def _unique(self, alphabet: str, length: int, prefix: str = "") -> str:
        base = len(alphabet)
        while True:
            # one big random integer written in `alphabet`: much faster than
            # rng.choices per character; 6 bits per digit (+16) keep the modulo bias tiny
            number = self._rng.getrandbits(length * 6 + 16)
            digits = []
            for _ in range(length):
                number, digit = divmod(number, base)
                digits.append(alphabet[digit])
            value = prefix + "".join(digits)
            if value not in self._used:
                self._used.add(value)
                return value

    def pagerduty(self, length: int = 7) -> str:
        """A PagerDuty object id: `P` + uppercase alphanumerics, 7 characters in all."""
        return self._unique(_UPPER_ALNUM, length - 1, prefix="P")

    def pagerduty_incident(self) -> str:
        """A current-style PagerDuty incident id (`Q` + 13), e.g. `Q2U8NVNBMCM7JW`."""
        return self._unique(_UPPER_ALNUM, 13, prefix="Q")

    def pagerduty_log_entry(self) -> str:
        """A PagerDuty log entry id (`R` + 25), e.g. `R21I9CLEE8JB0F7ICF7XBE1CMI`."""
        return self._unique(_UPPER_ALNUM, 25, prefix="R")

    def hex32(self) -> str:
        """A 32-hex id: ServiceNow sys_id, PagerDuty-generated incident_key."""
        return self._unique(_HEX, 32)

    def statuspage(self) -> str:
        """A Statuspage component id: 12 lowercase alphanumerics."""
        return self._unique(_LOWER_ALNUM, 12)

    def integer(self, low: int, high: int) -> int:
        """A unique integer in [low, high] (GitLab project ids)."""
        while True:
            value = self._rng.randint(low, high)
            if f"int:{value}" not in self._used:
                self._used.add(f"int:{value}")
                return value


@dataclass(frozen=True)
class Priority:
    id: str
    name: str  # P1 .. P5
    order: int


@dataclass(frozen=True)
class User:
    id: str
    name: str
    email: str


@dataclass(frozen=True)
class Team:
    id: str
    name: str  # the catalog owner_team
    members: tuple[User, ...]
    lead: User


@dataclass(frozen=True)
class AlertSource:
    """One monitored check on one host: the stable fingerprint of an alert."""

    check: str
    host: str
    title_template: str  # str.format fields: host, service, n1, n2
    weight: float

    @property
    def dedup_key(self) -> str:
        return f"{self.check}:{self.host}"


@dataclass(frozen=True)
class PagerDutyService:
    id: str
    name: str
    catalog_service_id: str | None  # None: not in the catalog (shows up as unmapped)
    team: Team
    escalation_policy_id: str
    escalation_policy_name: str
    escalation_timeout_seconds: int  # level 1 -> level 2
    acknowledgement_timeout: int | None  # seconds after which an ack lapses
    auto_resolve_timeout: int | None
    hashed_incident_keys: bool  # integration sends md5(dedup_key) instead of the raw key
    alert_sources: tuple[AlertSource, ...]
    incident_weight: float  # relative share of all incidents


@dataclass(frozen=True)
class CatalogService:
    service_id: str
    service_name: str
    criticality: str  # critical / high / medium / low
    owner_team: str
    is_production: bool
    pagerduty_service_ids: tuple[str, ...]
    opsgenie_teams: tuple[str, ...]
    statuspage_component_ids: tuple[str, ...]
    servicenow_cmdb_ci_ids: tuple[str, ...]
    gitlab_project_ids: tuple[int, ...]
    jenkins_jobs: tuple[str, ...]
    github_repos: tuple[str, ...]
    ticket_tags: tuple[str, ...]
    jira_components: tuple[str, ...]


@dataclass(frozen=True)
class World:
    services: tuple[CatalogService, ...]
    pagerduty_services: tuple[PagerDutyService, ...]
    teams: tuple[Team, ...]
    priorities: tuple[Priority, ...]
    # seed-dependent, scale-independent text that tools hash into stable ids (sys_ids of
    # users and groups, Opsgenie team ids) without drawing from the world's rng
    salt: str = ""

    @cached_property
    def _services_by_id(self) -> dict[str, CatalogService]:
        return {service.service_id: service for service in self.services}

    @cached_property
    def _teams_by_name(self) -> dict[str, Team]:
        return {team.name: team for team in self.teams}

    def service(self, service_id: str) -> CatalogService:
        return self._services_by_id[service_id]

    def pagerduty_services_of(self, service_id: str) -> tuple[PagerDutyService, ...]:
        return tuple(p for p in self.pagerduty_services if p.catalog_service_id == service_id)

    @property
    def unmapped_pagerduty_services(self) -> tuple[PagerDutyService, ...]:
        return tuple(p for p in self.pagerduty_services if p.catalog_service_id is None)

    def team(self, name: str) -> Team:
        return self._teams_by_name[name]

    def priority(self, name: str) -> Priority:
        for priority in self.priorities:
            if priority.name == name:
                return priority
        raise KeyError(name)


# --- the fixed part of the world -------------------------------------------------------

# (check, host prefix, title template): the digits in a title change from one alert to
# the next, so "lower-cased title with digits stripped" is a usable fallback fingerprint.
_CHECKS: dict[str, tuple[str, str]] = {
    "disk-full": ("db", "Disk usage above {n1}% on {host}"),
    "high-latency": ("web", "High latency on {service}: p99 {n2}ms ({host})"),
    "error-rate": ("lb", "5xx error rate {n1}% on {service} ({host})"),
    "pod-crashloop": ("k8s-prod", "Pod {service}-{n2} in CrashLoopBackOff on {host}"),
    "memory-pressure": ("worker", "Memory usage {n1}% on {host}"),
    "replication-lag": ("db", "Replication lag {n2}s on {host}"),
    "queue-backlog": ("mq", "Queue backlog of {n2} messages on {host}"),
    "cert-expiry": ("edge", "TLS certificate on {host} expires in {n1} days"),
    "synthetic-check": ("synthetics", "Synthetic check {service} failed from {n1} locations"),
    "job-failed": ("scheduler", "Job {service} run #{n2} failed on {host}"),
}


@dataclass(frozen=True)
class _CoreSpec:
    service_id: str
    service_name: str
    criticality: str
    owner_team: str
    is_production: bool
    pagerduty_names: tuple[str, ...]
    weight: float
    checks: tuple[str, ...]
    ticket_tags: tuple[str, ...]
    jira_components: tuple[str, ...]
    statuspage_components: int
    cmdb_cis: int
    gitlab_projects: int


_CORE: tuple[_CoreSpec, ...] = (
    _CoreSpec(
        "checkout-api", "Checkout API", "critical", "team-checkout", True,
        ("Checkout API", "Checkout API (low urgency)"), 1.6,
        ("high-latency", "error-rate", "pod-crashloop", "disk-full"),
        ("checkout", "cart"), ("Checkout",), 1, 1, 2,
    ),
    _CoreSpec(
        "payments", "Payments", "critical", "team-payments", True,
        ("Payments",), 1.2,
        ("error-rate", "replication-lag", "queue-backlog", "cert-expiry"),
        ("payments", "billing", "refund"), ("Payments", "Billing"), 1, 2, 1,
    ),
    _CoreSpec(
        "search", "Search", "high", "team-discovery", True,
        ("Search",), 1.1,
        ("high-latency", "memory-pressure", "disk-full", "pod-crashloop"),
        ("search",), ("Search",), 1, 1, 1,
    ),
    _CoreSpec(
        "auth", "Auth / SSO", "critical", "team-identity", True,
        ("Auth",), 0.9,
        ("error-rate", "cert-expiry", "high-latency", "synthetic-check"),
        ("login", "sso", "password-reset"), ("Identity",), 1, 1, 1,
    ),
    _CoreSpec(
        "notifications", "Notifications", "medium", "team-messaging", True,
        ("Notifications",), 0.9,
        ("queue-backlog", "job-failed", "memory-pressure"),
        ("email", "notifications"), ("Notifications",), 1, 1, 1,
    ),
    _CoreSpec(
        "web-frontend", "Web Frontend", "high", "team-web", True,
        ("Web Frontend",), 1.0,
        ("synthetic-check", "error-rate", "high-latency", "cert-expiry"),
        ("website", "ui"), ("Web",), 2, 1, 1,
    ),
    _CoreSpec(
        "data-pipeline", "Data Pipeline", "low", "team-data", False,
        ("Data Pipeline",), 0.7,
        ("job-failed", "disk-full", "memory-pressure"),
        ("reports", "exports"), ("Data Platform",), 0, 1, 1,
    ),
    _CoreSpec(
        "internal-tools", "Internal Tools", "low", "team-platform", False,
        ("Internal Tools",), 0.4,
        ("synthetic-check", "job-failed"),
        ("internal-tools",), ("Internal Tools",), 0, 1, 1,
    ),
)  # fmt: skip

# A PagerDuty service that nobody put in the catalog: its incidents must stay visible
# as `unmapped:pagerduty:<id>`.
_UNMAPPED_NAME = "Legacy Reporting"
_UNMAPPED_TEAM = "team-reporting"
_UNMAPPED_WEIGHT = 0.35

# Names and words for generated services when scale > 1.
_DOMAINS = (
    "orders", "inventory", "pricing", "shipping", "ledger", "catalog", "reviews", "loyalty",
    "fraud", "tax", "invoices", "media", "geo", "recommendations", "chat", "profile",
)  # fmt: skip
_KINDS = ("api", "worker", "gateway", "store", "sync", "scheduler")
_FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kemi", "Liam", "Mei", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara",
    "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe",
)  # fmt: skip
_LAST_NAMES = (
    "Adams", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Rossi",
    "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Yilmaz", "Zhang",
)  # fmt: skip

PRIORITY_NAMES = ("P1", "P2", "P3", "P4", "P5")
CORE_SERVICE_IDS = tuple(spec.service_id for spec in _CORE)


def fingerprint_hash(dedup_key: str) -> str:
    """The hashed incident_key an integration sends for a dedup key (stable, 32 hex)."""
    return hashlib.md5(dedup_key.encode("utf-8"), usedforsecurity=False).hexdigest()


def _team(ids: IdFactory, rng: random.Random, name: str, size: int) -> Team:
    members = []
    seen_names: set[str] = set()
    while len(members) < size + 1:
        full = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        if full in seen_names:
            continue
        seen_names.add(full)
        email = full.lower().replace(" ", ".") + "@acme.example"
        members.append(User(id=ids.pagerduty(), name=full, email=email))
    return Team(id=ids.pagerduty(), name=name, members=tuple(members[:size]), lead=members[size])


def _alert_sources(
    rng: random.Random, checks: tuple[str, ...], count: int
) -> tuple[AlertSource, ...]:
    sources: list[AlertSource] = []
    keys: set[str] = set()
    while len(sources) < count:
        check = checks[len(sources) % len(checks)]
        prefix, template = _CHECKS[check]
        host = f"{prefix}-{rng.randint(1, 12)}"
        if f"{check}:{host}" in keys:
            continue
        keys.add(f"{check}:{host}")
        # A few noisy checks cause most pages (Zipf-like weights), as in real rotations.
        sources.append(AlertSource(check, host, template, weight=(len(sources) + 1) ** -0.8))
    return tuple(sources)


def _pagerduty_service(
    ids: IdFactory,
    rng: random.Random,
    name: str,
    catalog_service_id: str | None,
    team: Team,
    checks: tuple[str, ...],
    weight: float,
    critical: bool,
) -> PagerDutyService:
    return PagerDutyService(
        id=ids.pagerduty(),
        name=name,
        catalog_service_id=catalog_service_id,
        team=team,
        escalation_policy_id=ids.pagerduty(),
        escalation_policy_name=f"{name} escalation",
        escalation_timeout_seconds=900 if critical else 1800,
        acknowledgement_timeout=rng.choice((None, 1800, 3600, 14400)),
        auto_resolve_timeout=rng.choice((None, 14400, 86400)),
        hashed_incident_keys=rng.random() < 0.5,
        alert_sources=_alert_sources(rng, checks, count=rng.randint(8, 14)),
        incident_weight=weight,
    )


def opsgenie_team_id(salt: str, team_name: str) -> str:
    """The uuid of an Opsgenie team: hashed, so adding it drew nothing from the world rng."""
    h = hashlib.md5(f"{salt}\x1fopsgenie-team\x1f{team_name}".encode(), usedforsecurity=False)
    digest = h.hexdigest()
    variant = "89ab"[int(digest[16], 16) % 4]
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-{variant}{digest[17:20]}-{digest[20:]}"


def _catalog_service(
    ids: IdFactory,
    spec: _CoreSpec,
    pagerduty_ids: tuple[str, ...],
    salt: str,
) -> CatalogService:
    slug = spec.service_id
    team_slug = spec.owner_team.removeprefix("team-")
    opsgenie_team = f"{slug}-oncall"
    return CatalogService(
        service_id=slug,
        service_name=spec.service_name,
        criticality=spec.criticality,
        owner_team=spec.owner_team,
        is_production=spec.is_production,
        pagerduty_service_ids=pagerduty_ids,
        # the Opsgenie team by name and by id (`name;uuid`): an alert's responders carry
        # only the team id, so the catalog lists both
        opsgenie_teams=(opsgenie_team, opsgenie_team_id(salt, opsgenie_team)),
        statuspage_component_ids=tuple(ids.statuspage() for _ in range(spec.statuspage_components)),
        servicenow_cmdb_ci_ids=tuple(ids.hex32() for _ in range(spec.cmdb_cis)),
        gitlab_project_ids=tuple(ids.integer(1000, 99999) for _ in range(spec.gitlab_projects)),
        jenkins_jobs=(f"{team_slug}/{slug}-deploy",),
        github_repos=(f"{GITHUB_ORG}/{slug}",),
        ticket_tags=spec.ticket_tags,
        jira_components=spec.jira_components,
    )


def _generated_specs(rng: random.Random, count: int) -> list[_CoreSpec]:
    specs = []
    criticalities = ("critical", "high", "medium", "medium", "low")
    for index in range(count):
        domain = _DOMAINS[index % len(_DOMAINS)]
        kind = _KINDS[(index // len(_DOMAINS)) % len(_KINDS)]
        service_id = f"{domain}-{kind}-{index + 1:03d}"
        name = f"{domain.title()} {kind.title()} {index + 1:03d}"
        checks = tuple(rng.sample(sorted(_CHECKS), k=3))
        specs.append(
            _CoreSpec(
                service_id, name, rng.choice(criticalities), f"team-group-{index // 4 + 1:03d}",
                rng.random() < 0.9, (name,), round(rng.uniform(0.5, 1.5), 3), checks,
                (service_id,), (name,), 1, 1, 1,
            )
        )  # fmt: skip
    return specs


def build_world(rng: random.Random, scale: float = 1.0) -> World:
    """Build the world: the 8 core services (plus generated ones when scale > 1).

    The core services, the unmapped PagerDuty service and the priorities are drawn first,
    so their ids depend on the seed only, not on the scale.
    """
    ids = IdFactory(rng)
    priorities = tuple(
        Priority(id=ids.pagerduty(), name=name, order=(5 - index) * 100_000_000)
        for index, name in enumerate(PRIORITY_NAMES)
    )
    salt = "".join(priority.id for priority in priorities)
    teams: dict[str, Team] = {}
    services: list[CatalogService] = []
    pagerduty_services: list[PagerDutyService] = []

    def add(spec: _CoreSpec) -> None:
        if spec.owner_team not in teams:
            teams[spec.owner_team] = _team(ids, rng, spec.owner_team, size=4)
        team = teams[spec.owner_team]
        pd_services = [
            _pagerduty_service(
                ids, rng, pd_name, spec.service_id, team, spec.checks,
                # a second PagerDuty service (low urgency) takes a smaller share
                weight=spec.weight if index == 0 else spec.weight * 0.4,
                critical=spec.criticality == "critical",
            )
            for index, pd_name in enumerate(spec.pagerduty_names)
        ]  # fmt: skip
        pagerduty_services.extend(pd_services)
        services.append(_catalog_service(ids, spec, tuple(p.id for p in pd_services), salt))

    for spec in _CORE:
        add(spec)

    unmapped_team = _team(ids, rng, _UNMAPPED_TEAM, size=3)
    teams[_UNMAPPED_TEAM] = unmapped_team
    pagerduty_services.append(
        _pagerduty_service(
            ids, rng, _UNMAPPED_NAME, None, unmapped_team, ("job-failed", "disk-full"),
            weight=_UNMAPPED_WEIGHT * max(1.0, scale), critical=False,
        )
    )  # fmt: skip

    for spec in _generated_specs(rng, max(0, round(8 * scale) - len(_CORE))):
        add(spec)

    return World(
        services=tuple(services),
        pagerduty_services=tuple(pagerduty_services),
        teams=tuple(teams.values()),
        priorities=priorities,
        salt=salt,
    )


def month_starts() -> list[int]:
    """Epoch seconds of the first instant of each month of the period, plus the end."""
    starts = []
    year, month = 2026, 1
    while True:
        start = calendar.timegm((year, month, 1, 0, 0, 0))
        starts.append(start)
        if start >= PERIOD_END:
            return starts
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def iso_z(epoch_seconds: int) -> str:
    """`2026-01-31T23:50:00Z`: the ISO-8601 UTC form PagerDuty REST, GitHub, Zendesk use."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_seconds))
