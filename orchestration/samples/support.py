"""The support story: customers, contracts, the Zendesk set-up, and what operations did.

`build_support(world, signals, rng, scale)` decides, once, who the customers are and how
support is organised (`operational_signals(world, story, statuspage_incidents)` says
what they noticed); the ticket, survey, CRM and finance generators only read it:

* customers (about 38 per unit of scale) in several regions and time zones, each with a
  Zendesk organization, a few end users, and one contract (a few renew into a second
  contract, i.e. a new contract id on the same organization): Gold/Silver/Bronze, the
  catalog services it covers, a monthly fee in the region's currency, start and end
  dates in the contract's time zone (some start or end mid-month, some in
  America/New_York or Europe/Berlin, empty = UTC). A contract changes by a new row with
  a later `effective_from`: one planted tier change (Silver -> Gold on 15 April, Berlin)
  and one added service per unit of scale. Organizations without a contract (prospects)
  and end users without an organization file tickets too;
* the Zendesk set-up: three schedules (the lowest id, London, is the default one the
  warehouse uses for business hours), their holidays, tier groups "Support L1 EMEA",
  "Support L1 Americas", "Support L2", "Support L3 Engineering" (and a deleted legacy
  group), their agents, and three SLA policies (Gold, Silver, Standard) picked by the
  organization's tier tag, which Zendesk copies onto each new ticket;
* the operational signals customers notice: every bad production deploy of the story
  (strong), every Statuspage outage behind a PagerDuty incident (by severity), and the
  third-party outages (weak), each on the catalog services it hit.

Everything random comes from the `rng` passed in (`support:<seed>`), so the operational
tools' files do not change when this story does.
"""

from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from orchestration.samples.business_hours import BusinessCalendar, weekday_intervals
from orchestration.samples.statuspage import SpIncident
from orchestration.samples.story import Story
from orchestration.samples.world import (
    PERIOD_END,
    PERIOD_START,
    CatalogService,
    IdFactory,
    World,
)

_MINUTE = 60
_HOUR = 3600
_DAY = 86400

ZENDESK_SUBDOMAIN = "acme"
ZENDESK_API = f"https://{ZENDESK_SUBDOMAIN}.zendesk.com/api/v2"
CONTRACTS_PER_SCALE = 40
TIERS = ("Gold", "Silver", "Bronze")
_TIER_WEIGHTS = (0.22, 0.4, 0.38)
_FEES = {"Gold": (15000, 40000), "Silver": (5000, 15000), "Bronze": (1000, 5000)}
# how many tickets a customer files relative to others, by tier
TIER_TICKET_FACTOR = {"Gold": 1.6, "Silver": 1.0, "Bronze": 0.7}


@dataclass(frozen=True)
class Region:
    rails: str  # Zendesk (Rails) time zone name
    iana: str
    currency: str
    l1: str  # the L1 queue: americas | emea
    country: str


REGIONS: tuple[Region, ...] = (
    Region("Eastern Time (US & Canada)", "America/New_York", "USD", "americas", "US"),
    Region("Pacific Time (US & Canada)", "America/Los_Angeles", "USD", "americas", "US"),
    Region("Central Time (US & Canada)", "America/Chicago", "USD", "americas", "US"),
    Region("London", "Europe/London", "GBP", "emea", "GB"),
    Region("Berlin", "Europe/Berlin", "EUR", "emea", "DE"),
    Region("Paris", "Europe/Paris", "EUR", "emea", "FR"),
    Region("Seoul", "Asia/Seoul", "USD", "emea", "KR"),
    Region("Sydney", "Australia/Sydney", "USD", "emea", "AU"),
    Region("UTC", "Etc/UTC", "USD", "emea", "US"),
)
_REGION_WEIGHTS = (0.25, 0.14, 0.08, 0.15, 0.15, 0.07, 0.08, 0.04, 0.04)
_BY_IANA = {region.iana: region for region in REGIONS}

_FIRST = (
    "Alex", "Bea", "Carlos", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jade",
    "Kai", "Lena", "Milo", "Nora", "Oskar", "Pia", "Rafael", "Sara", "Theo", "Uma",
    "Victor", "Wren", "Yara", "Zane", "Amir", "Bruno", "Cleo", "Dmitri", "Esme", "Felix",
    "Greta", "Hugo", "Iris", "Jun", "Kofi", "Lucia", "Mateo", "Noor", "Olga", "Pavel",
    "Rina", "Soren", "Tomas", "Ulla", "Vik", "Willa", "Xavi", "Yuki", "Zora", "Min-jun",
)  # fmt: skip
_LAST = (
    "Abbott", "Bauer", "Castillo", "Dahl", "Ekstrom", "Ferreira", "Gallo", "Holm",
    "Iqbal", "Jovanovic", "Keller", "Lund", "Mendes", "Nagy", "Olsen", "Park", "Quist",
    "Ramos", "Sato", "Toth", "Urban", "Vidal", "Wagner", "Xu", "Young", "Zeller", "Kim",
    "Lee", "Choi", "Novak", "Brandt", "Fontaine", "Marsh", "Oyelaran", "Silva", "Horvat",
)  # fmt: skip
_COMPANY_A = (
    "Blue", "North", "Silver", "Bright", "Green", "Swift", "Iron", "Quiet", "Golden",
    "Clear", "Red", "Summit", "Harbor", "Maple", "Cedar", "Polar", "Sunny", "Stone",
)  # fmt: skip
_COMPANY_B = (
    "Fox", "River", "Peak", "Field", "Lake", "Bridge", "Forge", "Wave", "Grove", "Orbit",
    "Pine", "Crest", "Mill", "Harvest", "Beacon", "Trail", "Anchor", "Meadow",
)  # fmt: skip
_COMPANY_C = ("Logistics", "Retail", "Analytics", "Health", "Media", "Travel", "Foods",
              "Energy", "Labs", "Finance", "Outfitters", "Systems")  # fmt: skip


@dataclass
class ZendeskUser:
    id: int
    name: str
    email: str
    role: str  # end-user | agent | admin
    region: Region
    created_at: int
    organization_id: int | None = None
    default_group_id: int | None = None
    customer_id: str | None = None
    phone: str | None = None
    last_login_at: int | None = None


@dataclass
class ContractRow:
    """One row of the CRM export: a contract version (landing.md `crm/contracts`)."""

    contract_id: str
    customer_id: str
    customer_name: str
    organization_id: int
    tier: str
    service_ids: tuple[str, ...]
    monthly_fee: Decimal
    currency: str
    start_date: date
    end_date: date | None
    timezone: str  # IANA, "" = UTC
    effective_from: date | None  # None: the row's terms start at start_date
    known_at: int  # first export that shows the row
    end_known_at: int | None = None  # exports from then on show end_date

    @property
    def zone(self) -> str:
        return self.timezone or "UTC"

    @property
    def terms_from(self) -> date:
        return self.effective_from or self.start_date


@dataclass
class Contract:
    contract_id: str
    rows: list[ContractRow]  # versions, by terms_from

    @property
    def first(self) -> ContractRow:
        return self.rows[0]

    @property
    def zone(self) -> str:
        return self.first.zone

    @property
    def start_date(self) -> date:
        return self.first.start_date

    @property
    def end_date(self) -> date | None:
        return self.first.end_date

    def version_on(self, day: date) -> ContractRow | None:
        """The row in force on `day` (a date in the contract's zone), None outside it."""
        if day < self.start_date or (self.end_date is not None and day > self.end_date):
            return None
        current = None
        for row in self.rows:
            if row.terms_from <= day:
                current = row
        return current

    def version_at(self, epoch: int) -> ContractRow | None:
        return self.version_on(local_date(epoch, self.zone))

    def starts_at(self) -> int:
        return local_midnight(self.start_date, self.zone)

    def ends_at(self) -> int | None:
        """The first instant after the contract (end_date is inclusive), None when open."""
        if self.end_date is None:
            return None
        return local_midnight(self.end_date + timedelta(days=1), self.zone)


@dataclass
class Organization:
    id: int
    name: str
    created_at: int
    region: Region
    domain: str
    customer_id: str | None
    external_id: str | None
    # (at, tags): the tier tag follows the contract in force (a sync job sets it)
    tag_changes: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)

    def tags_at(self, at: int) -> tuple[str, ...]:
        tags: tuple[str, ...] = ()
        for when, value in self.tag_changes:
            if when > at:
                break
            tags = value
        return tags

    def updated_at(self, as_of: int) -> int:
        last = self.created_at
        for when, _ in self.tag_changes:
            if when <= as_of:
                last = max(last, when)
        return last


@dataclass
class Customer:
    customer_id: str
    name: str
    slug: str
    region: Region
    organization: Organization
    contracts: list[Contract]
    weight: float
    users: list[ZendeskUser] = field(default_factory=list)

    def contract_at(self, epoch: int) -> tuple[Contract, ContractRow] | None:
        for contract in self.contracts:
            row = contract.version_at(epoch)
            if row is not None:
                return contract, row
        return None

    @cached_property
    def active_from(self) -> int:
        return max(PERIOD_START, min(c.starts_at() for c in self.contracts))

    @cached_property
    def active_until(self) -> int:
        ends = [c.ends_at() for c in self.contracts]
        if any(end is None for end in ends):
            return PERIOD_END
        return min(PERIOD_END, max(end for end in ends if end is not None) + 10 * _DAY)


@dataclass
class Holiday:
    id: int
    name: str
    start_date: date
    end_date: date  # inclusive


@dataclass
class Schedule:
    id: int
    name: str
    region: Region  # its zone (Rails and IANA names)
    intervals: tuple[tuple[int, int], ...]
    holidays: list[Holiday]
    created_at: int
    updated_at: int

    @cached_property
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            self.region.iana,
            self.intervals,
            [(holiday.start_date, holiday.end_date) for holiday in self.holidays],
        )


@dataclass
class Group:
    id: int
    name: str
    tier: int  # 1..3
    queue: str  # americas | emea | escalation
    schedule: Schedule
    created_at: int
    updated_at: int
    deleted: bool = False
    agents: list[ZendeskUser] = field(default_factory=list)


# metric -> priority -> (target minutes, business hours)
Targets = dict[str, dict[str, tuple[int, bool]]]


@dataclass
class SlaPolicy:
    id: int
    title: str
    description: str
    position: int
    tier_tag: str | None  # the organization tag that selects it; None = everything else
    targets: Targets
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class Signal:
    """Something customers of `service_id` noticed between `start` and `end`."""

    service_id: str
    start: int
    end: int
    weight: float  # 1.0 = a bad deploy's outage
    kind: str  # bad_deploy | outage | third_party
    deploy_finished_at: int | None = None
    incident_id: str | None = None


@dataclass
class Support:
    customers: list[Customer]
    prospects: list[Organization]  # organizations without a contract
    prospect_users: dict[int, list[ZendeskUser]]  # organization id -> its end users
    loose_users: list[ZendeskUser]  # end users without an organization
    schedules: list[Schedule]
    groups: list[Group]
    admins: list[ZendeskUser]
    policies: list[SlaPolicy]
    signals: list[Signal]
    services: dict[str, CatalogService]
    salt: str

    @property
    def default_schedule(self) -> Schedule:
        """The schedule with the lowest id: the warehouse's business-hours default."""
        return min(self.schedules, key=lambda schedule: schedule.id)

    @property
    def contracts(self) -> list[Contract]:
        return [contract for customer in self.customers for contract in customer.contracts]

    @property
    def organizations(self) -> list[Organization]:
        orgs = [customer.organization for customer in self.customers] + self.prospects
        return sorted(orgs, key=lambda org: org.id)

    @property
    def agents(self) -> list[ZendeskUser]:
        return [agent for group in self.groups for agent in group.agents]

    @property
    def end_users(self) -> list[ZendeskUser]:
        users = [user for customer in self.customers for user in customer.users]
        for org in self.prospects:
            users.extend(self.prospect_users[org.id])
        return users + self.loose_users

    def group(self, tier: int, queue: str = "escalation") -> Group:
        for group in self.groups:
            if group.tier == tier and not group.deleted and (tier > 1 or group.queue == queue):
                return group
        raise KeyError((tier, queue))

    def policy_for(self, tags: tuple[str, ...] | list[str]) -> SlaPolicy | None:
        if "proactive" in tags or "internal" in tags:
            return None
        for policy in sorted(self.policies, key=lambda p: p.position):
            if policy.tier_tag is None or policy.tier_tag in tags:
                return policy
        return None

    @cached_property
    def _by_service(self) -> dict[str, list[Customer]]:
        index: dict[str, list[Customer]] = {}
        for customer in self.customers:
            covered = {s for c in customer.contracts for row in c.rows for s in row.service_ids}
            for service_id in sorted(covered):
                index.setdefault(service_id, []).append(customer)
        return index

    def customers_of(self, service_id: str, at: int) -> list[Customer]:
        """Customers whose contract in force at `at` covers the service."""
        out = []
        for customer in self._by_service.get(service_id, []):
            found = customer.contract_at(at)
            if found is not None and service_id in found[1].service_ids:
                out.append(customer)
        return out


# --- time helpers -------------------------------------------------------------------------


_ZONES: dict[str, ZoneInfo] = {}


def tz(name: str) -> ZoneInfo:
    """ZoneInfo by name, kept for good (zoneinfo's own strong cache holds only 8 zones)."""
    found = _ZONES.get(name)
    if found is None:
        found = _ZONES[name] = ZoneInfo(name)
    return found


def local_date(epoch: int, zone: str) -> date:
    return datetime.fromtimestamp(epoch, tz=tz(zone)).date()


def local_midnight(day: date, zone: str) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=tz(zone)).timestamp())


def local_epoch(day: date, seconds_of_day: int, zone: str) -> int:
    moment = datetime(day.year, day.month, day.day) + timedelta(seconds=seconds_of_day)
    return int(moment.replace(tzinfo=tz(zone)).timestamp())


def epoch_day(epoch: int) -> date:
    return date(1970, 1, 1) + timedelta(days=epoch // _DAY)


def day_epoch(day: date) -> int:
    return calendar.timegm(day.timetuple())


_REGION_CALENDARS: dict[str, BusinessCalendar] = {}


def office_calendar(region: Region) -> BusinessCalendar:
    """Mon-Fri 08:00-18:00 in the region's zone (when customers answer)."""
    if region.iana not in _REGION_CALENDARS:
        _REGION_CALENDARS[region.iana] = BusinessCalendar(region.iana, weekday_intervals(480, 1080))
    return _REGION_CALENDARS[region.iana]


# --- the fixed Zendesk set-up ---------------------------------------------------------------


def _d(text: str) -> date:
    return date.fromisoformat(text)


_HOLIDAYS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "London": (
        ("Christmas break", "2025-12-24", "2025-12-26"),
        ("New Year's Day", "2026-01-01", "2026-01-01"),
        ("Good Friday", "2026-04-03", "2026-04-03"),
        ("Easter Monday", "2026-04-06", "2026-04-06"),
        ("Early May bank holiday", "2026-05-04", "2026-05-04"),
        ("Spring bank holiday", "2026-05-25", "2026-05-25"),
        ("Summer bank holiday", "2026-08-31", "2026-08-31"),
        ("Christmas break", "2026-12-24", "2026-12-28"),
    ),
    "Pacific Time (US & Canada)": (
        ("Christmas", "2025-12-24", "2025-12-25"),
        ("New Year's Day", "2026-01-01", "2026-01-01"),
        ("Martin Luther King Jr. Day", "2026-01-19", "2026-01-19"),
        ("Presidents' Day", "2026-02-16", "2026-02-16"),
        ("Memorial Day", "2026-05-25", "2026-05-25"),
        ("Juneteenth", "2026-06-19", "2026-06-19"),
        ("Independence Day (observed)", "2026-07-03", "2026-07-03"),
        ("Thanksgiving", "2026-11-26", "2026-11-27"),
        ("Christmas", "2026-12-24", "2026-12-25"),
    ),
    "Berlin": (
        ("Weihnachten", "2025-12-24", "2025-12-26"),
        ("Neujahr", "2026-01-01", "2026-01-01"),
        ("Karfreitag", "2026-04-03", "2026-04-03"),
        ("Ostermontag", "2026-04-06", "2026-04-06"),
        ("Tag der Arbeit", "2026-05-01", "2026-05-01"),
        ("Christi Himmelfahrt", "2026-05-14", "2026-05-14"),
        ("Pfingstmontag", "2026-05-25", "2026-05-25"),
        ("Tag der Deutschen Einheit", "2026-10-03", "2026-10-03"),
        ("Weihnachten", "2026-12-24", "2026-12-26"),
    ),
}

# (name, zone, intervals): the first gets the lowest id (the default schedule)
_SCHEDULES = (
    ("EMEA Support Hours", "London", weekday_intervals(480, 1080)),  # Mon-Fri 08-18
    ("Americas Support Hours", "Pacific Time (US & Canada)", weekday_intervals(420, 1020)),
    # Mon-Thu 09:00-12:30 and 13:30-17:00, Fri 09:00-15:00
    ("DACH Engineering Hours", "Berlin",
     tuple(sorted(weekday_intervals(540, 750, range(1, 5))
                  + weekday_intervals(810, 1020, range(1, 5))
                  + weekday_intervals(540, 900, (5,))))),
)  # fmt: skip

# title, tier tag, description, {metric: {priority: (minutes, business)}}
_POLICIES: tuple[tuple[str, str | None, str, Targets], ...] = (
    ("Gold support", "gold", "Contract tier Gold: 24x7 for urgent tickets", {
        "first_reply_time": {"urgent": (30, False), "high": (60, True), "normal": (240, True),
                             "low": (480, True)},
        "next_reply_time": {"urgent": (60, False), "high": (120, True), "normal": (480, True),
                            "low": (960, True)},
        "requester_wait_time": {"urgent": (480, False), "high": (960, True),
                                "normal": (2400, True), "low": (4800, True)},
    }),
    ("Silver support", "silver", "Contract tier Silver", {
        "first_reply_time": {"urgent": (60, False), "high": (120, True), "normal": (480, True),
                             "low": (960, True)},
        "next_reply_time": {"urgent": (120, False), "high": (240, True), "normal": (720, True),
                            "low": (1440, True)},
        "requester_wait_time": {"urgent": (720, False), "high": (1440, True),
                                "normal": (3600, True), "low": (7200, True)},
    }),
    ("Standard support", None, "Bronze, prospects and everyone else", {
        "first_reply_time": {"urgent": (120, False), "high": (240, True), "normal": (960, True),
                             "low": (1920, True)},
        "next_reply_time": {"urgent": (240, False), "high": (480, True), "normal": (1440, True),
                            "low": (2880, True)},
        "requester_wait_time": {"urgent": (1440, False), "high": (2880, True),
                                "normal": (4800, True), "low": (9600, True)},
    }),
)  # fmt: skip

SETUP_AT = calendar.timegm((2024, 3, 4, 10, 0, 0))  # when the account was configured


def _company(rng: random.Random, used: set[str]) -> str:
    name = f"{rng.choice(_COMPANY_A)}{rng.choice(_COMPANY_B).lower()} {rng.choice(_COMPANY_C)}"
    base, number = name, 2
    while name in used:  # 3,888 combinations: large scales number the repeats
        name = f"{base} {number}"
        number += 1
    used.add(name)
    return name


class _People:
    """Names and @example.com addresses, never twice the same address."""

    def __init__(self, rng: random.Random, ids: IdFactory) -> None:
        self.rng = rng
        self.ids = ids
        self.emails: set[str] = set()

    def user(self, role: str, region: Region, created_at: int, **extra: object) -> ZendeskUser:
        rng = self.rng
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        base = f"{first}.{last}".lower().replace("-", "")
        email = f"{base}@example.com"
        number = 2
        while email in self.emails:
            email = f"{base}{number}@example.com"
            number += 1
        self.emails.add(email)
        phone = f"+1-555-01{rng.randint(0, 99):02d}" if rng.random() < 0.2 else None
        return ZendeskUser(
            id=self.ids.integer(361_000_000_000, 369_999_999_999),
            name=f"{first} {last}",
            email=email,
            role=role,
            region=region,
            created_at=created_at,
            phone=phone,
            **extra,  # type: ignore[arg-type]
        )


def _round_fee(value: float) -> Decimal:
    return Decimal(int(value / 50) * 50).quantize(Decimal("0.01"))


def _services_for(
    rng: random.Random, world: World, tier: str, forced: tuple[str, ...] = ()
) -> tuple[str, ...]:
    production = [s.service_id for s in world.services if s.is_production]
    others = [s.service_id for s in world.services if not s.is_production]
    count = {"Gold": (3, 5), "Silver": (2, 4), "Bronze": (1, 3)}[tier]
    chosen = list(forced)
    for service_id in rng.sample(production, k=min(len(production), rng.randint(*count))):
        if service_id not in chosen:
            chosen.append(service_id)
    if others and rng.random() < 0.15:
        chosen.append(rng.choice(others))
    order = {s.service_id: i for i, s in enumerate(world.services)}
    return tuple(sorted(chosen, key=order.__getitem__))


@dataclass
class _Plan:
    """How one customer's contracts unfold."""

    region: Region
    tier: str
    timezone: str | None = None  # None: drawn
    start: date | None = None  # None: drawn (mostly before the period)
    end: date | None = None
    renew_at: date | None = None  # a second contract from this date, new id
    renew_tier: str | None = None
    tier_change: tuple[date, str] | None = None  # (effective_from, new tier)
    add_service_at: date | None = None
    services: tuple[str, ...] = ()


def _plans(rng: random.Random, count: int, scale: float) -> list[_Plan]:
    """The planted customers first (fixed facts the tests rely on), then drawn ones."""

    def region(iana: str) -> Region:
        return _BY_IANA[iana]

    plans = [
        # Gold in New York, the contract's months cut in America/New_York
        _Plan(region("America/New_York"), "Gold", timezone="America/New_York",
              start=_d("2024-06-01"), services=("checkout-api", "payments")),
        # the tier change: Silver -> Gold from 15 April (Berlin), a row in a later file
        _Plan(region("Europe/Berlin"), "Silver", timezone="Europe/Berlin",
              start=_d("2025-02-10"), tier_change=(_d("2026-04-15"), "Gold"),
              services=("checkout-api", "search")),
        # a new customer from the middle of March (UTC)
        _Plan(region("Europe/London"), "Bronze", timezone="", start=_d("2026-03-16"),
              services=("web-frontend",)),
        # a customer leaving on 15 May (inclusive), months cut in Asia/Seoul
        _Plan(region("Asia/Seoul"), "Silver", timezone="Asia/Seoul", start=_d("2025-05-20"),
              end=_d("2026-05-15"), services=("search", "auth")),
        # renews on 1 March into a new contract (new id) on a higher tier
        _Plan(region("America/Los_Angeles"), "Bronze", timezone="", start=_d("2025-03-01"),
              end=_d("2026-02-28"), renew_at=_d("2026-03-01"), renew_tier="Silver",
              services=("auth", "notifications")),
        # adds a service from 1 May
        _Plan(region("America/Chicago"), "Gold", timezone="America/Chicago",
              start=_d("2023-11-15"), add_service_at=_d("2026-05-01"),
              services=("payments", "auth")),
    ]  # fmt: skip
    extra_changes = max(0, round(scale) - 1)
    period_days = (PERIOD_END - PERIOD_START) // _DAY
    while len(plans) < count:
        reg = rng.choices(REGIONS, weights=_REGION_WEIGHTS)[0]
        tier = rng.choices(TIERS, weights=_TIER_WEIGHTS)[0]
        plan = _Plan(reg, tier)
        roll = rng.random()
        if roll < 0.12:  # new in the period, half of them mid-month
            day = epoch_day(PERIOD_START) + timedelta(days=rng.randint(20, period_days - 20))
            plan.start = day.replace(day=1) if rng.random() < 0.5 else day
        elif roll < 0.2:  # leaves in the period
            day = epoch_day(PERIOD_START) + timedelta(days=rng.randint(30, period_days - 5))
            first_of_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
            plan.end = first_of_next - timedelta(days=1) if rng.random() < 0.5 else day
        elif roll < 0.22:
            day = epoch_day(PERIOD_START) + timedelta(days=rng.randint(40, period_days - 40))
            plan.end = day.replace(day=1) - timedelta(days=1)
            plan.renew_at = day.replace(day=1)
            plan.renew_tier = rng.choice(TIERS)
        if extra_changes > 0 and plan.renew_at is None and plan.end is None:
            day = epoch_day(PERIOD_START) + timedelta(days=rng.randint(30, period_days - 10))
            if rng.random() < 0.5 and tier != "Gold":
                plan.tier_change = (day, "Gold" if tier == "Silver" else "Silver")
            else:
                plan.add_service_at = day.replace(day=1)
            extra_changes -= 1
        plans.append(plan)
    return plans


def _build_customers(
    rng: random.Random, ids: IdFactory, people: _People, world: World, scale: float
) -> list[Customer]:
    count = max(8, round(CONTRACTS_PER_SCALE * scale))
    renewals = max(1, round(scale))
    plans = _plans(rng, count - renewals, scale)
    known = {s.service_id for s in world.services}
    customers = []
    used_names: set[str] = set()
    contract_number = 0
    for index, plan in enumerate(plans):
        name = _company(rng, used_names)
        slug = name.lower().replace(" ", "-")
        customer_id = f"CUST-{index + 1:05d}"
        start = plan.start
        if start is None:
            start = date(2023, 1, 1) + timedelta(days=rng.randint(0, 1060))
            if rng.random() < 0.6:
                start = start.replace(day=1)
        timezone = plan.timezone
        if timezone is None:
            timezone = plan.region.iana if rng.random() < 0.5 else ""
            if timezone == "Etc/UTC":
                timezone = ""
        org_created = (
            min(local_midnight(start, timezone or "UTC"), PERIOD_END) - rng.randint(5, 40) * _DAY
        )
        org = Organization(
            id=ids.integer(360_000_000_000, 360_999_999_999),
            name=name,
            created_at=org_created,
            region=plan.region,
            domain=f"{slug}.example.com",
            customer_id=customer_id,
            external_id=customer_id if rng.random() < 0.7 else None,
        )
        forced = tuple(s for s in plan.services if s in known)
        services = _services_for(rng, world, plan.tier, forced)
        fee = _round_fee(rng.uniform(*_FEES[plan.tier]))
        contracts: list[Contract] = []

        def row(
            contract_id: str,
            tier: str,
            svc: tuple[str, ...],
            money: Decimal,
            begin: date,
            finish: date | None,
            effective: date | None,
            terms: tuple[str, str, int, str, str] = (
                customer_id,
                name,
                org.id,
                plan.region.currency,
                timezone,
            ),
        ) -> ContractRow:
            owner, owner_name, org_id, currency, zone = terms
            known_at = local_midnight(effective or begin, zone or "UTC") - rng.randint(7, 30) * _DAY
            end_known = None
            if finish is not None:
                end_known = local_midnight(finish, zone or "UTC") - rng.randint(15, 45) * _DAY
            return ContractRow(
                contract_id,
                owner,
                owner_name,
                org_id,
                tier,
                svc,
                money,
                currency,
                begin,
                finish,
                zone or "",
                effective,
                known_at=known_at,
                end_known_at=end_known,
            )

        contract_number += 1
        first_id = f"C-{contract_number:05d}"
        rows = [row(first_id, plan.tier, services, fee, start, plan.end, None)]
        if plan.tier_change is not None:
            effective, new_tier = plan.tier_change
            new_fee = _round_fee(float(fee) * (1.6 if new_tier == "Gold" else 0.7))
            rows.append(row(first_id, new_tier, services, new_fee, start, plan.end, effective))
        if plan.add_service_at is not None:
            extra = [s.service_id for s in world.services if s.service_id not in services
                     and s.is_production]  # fmt: skip
            if extra:
                added = _services_for(rng, world, "Bronze", (*services, rng.choice(extra)))
                new_fee = _round_fee(float(fee) * 1.15)
                rows.append(
                    row(first_id, plan.tier, added, new_fee, start, plan.end, plan.add_service_at)
                )
        contracts.append(Contract(first_id, rows))
        if plan.renew_at is not None:
            contract_number += 1
            renew_id = f"C-{contract_number:05d}"
            tier = plan.renew_tier or plan.tier
            renew_services = _services_for(rng, world, tier, services[:1])
            renew_fee = _round_fee(rng.uniform(*_FEES[tier]))
            contracts.append(
                Contract(
                    renew_id,
                    [row(renew_id, tier, renew_services, renew_fee, plan.renew_at, None, None)],
                )
            )
        weight = rng.lognormvariate(0, 0.6) * TIER_TICKET_FACTOR[plan.tier]
        customer = Customer(customer_id, name, slug, plan.region, org, contracts, weight)
        org.tag_changes = _org_tags(customer)
        for _ in range(max(2, min(14, round(weight * 5 + rng.randint(0, 3))))):
            created = org.created_at + rng.randint(0, 20) * _DAY + rng.randrange(_DAY)
            region = plan.region if rng.random() < 0.85 else rng.choice(REGIONS)
            user = people.user("end-user", region, created, organization_id=org.id,
                               customer_id=customer_id)  # fmt: skip
            customer.users.append(user)
        customers.append(customer)
    return customers


def _org_tags(customer: Customer) -> list[tuple[int, tuple[str, ...]]]:
    """Tag changes of the organization: its tier tag while a contract is in force."""
    changes: list[tuple[int, tuple[str, ...]]] = [(customer.organization.created_at, ("prospect",))]
    for contract in customer.contracts:
        for row in contract.rows:
            at = local_midnight(row.terms_from, contract.zone)
            changes.append((at, (row.tier.lower(), "customer")))
        ends = contract.ends_at()
        if ends is not None:
            changes.append((ends, ("former-customer",)))
    changes.sort(key=lambda change: change[0])
    # a renewal starting the day the old contract ends keeps the new tier
    out: list[tuple[int, tuple[str, ...]]] = []
    for at, tags in changes:
        if out and out[-1][0] == at and tags == ("former-customer",):
            continue
        if out and out[-1][0] == at:
            out[-1] = (at, tags)
        else:
            out.append((at, tags))
    return out


def _build_setup(
    rng: random.Random, ids: IdFactory, people: _People, scale: float
) -> tuple[list[Schedule], list[Group], list[ZendeskUser], list[SlaPolicy]]:
    schedules = []
    base_id = ids.integer(360_000_100_000, 360_000_900_000)
    holiday_id = ids.integer(360_001_000_000, 360_009_000_000)
    for index, (name, rails, intervals) in enumerate(_SCHEDULES):
        region = next(r for r in REGIONS if r.rails == rails)
        holidays = []
        for holiday_name, start, end in _HOLIDAYS[rails]:
            holiday_id += rng.randint(3, 40)
            holidays.append(Holiday(holiday_id, holiday_name, _d(start), _d(end)))
        created = SETUP_AT + index * 9 * _DAY
        schedules.append(
            Schedule(
                base_id + index * 5000 + rng.randint(0, 999),
                name,
                region,
                intervals,
                holidays,
                created,
                created + rng.randint(30, 300) * _DAY,
            )
        )
    by_name = {schedule.name: schedule for schedule in schedules}
    group_specs = (
        ("Support L1 EMEA", 1, "emea", "EMEA Support Hours", 5),
        ("Support L1 Americas", 1, "americas", "Americas Support Hours", 5),
        ("Support L2", 2, "escalation", "EMEA Support Hours", 4),
        ("Support L3 Engineering", 3, "escalation", "DACH Engineering Hours", 3),
    )
    groups = []
    for name, tier, queue, schedule_name, agents in group_specs:
        created = SETUP_AT + rng.randint(0, 20) * _DAY
        group = Group(
            ids.integer(360_010_000_000, 360_019_999_999), name, tier, queue,
            by_name[schedule_name], created, created + rng.randint(10, 500) * _DAY,
        )  # fmt: skip
        zone = group.schedule.region
        for _ in range(max(2, round(agents * scale))):
            created_at = group.created_at + rng.randint(0, 500) * _DAY
            created_at = min(created_at, PERIOD_START - rng.randint(1, 30) * _DAY)
            agent = people.user("agent", zone, created_at, default_group_id=group.id)
            group.agents.append(agent)
        groups.append(group)
    legacy_at = SETUP_AT - 200 * _DAY
    groups.append(
        Group(ids.integer(360_010_000_000, 360_019_999_999), "Support L1 (legacy queue)", 1,
              "legacy", schedules[0], legacy_at, PERIOD_START - 40 * _DAY, deleted=True)
    )  # fmt: skip
    admins = [
        people.user("admin", schedules[0].region, SETUP_AT - 30 * _DAY,
                    default_group_id=groups[2].id)
        for _ in range(2)
    ]  # fmt: skip
    policies = []
    policy_id = ids.integer(360_000_010_000, 360_000_090_000)
    for position, (title, tag, description, targets) in enumerate(_POLICIES, start=1):
        created = SETUP_AT + position * _DAY
        policies.append(
            SlaPolicy(
                policy_id + position * 7,
                title,
                description,
                position,
                tag,
                targets,
                created,
                created + 120 * _DAY,
            )
        )
    return schedules, groups, admins, policies


# --- signals from operations ----------------------------------------------------------------


_OUTAGE_WEIGHT = {"major_outage": 0.6, "partial_outage": 0.4, "degraded_performance": 0.2}


def operational_signals(world: World, story: Story, incidents: list[SpIncident]) -> list[Signal]:
    """What customers noticed: the story's bad deploys, then the Statuspage outages."""
    signals = []
    bad_ids = set()
    for bad in story.bad_deploys:
        incident = bad.incident
        bad_ids.add(incident.id)
        resolved = incident.resolved_at or incident.created_at + 2 * _HOUR
        signals.append(
            Signal(
                bad.deployment.service_id,
                incident.created_at,
                resolved,
                1.0,
                "bad_deploy",
                bad.deployment.finished_at,
                incident.id,
            )
        )
    component_service = {
        component: service.service_id
        for service in world.services
        for component in service.statuspage_component_ids
    }
    for sp in incidents:
        if sp.pagerduty_id in bad_ids:
            continue
        worst: dict[str, float] = {}
        for update in sp.updates:
            for component, _old, new in update.transitions:
                service_id = component_service.get(component)
                if service_id is not None and new in _OUTAGE_WEIGHT:
                    worst[service_id] = max(worst.get(service_id, 0), _OUTAGE_WEIGHT[new])
        if not worst:
            continue
        resolved = sp.resolved_at() or sp.updates[-1].at
        kind = "third_party" if sp.exclusion else "outage"
        for service_id, weight in sorted(worst.items()):
            signals.append(
                Signal(
                    service_id,
                    sp.updates[0].at,
                    resolved,
                    weight * (0.5 if sp.exclusion else 1.0),
                    kind,
                    None,
                    sp.id,
                )
            )
    signals.sort(key=lambda s: (s.start, s.service_id))
    return signals


def build_support(
    world: World,
    signals: list[Signal],
    rng: random.Random,
    scale: float = 1.0,
) -> Support:
    """The customers, contracts, Zendesk set-up and operational signals (module docstring)."""
    ids = IdFactory(rng)
    people = _People(rng, ids)
    schedules, groups, admins, policies = _build_setup(rng, ids, people, scale)
    customers = _build_customers(rng, ids, people, world, scale)
    prospects = []
    prospect_users: dict[int, list[ZendeskUser]] = {}
    used = {customer.name for customer in customers}
    for _ in range(max(2, round(5 * scale))):
        name = _company(rng, used)
        region = rng.choices(REGIONS, weights=_REGION_WEIGHTS)[0]
        created = PERIOD_START - rng.randint(-120, 400) * _DAY
        org = Organization(ids.integer(360_000_000_000, 360_999_999_999), name, created, region,
                           f"{name.lower().replace(' ', '-')}.example.com", None, None,
                           [(created, ("prospect",))])  # fmt: skip
        prospects.append(org)
        prospect_users[org.id] = [
            people.user("end-user", region, created + rng.randint(0, 30) * _DAY,
                        organization_id=org.id)
            for _ in range(rng.randint(1, 3))
        ]  # fmt: skip
    loose = [
        people.user("end-user", rng.choices(REGIONS, weights=_REGION_WEIGHTS)[0],
                    PERIOD_START - rng.randint(-150, 300) * _DAY)
        for _ in range(max(5, round(15 * scale)))
    ]  # fmt: skip
    for user in [*people_sorted(customers), *loose]:
        if rng.random() < 0.8:
            user.last_login_at = max(user.created_at, PERIOD_END - rng.randint(1, 90) * _DAY)
    salt = f"{schedules[0].id}:{groups[0].id}"
    return Support(
        customers=customers,
        prospects=prospects,
        prospect_users=prospect_users,
        loose_users=loose,
        schedules=schedules,
        groups=groups,
        admins=admins,
        policies=policies,
        signals=signals,
        services={service.service_id: service for service in world.services},
        salt=salt,
    )


def people_sorted(customers: list[Customer]) -> list[ZendeskUser]:
    return [user for customer in customers for user in customer.users]


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
