"""Delighted sample exports (source-exports.md §7): `GET /v1/survey_responses.json` pages.

`delighted/survey_responses/survey_responses_<YYYY-MM>_pNNN.json` - the responses updated
in a month (`updated_since`/`updated_until`, `order=asc:updated_at`, 100 per page),
taken at 00:30 UTC on the 1st of the next month: top-level arrays. A response updated
again later (a tag or note added by the team) shows up once more, newer, in a later
month's file.

About 1,500 responses per unit of scale from the customers' people: NPS (0-10) about
half, CSAT (1-5) about a third, CES (1-7, 7 = "it was easy") the rest, with plausible
mixes per tier, mostly in the respondent's office hours. `created_at`/`updated_at` are
Unix epoch seconds. `person_properties` carries the CRM `customer_id` for most people;
a few carry only `zendesk_organization_id`, some only Delighted's own properties, some
are null. A few people answer the same survey type twice in one month (the later answer
counts). In the 48 hours after an operational signal on a service (support.py), the
customers covering it answer more surveys and score lower (the CSAT dip).
"""

from __future__ import annotations

import bisect
import math
import random
import string
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from orchestration.samples.jsontext import dumps
from orchestration.samples.render import monthly_exports
from orchestration.samples.support import (
    Customer,
    Support,
    ZendeskUser,
    local_date,
    local_epoch,
    poisson,
)
from orchestration.samples.world import PERIOD_END, PERIOD_START

FOLDER = "delighted/survey_responses"
RESPONSES_PER_SCALE = 1500
PAGE_SIZE = 100
_HOUR = 3600
_DAY = 86400
_WINDOW = 48 * _HOUR
_TYPES = (("nps", 50), ("csat", 32), ("ces", 18))
# score weights, normal and in the 48 h after an outage
_WEIGHTS = {
    "nps": ((2, 1, 2, 2, 3, 5, 7, 13, 17, 24, 24), (8, 6, 8, 9, 10, 12, 11, 11, 10, 8, 7)),
    "csat": ((4, 6, 12, 38, 40), (24, 24, 20, 18, 14)),
    "ces": ((3, 4, 7, 12, 24, 28, 22), (14, 14, 16, 16, 16, 14, 10)),
}
_LOW = {"nps": 0, "csat": 1, "ces": 1}
_TIER_SHIFT = {"Gold": 0.04, "Silver": 0.0, "Bronze": -0.04}
_COMMENTS = {
    "good": "Synthetic sample comment: reliable and easy to work with.",
    "mid": "Synthetic sample comment: fine overall, some rough edges.",
    "bad": "Synthetic sample comment: too many outages lately.",
}
_REASONS = ("Reliability", "Ease of use", "Support", "Price", "Features")
_DEVICES = (("Desktop computer", "Mac OS X", "Chrome 121"),
            ("Desktop computer", "Windows", "Edge 120"),
            ("Mobile phone", "iOS", "Mobile Safari 17"),
            ("Desktop computer", "Windows", "Firefox 122"))  # fmt: skip


@dataclass
class Person:
    id: str
    customer: Customer | None
    user: ZendeskUser | None
    properties: dict[str, Any] | None


@dataclass
class Response:
    id: str
    person: Person
    survey_type: str
    score: int
    created_at: int
    comment: str | None
    permalink: str
    additional_answers: list[dict[str, Any]] = field(default_factory=list)
    tagged_at: int | None = None  # a team member tagged it later (a newer version)

    def updated_at(self, as_of: int) -> int:
        if self.tagged_at is not None and self.tagged_at <= as_of:
            return self.tagged_at
        return self.created_at

    def record(self, as_of: int) -> dict[str, Any]:
        tagged = self.tagged_at is not None and self.tagged_at <= as_of
        return {
            "id": self.id,
            "person": self.person.id,
            "survey_type": self.survey_type,
            "score": self.score,
            "comment": self.comment,
            "permalink": self.permalink,
            "created_at": self.created_at,
            "updated_at": self.updated_at(as_of),
            "person_properties": self.person.properties,
            "notes": [],
            "tags": ["follow-up"] if tagged else [],
            "additional_answers": self.additional_answers,
        }


class _Simulator:
    def __init__(self, support: Support, rng: random.Random, scale: float) -> None:
        self.support = support
        self.rng = rng
        self.scale = scale
        self.signals = sorted(support.signals, key=lambda s: s.start)
        self.starts = [signal.start for signal in self.signals]
        self.people: list[Person] = []
        self.weights: list[float] = []
        self.by_customer: dict[str, list[Person]] = {}
        used: set[str] = set()
        for customer in support.customers:
            # everyone at the customer who uses the product, not only support requesters
            for index in range(max(8, round(customer.weight * 25 + rng.randint(0, 10)))):
                user = customer.users[index % len(customer.users)]
                person = Person(self.person_id(used), customer, user, self.properties(customer))
                self.people.append(person)
                self.weights.append(1.0)
                self.by_customer.setdefault(customer.customer_id, []).append(person)
        for _ in range(max(10, round(60 * scale))):  # people no customer record knows
            self.people.append(Person(self.person_id(used), None, None, self.anonymous()))
            self.weights.append(0.5)
        self.last_survey: dict[tuple[str, str], int] = {}

    def person_id(self, used: set[str]) -> str:
        while True:
            value = str(self.rng.randint(900_000_000, 999_999_999))
            if value not in used:
                used.add(value)
                return value

    def device(self) -> dict[str, Any]:
        device, system, browser = self.rng.choice(_DEVICES)
        return {"Delighted Source": self.rng.choice(("Email", "Email", "Web")),
                "Delighted Device Type": device, "Delighted Operating System": system,
                "Delighted Browser": browser}  # fmt: skip

    def properties(self, customer: Customer) -> dict[str, Any] | None:
        roll = self.rng.random()
        if roll < 0.06:
            return None
        if roll < 0.1:
            return {**self.device(), "zendesk_organization_id": str(customer.organization.id)}
        if roll < 0.13:
            return self.device()
        return {**self.device(), "customer_id": customer.customer_id}

    def anonymous(self) -> dict[str, Any] | None:
        return None if self.rng.random() < 0.5 else {"Delighted Source": "Link"}

    def when(self, person: Person, since: int, until: int) -> int:
        rng = self.rng
        zone = person.user.region.iana if person.user else "UTC"
        at = rng.randrange(since, until)
        if rng.random() < 0.15:
            return at
        day = local_date(at, zone)
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        at = local_epoch(day, rng.randint(8 * _HOUR, 19 * _HOUR), zone)
        return at if since <= at < until else rng.randrange(since, until)

    def score(self, survey_type: str, tier: str | None, dip: bool) -> int:
        rng = self.rng
        normal, low = _WEIGHTS[survey_type]
        weights = low if dip else normal
        if not dip and tier is not None and rng.random() < abs(_TIER_SHIFT[tier]) * 5:
            # Gold a little happier, Bronze a little less: nudge by one point
            shift = 1 if _TIER_SHIFT[tier] > 0 else -1
        else:
            shift = 0
        value = _LOW[survey_type] + rng.choices(range(len(weights)), weights=weights)[0] + shift
        return max(_LOW[survey_type], min(_LOW[survey_type] + len(weights) - 1, value))

    def dip(self, person: Person, at: int) -> bool:
        """Whether a signal on a service the person's contract covers began < 48 h ago."""
        customer = person.customer
        if customer is None:
            return False
        low = bisect.bisect_right(self.starts, at - _WINDOW)
        high = bisect.bisect_right(self.starts, at)
        recent = [s for s in self.signals[low:high] if s.weight >= 0.4]
        if not recent:
            return False
        found = customer.contract_at(at)
        return found is not None and any(s.service_id in found[1].service_ids for s in recent)

    def throttled(self, person: Person, survey_type: str, at: int) -> bool:
        """Delighted asks a person the same survey at most once in 60 days."""
        last = self.last_survey.get((person.id, survey_type))
        return last is not None and abs(at - last) < 60 * _DAY

    def response(self, person: Person, survey_type: str, at: int) -> Response:
        rng = self.rng
        self.last_survey[(person.id, survey_type)] = at
        customer = person.customer
        found = customer.contract_at(at) if customer else None
        tier = found[1].tier if found else None
        score = self.score(survey_type, tier, self.dip(person, at))
        span = {"nps": 10, "csat": 4, "ces": 6}[survey_type]
        share = (score - _LOW[survey_type]) / span
        comment = None
        if rng.random() < 0.35:
            comment = _COMMENTS["good" if share >= 0.8 else "mid" if share >= 0.5 else "bad"]
        answers = []
        if survey_type == "nps" and rng.random() < 0.4:
            reason = rng.choice(_REASONS)
            answers.append({
                "id": str(rng.randint(10**8, 10**9)),
                "value": {"free_response": None, "scale": None,
                          "select_one": {"id": f"enum_{_REASONS.index(reason)}", "text": reason},
                          "select_many": None},
                "question": {"id": "enum_main_reason", "type": "select_one",
                             "text": "What is the main reason for your score?"},
            })  # fmt: skip
        alphabet = string.ascii_letters + string.digits
        permalink = "https://app.delighted.com/r/" + "".join(rng.choices(alphabet, k=32))
        response = Response("", person, survey_type, score, at, comment, permalink, answers)
        if rng.random() < 0.08:
            response.tagged_at = at + rng.randint(_HOUR, 20 * _DAY)
        return response


def _type(rng: random.Random) -> str:
    return rng.choices(*zip(*_TYPES, strict=True))[0]


def simulate_responses(support: Support, rng: random.Random, scale: float = 1.0) -> list[Response]:
    sim = _Simulator(support, rng, scale)
    responses: list[Response] = []
    count = max(50, round(RESPONSES_PER_SCALE * scale * 1.05))
    for person in rng.choices(sim.people, weights=sim.weights, k=count):
        if person.customer is not None:
            since = max(person.customer.active_from, person.user.created_at if person.user else 0)
            until = person.customer.active_until
        else:
            since, until = PERIOD_START, PERIOD_END
        if until - since < _DAY:
            continue
        survey_type = _type(rng)
        at = sim.when(person, since, until)
        if sim.throttled(person, survey_type, at):
            continue
        responses.append(sim.response(person, survey_type, at))
    # after outages: the affected customers answer more (and lower)
    for signal in support.signals:
        if signal.weight < 0.4:
            continue
        customers = support.customers_of(signal.service_id, signal.start)
        for _ in range(poisson(rng, signal.weight * 0.3 * len(customers))):
            people = sim.by_customer.get(rng.choice(customers).customer_id) if customers else None
            if not people:
                continue
            at = signal.start + min(_WINDOW - _HOUR, int(rng.expovariate(1 / (8 * _HOUR))))
            survey_type = "csat" if rng.random() < 0.7 else "nps"
            person = rng.choice(people)
            if at < PERIOD_END and not sim.throttled(person, survey_type, at):
                responses.append(sim.response(person, survey_type, at))
    # a few people answer the same survey again in the same month (a reminder e-mail)
    for response in list(responses):
        if rng.random() < 0.02:
            day = local_date(response.created_at, "UTC")
            month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
            left = int((month_end - day).days) * _DAY - _DAY
            if left > 2 * _DAY:
                at = response.created_at + rng.randint(_DAY, left)
                if at < PERIOD_END:
                    responses.append(sim.response(response.person, response.survey_type, at))
    responses.sort(key=lambda r: (r.created_at, r.person.id, r.survey_type))
    next_id = 210_554_370
    for response in responses:
        next_id += rng.randint(1, 9)
        response.id = str(next_id)
    return responses


def write_delighted(
    support: Support, out_dir: Path, rng: random.Random, scale: float = 1.0
) -> dict:
    """Simulate the survey responses and write the monthly pages; records per folder."""
    responses = simulate_responses(support, rng, scale)
    folder = out_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for label, _since, until, export_at in monthly_exports():
        start = until - _month_length(label)
        selected = [r for r in responses if start <= r.updated_at(export_at) < until]
        selected.sort(key=lambda r: (r.updated_at(export_at), r.id))
        pages = max(1, math.ceil(len(selected) / PAGE_SIZE))
        for page in range(pages):
            chunk = selected[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            text = dumps([r.record(export_at) for r in chunk])
            path = folder / f"survey_responses_{label}_p{page + 1:03d}.json"
            path.write_text(text + "\n", encoding="utf-8")
        written += len(selected)
    return {FOLDER: written}


def _month_length(label: str) -> int:
    year, month = int(label[:4]), int(label[5:])
    days = timedelta(days=31) if month in (1, 3, 5, 7, 8, 10, 12) else timedelta(days=30)
    if month == 2:
        days = timedelta(days=29 if year % 4 == 0 else 28)
    return int(days.total_seconds())
