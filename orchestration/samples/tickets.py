"""Zendesk tickets: each ticket's whole life as a list of actions, and its SLA clocks.

`simulate_tickets(support, rng, scale)` returns about 2,000 tickets per unit of scale
over the period, oldest first, ids in creation order:

* baseline tickets from the customers' end users (by customer size and tier), from
  prospects and from users without an organization, mostly in the requester's office
  hours (Mon-Fri 08-18 local, in New York, Berlin, Seoul, ...), tagged with one or two
  of their service's catalog `ticket_tags` (a few carry only general tags), plus the
  organization's tier tag (Zendesk copies organization tags onto new tickets);
* after every operational signal (support.py), a spike on the affected service: tickets
  from the customers covering it within hours, more urgent, more escalated, more
  complaints and more bad ratings, linked to a problem ticket an L2 agent opens, and
  solved in bulk soon after the outage ends; after bad deploys, proactive tickets to
  Gold customers (submitted by an agent on the requester's behalf);
* a life per ticket: first reply by an agent of the group (in the group's schedule, or
  around the clock for urgent tickets) at a delay drawn relative to the SLA target, so
  about one in seven first replies is late; pending periods while waiting for the
  requester (who answers in their office hours, or the ticket is solved by the
  automation after 5 days), hold periods in L2/L3, escalations L1 -> L2 -> L3 (some with a
  priority bump, some tagged `escalated`), solves, reopens by the requester, the CSAT
  survey offered an hour after the first solve (answered good/bad by about a third;
  unoffered for API and proactive tickets), closed by the automation 4 days after the
  last solve.

SLA clocks follow kpi-definitions.md §4/§5 so that the `breach` events agree with the
warehouse's own verdict: targets from the policy of the organization's tier tag and the
ticket's priority (re-applied when the priority changes), elapsed time in calendar or
business time of the default (lowest-id) schedule, `reply_time` never pausing
(instance 1 = first reply, later instances = next replies after a requester comment),
`requester_wait_time` paused while pending. A breach event is scheduled whenever a clock
(re)starts, at the instant its elapsed time would reach the target, and is `deleted`
when the clock stops (pause, fulfil, re-application) before then.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from orchestration.samples.business_hours import BusinessCalendar
from orchestration.samples.support import (
    Customer,
    Group,
    Organization,
    Signal,
    SlaPolicy,
    Support,
    ZendeskUser,
    epoch_day,
    local_date,
    local_epoch,
    office_calendar,
    poisson,
)
from orchestration.samples.world import PERIOD_END, PERIOD_START, IdFactory

_MINUTE = 60
_HOUR = 3600
_DAY = 86400

TICKETS_PER_SCALE = 2000
FIRST_TICKET_ID = 48213
FINAL_EXPORT_AT = PERIOD_END + _HOUR  # the last incremental export, 01:00 on 1 July
HORIZON = FINAL_EXPORT_AT  # nothing after the last export exists yet
AUTO_SOLVE_SECONDS = 5 * _DAY
CLOSE_SECONDS = 4 * _DAY
AUTOMATION_SOLVE = (360000041201, "Solve pending tickets after 5 days")
AUTOMATION_CLOSE = (360000041202, "Close ticket 4 days after status is set to solved")
AUTOMATION_CSAT = (360000041203, "Request customer satisfaction rating (System Automation)")
SYSTEM_AUTHOR = -1
RUNNING = frozenset(("new", "open", "hold"))  # requester_wait_time runs (pending stops it)
SOLVED = frozenset(("solved", "closed"))


class Weighted:
    """A weighted choice by one `random()` and a binary search (rng.choices is slower)."""

    def __init__(self, pairs: tuple[tuple[Any, float], ...]) -> None:
        self.values = tuple(value for value, _ in pairs)
        total = 0.0
        cumulative = []
        for _, weight in pairs:
            total += weight
            cumulative.append(total)
        self.cumulative = cumulative
        self.total = total

    def pick(self, rng: random.Random) -> Any:
        index = bisect.bisect(self.cumulative, rng.random() * self.total)
        return self.values[min(index, len(self.values) - 1)]


_PRIORITIES = Weighted((("urgent", 4), ("high", 18), ("normal", 58), ("low", 15), (None, 5)))
_SPIKE_PRIORITIES = Weighted((("urgent", 30), ("high", 45), ("normal", 25)))
_TYPES = Weighted((("question", 40), ("incident", 30), ("problem", 3), ("task", 12), (None, 15)))
_CHANNELS = Weighted((("email", 45), ("web", 30), ("chat", 10), ("api", 5), ("voice", 5),
                      ("mobile", 5)))  # fmt: skip
_SPIKE_CHANNELS = Weighted((("web", 35), ("email", 30), ("chat", 20), ("voice", 15)))
_LOCAL_HOURS = Weighted(tuple(zip(range(8, 19), (0.6, 1.2, 1.5, 1.4, 1.1, 0.9, 1.2, 1.3, 1.1,
                                                 0.8, 0.4), strict=True)))  # fmt: skip
_ESCALATIONS = Weighted(((0, 86), (1, 9), (2, 5)))
_SPIKE_ESCALATIONS = Weighted(((0, 55), (1, 30), (2, 15)))
_GENERAL_TAGS = ("how-to", "account", "general", "invoice", "feature-request")
_SYMPTOMS = (
    "{name}: error when saving changes", "{name} is very slow today",
    "Question about {name}", "{name}: unexpected result", "Cannot access {name}",
    "{name} - request for help", "{name}: intermittent timeouts",
)  # fmt: skip
_GENERAL_SUBJECTS = ("How do I add a user?", "Question about our invoice", "Feature request",
                     "Update our billing contact", "Export of our account data")  # fmt: skip
_SPIKE_SUBJECTS = ("{name} down?", "Errors in {name} right now",
                   "{name} outage affecting our users", "URGENT: {name} not working")  # fmt: skip

# Synthetic text for every comment, so no real message is ever mistaken for sample data.
TEXT = {
    "description": "Synthetic sample ticket: {subject}. Steps and ids are made up.",
    "pending": "Synthetic sample reply: thanks - could you send the request id and the time "
    "it happened?",
    "open": "Synthetic sample reply: we are looking into this and will update you shortly.",
    "hold": "Synthetic sample reply: we are waiting for our engineering team.",
    "solved": "Synthetic sample reply: we applied a fix; tell us if the problem persists.",
    "spike_ack": "Synthetic sample reply: we are aware of the issue and are working on it.",
    "spike_solved": "Synthetic sample reply: the incident is resolved; sorry for the trouble.",
    "requester": "Synthetic sample message: here are the details you asked for.",
    "reopen": "Synthetic sample message: the problem is back again.",
    "escalate": "Synthetic internal note: escalating to {group} for a deeper look.",
    "hold_end": "Synthetic internal note: engineering replied, resuming.",
    "proactive": "Synthetic sample message: we noticed an issue affecting {name} and fixed "
    "it; reply if you still see errors.",
    "problem": "Synthetic internal note: problem ticket for the {name} outage.",
    "problem_solved": "Synthetic internal note: root cause fixed, linked tickets solved.",
    "rating_good": "Synthetic sample comment: quick and helpful.",
    "rating_bad": "Synthetic sample comment: took too long.",
}
# (reason code, reason) of bad ratings (Zendesk's default reasons)
BAD_REASONS = (
    (5, "The issue took too long to resolve"),
    (6, "The issue was not resolved"),
    (7, "The agent's knowledge is unsatisfactory"),
    (100, "Some other reason"),
)


@dataclass
class Rating:
    id: int
    created_at: int  # offered (or unoffered) at
    offered: bool
    answered_at: int | None = None
    score: str = "offered"  # final score: offered | unoffered | good | bad
    comment: str | None = None
    reason: tuple[int, str] | None = None

    def score_at(self, as_of: int) -> str:
        if not self.offered:
            return "unoffered"
        if self.answered_at is not None and self.answered_at <= as_of:
            return self.score
        return "offered"

    def updated_at(self, as_of: int) -> int:
        if self.answered_at is not None and self.answered_at <= as_of:
            return self.answered_at
        return self.created_at


@dataclass
class Action:
    """One ticket update (an audit): who, when, through what, which fields, which comment."""

    at: int
    author_id: int
    channel: str  # web | email | chat | api | voice | mobile | rule
    kind: str
    changes: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    public: bool = True
    rule: tuple[int, str] | None = None
    rating: bool = False  # carries the requester's satisfaction answer
    seq: int = 0


@dataclass
class MetricEvent:
    time: int
    metric: str  # reply_time | requester_wait_time
    instance_id: int
    type: str  # apply_sla | activate | pause | fulfill | breach | update_status
    order: int
    sla: tuple[SlaPolicy, int, bool] | None = None  # policy, target minutes, business
    status: tuple[int, int] | None = None  # calendar, business minutes
    deleted: bool | None = None


@dataclass
class SlaResult:
    """The warehouse-equivalent verdict of one SLA metric instance."""

    metric: str  # first_reply_time | next_reply_time | requester_wait_time
    instance_id: int
    started_at: int
    priority: str  # at the (last) apply_sla
    target_minutes: int
    breached: bool


@dataclass
class Ticket:
    id: int
    created_at: int
    requester: ZendeskUser
    submitter: ZendeskUser
    organization: Organization | None
    customer: Customer | None
    service_id: str | None
    channel: str
    subject: str
    type: str | None
    priority: str | None
    group: Group
    tags: list[str]
    spike: Signal | None = None
    proactive: bool = False
    is_problem: bool = False
    problem: Ticket | None = None
    has_incidents: bool = False
    actions: list[Action] = field(default_factory=list)
    rating: Rating | None = None
    events: list[MetricEvent] = field(default_factory=list)
    sla_results: list[SlaResult] = field(default_factory=list)
    form_id: int = 0

    @property
    def last_action_at(self) -> int:
        return self.actions[-1].at


# --- arrivals --------------------------------------------------------------------------------


@dataclass
class _Seed:
    at: int
    requester: ZendeskUser
    organization: Organization | None
    customer: Customer | None
    service_id: str | None
    spike: Signal | None = None
    proactive: bool = False
    is_problem: bool = False


def _office_time(rng: random.Random, zone: str, since: int, until: int) -> int:
    """A moment in [since, until): mostly in office hours of `zone` on a weekday."""
    for _ in range(6):
        at = rng.randrange(since, until)
        if rng.random() < 0.1:
            return at  # off-hours and weekend tickets happen too
        day = local_date(at, zone)
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        hour = _LOCAL_HOURS.pick(rng)
        at = local_epoch(day, hour * _HOUR + rng.randrange(_HOUR), zone)
        if since <= at < until:
            return at
    return rng.randrange(since, until)


class _Simulator:
    def __init__(self, support: Support, rng: random.Random, scale: float) -> None:
        self.support = support
        self.rng = rng
        self.scale = scale
        self.ids = IdFactory(rng)
        self.default_calendar = support.default_schedule.calendar
        self.seq = 0
        self.production = [s for s in support.services.values() if s.is_production]

    # -- who files what ------------------------------------------------------------------

    def baseline(self, count: int) -> list[_Seed]:
        rng = self.rng
        support = self.support
        sources: list[tuple[str, Any]] = []
        weights: list[float] = []
        period = PERIOD_END - PERIOD_START
        for customer in support.customers:
            span = max(0, customer.active_until - customer.active_from)
            sources.append(("customer", customer))
            weights.append(customer.weight * span / period)
        total = sum(weights)
        for org in support.prospects:
            span = max(0, PERIOD_END - max(PERIOD_START, org.created_at))
            sources.append(("prospect", org))
            weights.append(0.06 * total / len(support.prospects) * span / period)
        sources.append(("loose", None))
        weights.append(0.04 * total)
        picks = rng.choices(sources, weights=weights, k=count)
        seeds = []
        for kind, source in picks:
            if kind == "customer":
                customer: Customer = source
                requester = rng.choice(customer.users)
                since = max(customer.active_from, requester.created_at + _HOUR)
                if since >= customer.active_until - _DAY:
                    continue
                at = _office_time(rng, requester.region.iana, since, customer.active_until)
                found = customer.contract_at(at)
                services = found[1].service_ids if found else ()
                seeds.append(_Seed(at, requester, customer.organization, customer,
                                   self._service(services)))  # fmt: skip
            elif kind == "prospect":
                org: Organization = source
                requester = rng.choice(support.prospect_users[org.id])
                since = max(PERIOD_START, requester.created_at + _HOUR)
                if since >= PERIOD_END - _DAY:
                    continue
                at = _office_time(rng, requester.region.iana, since, PERIOD_END)
                seeds.append(_Seed(at, requester, org, None, self._service(())))
            else:
                requester = rng.choice(support.loose_users)
                since = max(PERIOD_START, requester.created_at + _HOUR)
                if since >= PERIOD_END - _DAY:
                    continue
                at = _office_time(rng, requester.region.iana, since, PERIOD_END)
                seeds.append(_Seed(at, requester, None, None, self._service(())))
        return seeds

    def _service(self, covered: tuple[str, ...]) -> str | None:
        rng = self.rng
        if rng.random() < 0.08:
            return None  # only general tags: the service is unknown
        if covered:
            return rng.choice(covered)
        return rng.choice(self.production).service_id

    def spikes(self) -> list[_Seed]:
        """Tickets, problem tickets and proactive tickets after the operational signals."""
        rng = self.rng
        seeds = []
        for signal in self.support.signals:
            customers = self.support.customers_of(signal.service_id, signal.start)
            if not customers:
                continue
            count = poisson(rng, signal.weight * (0.45 * len(customers) + 1.5))
            if signal.kind == "bad_deploy":
                count = max(count, 6)
            if count >= 3 and signal.weight >= 0.6:
                agent = rng.choice(self.support.group(2).agents)
                seeds.append(_Seed(signal.start + rng.randint(10, 40) * _MINUTE, agent, None,
                                   None, signal.service_id, signal, is_problem=True))  # fmt: skip
            window = 48 * _HOUR
            for _ in range(count):
                customer = rng.choice(customers)
                requester = rng.choice(customer.users)
                # most arrive in the first hours, a tail over two days
                delay = min(window - _HOUR, int(rng.expovariate(1 / (3 * _HOUR))) + 4 * _MINUTE)
                at = signal.start + delay
                if at >= PERIOD_END or requester.created_at >= at:
                    continue
                seeds.append(_Seed(at, requester, customer.organization, customer,
                                   signal.service_id, signal))  # fmt: skip
            if signal.kind == "bad_deploy":
                for customer in customers:
                    found = customer.contract_at(signal.start)
                    if found and found[1].tier == "Gold" and rng.random() < 0.7:
                        at = signal.end + rng.randint(30 * _MINUTE, 4 * _HOUR)
                        if at < PERIOD_END:
                            requester = rng.choice(customer.users)
                            seeds.append(
                                _Seed(at, requester, customer.organization, customer,
                                      signal.service_id, signal, proactive=True)
                            )  # fmt: skip
        # a few check-ins without an outage
        for customer in self.support.customers:
            if rng.random() < 0.15:
                since, until = customer.active_from, customer.active_until
                if until - since > 10 * _DAY:
                    agent_region = customer.region
                    at = _office_time(rng, agent_region.iana, since, until - 5 * _DAY)
                    found = customer.contract_at(at)
                    services = found[1].service_ids if found else ()
                    requester = rng.choice(customer.users)
                    seeds.append(
                        _Seed(at, requester, customer.organization, customer,
                              self._service(services), proactive=True)
                    )  # fmt: skip
        return seeds

    # -- one ticket ----------------------------------------------------------------------

    def l1_group(self, requester: ZendeskUser) -> Group:
        return self.support.group(1, requester.region.l1)

    def ticket(self, seed: _Seed, ticket_id: int) -> Ticket:
        rng = self.rng
        support = self.support
        service = support.services.get(seed.service_id) if seed.service_id else None
        tags: list[str] = []
        if service is not None:
            tags.extend(rng.sample(service.ticket_tags, k=min(len(service.ticket_tags),
                                                              rng.choice((1, 1, 2)))))  # fmt: skip
        else:
            tags.append(rng.choice(_GENERAL_TAGS))
        if seed.organization is not None:
            for tag in seed.organization.tags_at(seed.at):
                if tag not in tags:
                    tags.append(tag)
        name = service.service_name if service else ""
        spike = seed.spike
        submitter = seed.requester
        group = self.l1_group(seed.requester)
        if seed.is_problem:
            priority, ticket_type, channel = "urgent", "problem", "web"
            subject = f"Problem: {name} outage"
            tags += ["outage", "internal"]
            group = support.group(2)
        elif seed.proactive:
            priority, ticket_type, channel = "normal", "question", "web"
            subject = f"Following up on {name}" if name else "Checking in"
            tags.append("proactive")
            submitter = rng.choice(group.agents)
        elif spike is not None:
            priority = _SPIKE_PRIORITIES.pick(rng)
            ticket_type = "incident"
            channel = _SPIKE_CHANNELS.pick(rng)
            subject = rng.choice(_SPIKE_SUBJECTS).format(name=name)
            if rng.random() < 0.15:
                tags.append("complaint")
        else:
            priority = _PRIORITIES.pick(rng)
            ticket_type = _TYPES.pick(rng)
            channel = _CHANNELS.pick(rng)
            subject = (rng.choice(_SYMPTOMS).format(name=name) if service
                       else rng.choice(_GENERAL_SUBJECTS))  # fmt: skip
            if rng.random() < 0.02:
                tags.append("complaint")
        ticket = Ticket(
            id=ticket_id, created_at=seed.at, requester=seed.requester, submitter=submitter,
            organization=seed.organization, customer=seed.customer, service_id=seed.service_id,
            channel=channel, subject=subject, type=ticket_type, priority=priority, group=group,
            tags=tags, spike=spike, proactive=seed.proactive, is_problem=seed.is_problem,
        )  # fmt: skip
        ticket.form_id = 360000112233 if not seed.is_problem else 360000112234
        _Life(self, ticket).run()
        return ticket


class _Life:
    """Plays one ticket's life forward from its creation (see the module docstring)."""

    def __init__(self, sim: _Simulator, ticket: Ticket) -> None:
        self.sim = sim
        self.rng = sim.rng
        self.t = ticket
        self.policy = sim.support.policy_for(ticket.tags)
        self.status = "new"
        self.group = ticket.group
        self.assignee: ZendeskUser | None = None
        self.priority = ticket.priority
        self.tags = list(ticket.tags)
        self.replies = 0
        self.reopens = 0
        self.solves = 0
        self.rounds = 0
        self.escalations = 0
        self.escalate_round = 1
        self.now = ticket.created_at

    def act(self, at: int, author: ZendeskUser | None, kind: str, changes: dict[str, Any],
            comment: str | None = None, public: bool = True, channel: str | None = None,
            rule: tuple[int, str] | None = None) -> Action:  # fmt: skip
        sim = self.sim
        sim.seq += 1
        if "status" in changes:
            self.status = changes["status"]
        action = Action(
            at=at,
            author_id=author.id if author is not None else SYSTEM_AUTHOR,
            channel=channel or ("rule" if rule else "web"),
            kind=kind, changes=changes, comment=comment, public=public, rule=rule, seq=sim.seq,
        )  # fmt: skip
        self.t.actions.append(action)
        self.now = max(self.now, at)
        return action

    def target(self) -> tuple[int, bool]:
        metric = "first_reply_time" if self.replies == 0 else "next_reply_time"
        if self.policy is not None and self.priority is not None:
            return self.policy.targets[metric][self.priority]
        return (960, True)

    def agent_time(self, slow: float = 1.0) -> int:
        minutes, business = self.target()
        median = 0.7 if self.t.spike is not None else 0.4
        fraction = self.rng.lognormvariate(math.log(median * slow), 0.85)
        seconds = max(90, int(minutes * 60 * fraction))
        if business:
            return self.group.schedule.calendar.add(self.now, seconds)
        return self.now + seconds

    def requester_time(self, median_hours: float = 3.0) -> int:
        seconds = int(self.rng.lognormvariate(math.log(median_hours * _HOUR), 1.0)) + 300
        return office_calendar(self.t.requester.region).add(self.now, seconds)

    def pick_agent(self, group: Group) -> ZendeskUser:
        return self.rng.choice(group.agents)

    # -- the life --------------------------------------------------------------------------

    def run(self) -> None:
        t = self.t
        rng = self.rng
        created: dict[str, Any] = {
            "subject": t.subject, "requester_id": t.requester.id, "status": "new",
            "priority": t.priority, "type": t.type, "group_id": t.group.id, "tags": list(t.tags),
        }  # fmt: skip
        if t.is_problem:
            self.assignee = t.requester
            created.update(status="open", assignee_id=t.requester.id)
            name = self.sim.support.services[t.service_id].service_name if t.service_id else ""
            self.act(t.created_at, t.requester, "create", created,
                     TEXT["problem"].format(name=name), public=False)  # fmt: skip
            assert t.spike is not None
            solve_at = max(self.now + 20 * _MINUTE, t.spike.end + rng.randint(20, 90) * _MINUTE)
            if solve_at <= HORIZON:
                self.act(solve_at, t.requester, "solve", {"status": "solved"},
                         TEXT["problem_solved"], public=False)  # fmt: skip
                self.after_solve(offer=False)
            return
        if t.proactive:
            self.assignee = t.submitter
            created.update(status="pending", assignee_id=t.submitter.id)
            name = self.sim.support.services[t.service_id].service_name if t.service_id else ""
            self.act(t.created_at, t.submitter, "create", created,
                     TEXT["proactive"].format(name=name or "your account"))  # fmt: skip
            self.requester_turn(respond=0.5)
            return
        self.act(t.created_at, t.requester, "create", created,
                 TEXT["description"].format(subject=t.subject), channel=t.channel)  # fmt: skip
        self.escalations = (_SPIKE_ESCALATIONS if t.spike else _ESCALATIONS).pick(rng)
        self.escalate_round = rng.randint(1, 2)
        self.agent_loop()

    def agent_loop(self) -> None:
        """Agents act until the ticket is solved, waits on the requester, or time runs out."""
        rng = self.rng
        t = self.t
        while True:
            self.rounds += 1
            rounds = self.rounds
            at = self.agent_time()
            if at > HORIZON:
                return
            self.now = at
            changes: dict[str, Any] = {}
            if self.assignee is None or self.assignee.default_group_id != self.group.id:
                self.assignee = self.pick_agent(self.group)
                changes["assignee_id"] = self.assignee.id
            if self.status == "new":
                changes["status"] = "open"
            if self.escalations > 0 and rounds >= self.escalate_round:
                self.escalate(changes)
                continue
            if t.spike is not None and self.replies >= 1:
                # the bulk update once the outage is over
                solve_at = max(self.now, t.spike.end + rng.randint(10, 120) * _MINUTE)
                if solve_at > HORIZON:
                    return
                self.now = solve_at
                changes["status"] = "solved"
                self.reply(changes, TEXT["spike_solved"])
                self.after_solve()
                return
            if t.spike is not None:
                changes["status"] = rng.choice(("pending", "open", "open"))
                self.reply(changes, TEXT["spike_ack"])
                if self.status == "pending" and rng.random() < 0.4:
                    self.requester_turn()
                    return
                continue
            p_solve = (0.3, 0.5, 0.7, 0.8, 0.9, 1.0)[min(rounds, 6) - 1]
            if self.group.tier >= 2:
                p_solve -= 0.15
            roll = rng.random()
            if roll < p_solve or rounds >= 7:
                changes["status"] = "solved"
                self.reply(changes, TEXT["solved"])
                self.after_solve()
                return
            if self.group.tier >= 2 and roll < p_solve + 0.2:
                changes["status"] = "hold"
                self.reply(changes, TEXT["hold"])
                resume = self.now + int(rng.lognormvariate(math.log(1.5 * _DAY), 0.7))
                if resume > HORIZON:
                    return
                self.act(resume, self.assignee, "hold_end", {"status": "open"},
                         TEXT["hold_end"], public=False)  # fmt: skip
                continue
            if roll < 0.9:
                changes["status"] = "pending"
                self.reply(changes, TEXT["pending"])
                self.requester_turn()
                return
            if self.status != "open":
                changes["status"] = "open"
            self.reply(changes, TEXT["open"])

    def reply(self, changes: dict[str, Any], text: str) -> None:
        self.act(self.now, self.assignee, "reply", changes, text)
        self.replies += 1

    def escalate(self, changes: dict[str, Any]) -> None:
        rng = self.rng
        tier = min(3, self.group.tier + 1)
        self.group = self.sim.support.group(tier)
        self.assignee = self.pick_agent(self.group)
        changes.update(group_id=self.group.id, assignee_id=self.assignee.id)
        if self.priority in ("normal", "low") and rng.random() < 0.3:
            self.priority = "high"
            changes["priority"] = "high"
        if "escalated" not in self.tags and rng.random() < 0.5:
            self.tags = [*self.tags, "escalated"]
            changes["tags"] = list(self.tags)
        note = TEXT["escalate"].format(group=self.group.name)
        if self.replies == 0 and rng.random() < 0.5:
            changes.setdefault("status", "open")
            self.act(self.now, self.assignee, "escalate", changes, TEXT["open"])
            self.replies += 1
        else:
            self.act(self.now, self.assignee, "escalate", changes, note, public=False)
        self.escalations -= 1
        self.escalate_round += rng.randint(1, 2)

    def requester_turn(self, respond: float = 0.85) -> None:
        rng = self.rng
        if rng.random() < respond:
            at = self.requester_time()
            if at <= min(HORIZON, self.now + AUTO_SOLVE_SECONDS):
                self.now = at
                self.act(at, self.t.requester, "requester_reply", {"status": "open"},
                         TEXT["requester"], channel=self.t.channel if self.t.channel in
                         ("email", "web", "mobile") else "web")  # fmt: skip
                self.agent_loop()
                return
        at = self.now + AUTO_SOLVE_SECONDS
        if at > HORIZON:
            return
        self.act(at, None, "auto_solve", {"status": "solved"}, rule=AUTOMATION_SOLVE)
        self.after_solve()

    def after_solve(self, offer: bool = True) -> None:
        rng = self.rng
        t = self.t
        solved_at = self.now
        self.solves += 1
        if self.solves == 1 and t.rating is None and not t.is_problem:
            self.rate(solved_at, offer and not t.proactive and t.channel != "api")
        if not t.is_problem and self.reopens < 2 and rng.random() < (0.07, 0.2)[self.reopens]:
            delay = rng.randint(2 * _HOUR, int(3.5 * _DAY))
            at = solved_at + delay
            if at <= HORIZON:
                self.reopens += 1
                self.now = at
                changes: dict[str, Any] = {"status": "open"}
                if "complaint" not in self.tags and rng.random() < 0.3:
                    self.tags = [*self.tags, "complaint"]
                    changes["tags"] = list(self.tags)
                self.act(at, t.requester, "reopen", changes, TEXT["reopen"],
                         channel="email" if t.channel == "email" else "web")  # fmt: skip
                self.agent_loop()
                return
        close_at = solved_at + CLOSE_SECONDS
        if close_at <= HORIZON:
            self.act(close_at, None, "close", {"status": "closed"}, rule=AUTOMATION_CLOSE)

    def rate(self, solved_at: int, offered: bool) -> None:
        rng = self.rng
        t = self.t
        rating_id = self.sim.ids.integer(360_100_000_000, 360_199_999_999)
        if not offered or rng.random() < 0.08:
            t.rating = Rating(rating_id, solved_at, offered=False, score="unoffered")
            return
        offered_at = solved_at + rng.randint(45, 75) * _MINUTE
        if offered_at > HORIZON:
            return
        rating = Rating(rating_id, offered_at, offered=True)
        t.rating = rating
        self.sim.seq += 1
        t.actions.append(Action(offered_at, SYSTEM_AUTHOR, "rule", "offer",
                                {"satisfaction_score": "offered"}, rule=AUTOMATION_CSAT,
                                seq=self.sim.seq))  # fmt: skip
        answer = 0.45 if t.spike is not None else 0.32
        if rng.random() >= answer:
            return
        answered = offered_at + int(rng.lognormvariate(math.log(4 * _HOUR), 1.2)) + 60
        if answered > HORIZON:
            return
        bad = 0.1 + (0.35 if t.spike is not None else 0) + (0.2 if self.reopens else 0)
        bad += 0.1 if "complaint" in self.tags else 0
        rating.answered_at = answered
        rating.score = "bad" if rng.random() < bad else "good"
        if rng.random() < 0.4:
            rating.comment = TEXT["rating_bad" if rating.score == "bad" else "rating_good"]
        if rating.score == "bad":
            rating.reason = rng.choice(BAD_REASONS)
        self.sim.seq += 1
        t.actions.append(Action(answered, t.requester.id, "web", "rate",
                                {"satisfaction_score": rating.score}, rating.comment,
                                rating=True, seq=self.sim.seq))  # fmt: skip


# --- SLA clocks -----------------------------------------------------------------------------

_ORDER = {"apply_sla": 0, "activate": 1, "breach": 2, "pause": 3, "fulfill": 3, "update_status": 4}


def _timeline(actions: list[Action], name: str) -> list[tuple[int, Any]]:
    return [(a.at, a.changes[name]) for a in actions if name in a.changes]


def _value_at(timeline: list[tuple[int, Any]], at: int) -> Any:
    value = None
    for when, new in timeline:
        if when > at:
            break
        value = new
    return value


Segment = tuple[int, int | None, str | None]  # start, end (None: still running), end kind


class _Clock:
    """Events and verdict of one metric instance from its running segments."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar

    def run(
        self,
        ticket: Ticket,
        metric: str,
        policy_metric: str,
        instance: int,
        segments: list[Segment],
        paused_fulfills: list[int],
        priorities: list[tuple[int, Any]],
        policy: SlaPolicy | None,
    ) -> None:
        events = ticket.events
        calendar = self.calendar
        first = segments[0][0]
        still_running = segments[-1][1] is None
        stop = None if still_running else max(
            [e for _, e, _ in segments if e is not None] + paused_fulfills
        )  # fmt: skip
        apps: list[tuple[int, str, int, bool]] = []
        if policy is not None:
            current = _value_at(priorities, first)
            candidates = [(first, current)] + [
                (at, value) for at, value in priorities
                if first < at <= HORIZON and (stop is None or at < stop)
            ]  # fmt: skip
            targets = policy.targets[policy_metric]
            for at, value in candidates:
                if value is None or (apps and apps[-1][1] == value):
                    continue
                minutes, business = targets[value]
                apps.append((at, value, minutes, business))
        for at, _, minutes, business in apps:
            events.append(
                MetricEvent(at, metric, instance, "apply_sla", 0, sla=(policy, minutes, business))
            )  # type: ignore[arg-type]
        # elapsed calendar / business seconds before each segment
        before_calendar = before_business = 0
        breached = not apps
        app_times = [a[0] for a in apps]
        for start, end, kind in segments:
            events.append(MetricEvent(start, metric, instance, "activate", 1))
            limit = end if end is not None else HORIZON
            if not breached:
                points = [start] + [a for a in app_times if start < a < limit]
                for index, moment in enumerate(points):
                    _, _, minutes, business = apps[bisect.bisect_right(app_times, moment) - 1]
                    boundary = points[index + 1] if index + 1 < len(points) else limit
                    target = minutes * 60
                    if business:
                        done = before_business + calendar.seconds_between(start, moment)
                        at_boundary = before_business + calendar.seconds_between(start, boundary)
                        remaining = target - done
                        projected = calendar.add(moment, remaining) if remaining > 0 else moment
                    else:
                        done = before_calendar + moment - start
                        at_boundary = before_calendar + boundary - start
                        remaining = target - done
                        projected = moment + remaining if remaining > 0 else moment
                    if at_boundary > target:
                        events.append(MetricEvent(projected, metric, instance, "breach", 2,
                                                  deleted=False))  # fmt: skip
                        breached = True
                        break
                    if end is not None or projected <= HORIZON:
                        events.append(MetricEvent(projected, metric, instance, "breach", 2,
                                                  deleted=True))  # fmt: skip
            if end is None:
                continue
            before_calendar += end - start
            before_business += calendar.seconds_between(start, end)
            if kind is not None:
                events.append(MetricEvent(end, metric, instance, kind, 3))
                if kind == "fulfill":
                    events.append(MetricEvent(end, metric, instance, "update_status", 4,
                                              status=(before_calendar // 60,
                                                      before_business // 60)))  # fmt: skip
        for at in paused_fulfills:
            # solved while pending: the clock had stopped at the last pause before `at`
            calendar_seconds = business_seconds = 0
            for start, end, _ in segments:
                if end is not None and end <= at:
                    calendar_seconds += end - start
                    business_seconds += calendar.seconds_between(start, end)
            events.append(MetricEvent(at, metric, instance, "fulfill", 3))
            events.append(
                MetricEvent(
                    at,
                    metric,
                    instance,
                    "update_status",
                    4,
                    status=(calendar_seconds // 60, business_seconds // 60),
                )
            )
        if apps:
            _, priority, minutes, _ = apps[-1]
            ticket.sla_results.append(SlaResult(policy_metric, instance, first, priority,
                                                minutes, breached))  # fmt: skip


def _sla(ticket: Ticket, clock: _Clock, policy: SlaPolicy | None) -> None:
    """Metric events of the ticket: reply_time instances and requester_wait_time."""
    if ticket.proactive or ticket.is_problem:
        return
    actions = ticket.actions
    priorities = _timeline(actions, "priority")
    # reply_time: instance 1 waits from creation; a requester comment after an agent
    # reply starts the next instance; the next public agent comment fulfils it
    instances: list[tuple[int, int | None]] = []
    waiting: int | None = ticket.created_at
    requester_id = ticket.requester.id
    for action in actions[1:]:
        if action.comment is None or not action.public or action.rating:
            continue
        if action.author_id == requester_id:
            if waiting is None:
                waiting = action.at
        elif action.author_id != SYSTEM_AUTHOR and waiting is not None:
            instances.append((waiting, action.at))
            waiting = None
    if waiting is not None:
        instances.append((waiting, None))
    for number, (start, end) in enumerate(instances, start=1):
        segments: list[Segment] = [(start, end, "fulfill" if end is not None else None)]
        policy_metric = "first_reply_time" if number == 1 else "next_reply_time"
        clock.run(ticket, "reply_time", policy_metric, number, segments, [], priorities, policy)
    # requester_wait_time: runs in new/open/hold, paused in pending, fulfilled on solve
    segments = []
    paused_fulfills: list[int] = []
    running_since: int | None = None
    previous = None
    for at, status in _timeline(actions, "status"):
        if status in RUNNING:
            if running_since is None:
                running_since = at
        else:
            if running_since is not None:
                kind = "pause" if status == "pending" else "fulfill"
                segments.append((running_since, at, kind))
                running_since = None
            elif status == "solved" and previous == "pending":
                paused_fulfills.append(at)
        previous = status
    if running_since is not None:
        segments.append((running_since, None, None))
    if segments:
        clock.run(ticket, "requester_wait_time", "requester_wait_time", 1, segments,
                  paused_fulfills, priorities, policy)  # fmt: skip
    ticket.events.sort(key=lambda e: (e.time, e.order, e.metric, e.instance_id))


def simulate_tickets(support: Support, rng: random.Random, scale: float = 1.0) -> list[Ticket]:
    """All Zendesk tickets of the period, in creation (= id) order (module docstring)."""
    sim = _Simulator(support, rng, scale)
    spikes = sim.spikes()
    count = max(50, round(TICKETS_PER_SCALE * scale) - len(spikes))
    seeds = sim.baseline(count) + spikes
    seeds.sort(key=lambda s: (s.at, s.requester.id))
    clock = _Clock(sim.default_calendar)
    tickets: list[Ticket] = []
    problems: dict[Signal, Ticket] = {}
    for index, seed in enumerate(seeds):
        ticket = sim.ticket(seed, FIRST_TICKET_ID + index)
        if ticket.is_problem and ticket.spike is not None:
            problems[ticket.spike] = ticket
        elif ticket.spike is not None and not ticket.proactive:
            problem = problems.get(ticket.spike)
            if problem is not None and problem.created_at < ticket.created_at:
                ticket.problem = problem
                problem.has_incidents = True
        ticket.actions.sort(key=lambda a: (a.at, a.seq))
        _sla(ticket, clock, sim.support.policy_for(ticket.tags))
        tickets.append(ticket)
    return tickets


def epoch_month(epoch: int) -> str:
    day = epoch_day(epoch)
    return f"{day.year:04d}-{day.month:02d}"
