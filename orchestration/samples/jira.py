"""Jira Service Management sample exports (source-exports.md §4): search pages with changelog.

A second support desk runs on a KR-hosted Jira Cloud site (`acme-kr.atlassian.net`), so
every time in its exports is rendered `+0900` (`2026-01-05T18:02:13.432+0900`).
About 300 issues per unit of scale in project SUP, raised by portal customers mostly in
Seoul office hours, on the catalog's `jira_components` (a few on two components, a few
without any), plus a few issues on the affected component after the operational
signals of support.py.

`jira/issues/issues_<YYYY-MM>_pNNN.json` - a monthly export taken at 00:30 UTC on the
1st of the next month (`updated >= <start of the month before>`, `expand=changelog`):
January to March through the old `/rest/api/3/search` (`{"expand", "startAt",
"maxResults", "total", "issues"}`), from April through `/rest/api/3/search/jql`
(`{"issues", "nextPageToken", "isLast"}`), 50 issues a page. Issues updated in both
windows appear twice, the later copy newer.

Each issue carries `changelog.histories` (oldest first: status transitions, assignee,
priority and resolution changes, including reopens from Resolved back to Waiting for
support) and two SLA custom fields in the real shape: `customfield_10030` "Time to first
response" and `customfield_10031` "Time to resolution" (completed cycles, an ongoing
cycle while running, `epochMillis`/`millis`, negative `remainingTime` after a breach,
`friendly` texts in Korean). Elapsed SLA time follows the site's calendar (Mon-Fri
09:00-12:00 and 13:00-18:00 Seoul, Korean holidays), "Time to resolution" pauses while
Waiting for customer and starts a new cycle on reopen; "Request access" issues start
it only after approval (`completedCycles: []`, no ongoing cycle, until then); problems
have no SLA (the fields are null).
"""

from __future__ import annotations

import contextlib
import math
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from orchestration.samples.business_hours import BusinessCalendar, weekday_intervals
from orchestration.samples.jsontext import dumps
from orchestration.samples.render import monthly_exports
from orchestration.samples.support import Signal, Support, local_date, local_epoch, poisson
from orchestration.samples.world import PERIOD_END, PERIOD_START, CatalogService

FOLDER = "jira/issues"
ISSUES_PER_SCALE = 300
PAGE_SIZE = 50
SITE = "https://acme-kr.atlassian.net"
ZONE = "Asia/Seoul"
NEW_SEARCH_FROM = "2026-04"  # exports from this month use /search/jql
TTFR_FIELD = "customfield_10030"
TTR_FIELD = "customfield_10031"
REQUEST_TYPE_FIELD = "customfield_10010"
_MINUTE = 60
_HOUR = 3600
_DAY = 86400
FINAL = PERIOD_END + 30 * _MINUTE

# name -> (id, category key)
STATUSES: dict[str, tuple[str, str]] = {
    "Waiting for approval": ("10005", "new"),
    "Waiting for support": ("10001", "new"),
    "In Progress": ("3", "indeterminate"),
    "Waiting for customer": ("10002", "indeterminate"),
    "Escalated": ("10003", "indeterminate"),
    "Resolved": ("10004", "done"),
    "Closed": ("6", "done"),
    "Canceled": ("10006", "done"),
}
_CATEGORIES = {
    "new": (2, "blue-gray", "To Do"),
    "indeterminate": (4, "yellow", "In Progress"),
    "done": (3, "green", "Done"),
}
PRIORITIES = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"}
_PRIORITY_WEIGHTS = (("Highest", 4), ("High", 16), ("Medium", 55), ("Low", 20), ("Lowest", 5))
# request type -> (id, issue type, issue type id)
_REQUEST_TYPES = {
    "Report a system problem": ("11", "Incident", "10004"),
    "Get IT help": ("12", "Service request", "10005"),
    "Request access": ("13", "Service request", "10005"),
}
_RESOLUTIONS = {"Done": "10000", "Won't Do": "10001"}
# goals in business minutes, by priority
TTFR_GOALS = {"Highest": 60, "High": 120, "Medium": 240, "Low": 480, "Lowest": 480}
TTR_GOALS = {"Highest": 240, "High": 480, "Medium": 1440, "Low": 2400, "Lowest": 4800}
TTR_PAUSED = frozenset(("Waiting for customer",))
_DONE = frozenset(("Resolved", "Closed", "Canceled"))
_KR_HOLIDAYS = (
    ("2025-12-25", "2025-12-25"), ("2026-01-01", "2026-01-01"), ("2026-02-16", "2026-02-18"),
    ("2026-03-02", "2026-03-02"), ("2026-05-05", "2026-05-05"), ("2026-05-25", "2026-05-25"),
    ("2026-06-03", "2026-06-03"), ("2026-08-17", "2026-08-17"), ("2026-09-24", "2026-09-26"),
    ("2026-10-05", "2026-10-05"), ("2026-10-09", "2026-10-09"), ("2026-12-25", "2026-12-25"),
)  # fmt: skip
_SUMMARIES = ("{name} returns an error", "{name} is slow", "Question about {name}",
              "{name}: data looks wrong", "Cannot log in to {name}")  # fmt: skip
_SPIKE_SUMMARIES = ("{name} not working", "{name} outage?", "Errors on {name} since today")
_GIVEN = ("Minjun", "Seoyeon", "Jiho", "Hayoon", "Doyun", "Jiwoo", "Eunwoo", "Sua", "Junseo",
          "Yerin", "Hyunwoo", "Chaewon", "Taeyang", "Dahye", "Sungmin", "Yuna")  # fmt: skip
_FAMILY = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim")


def seoul_calendar() -> BusinessCalendar:
    """The JSM SLA calendar: Mon-Fri 09:00-12:00 and 13:00-18:00 in Seoul, KR holidays."""
    intervals = sorted(weekday_intervals(540, 720) + weekday_intervals(780, 1080))
    holidays = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in _KR_HOLIDAYS]
    return BusinessCalendar(ZONE, intervals, holidays)


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    kind: str  # atlassian (agents) | customer (portal)


@dataclass
class History:
    id: int
    at: int
    author: Account
    items: list[dict[str, Any]]


@dataclass
class Issue:
    id: int
    key: str
    created: int
    reporter: Account
    priority: str
    request_type: str
    issue_type: str
    components: list[tuple[str, str]]  # (id, name)
    summary: str
    initial_status: str
    histories: list[History] = field(default_factory=list)

    def status_timeline(self, as_of: int) -> list[tuple[int, str]]:
        out = [(self.created, self.initial_status)]
        for history in self.histories:
            if history.at > as_of:
                break
            for item in history.items:
                if item["field"] == "status":
                    out.append((history.at, item["toString"]))
        return out


def _ms(epoch: int) -> int:
    """Milliseconds of an instant: fixed per second, so one event shows the same ms."""
    return (epoch * 7919 + 113) % 1000


_OFFSET = 9 * _HOUR  # Asia/Seoul has no daylight saving time
_LOCAL_TEXT: dict[int, str] = {}


def _local_text(epoch: int) -> str:
    text = _LOCAL_TEXT.get(epoch)
    if text is None:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch + _OFFSET))
        if len(_LOCAL_TEXT) < 1_000_000:
            _LOCAL_TEXT[epoch] = text
    return text


def jira_time(epoch: int, with_ms: bool = True) -> str:
    """`2026-01-05T18:02:13.432+0900` (or without the milliseconds, as `iso8601` has it)."""
    text = _local_text(epoch)
    return f"{text}.{_ms(epoch):03d}+0900" if with_ms else f"{text}+0900"


def _friendly_date(epoch: int, as_of: int) -> str:
    """Localised (Korean) date text relative to the export: `오늘 13:54`, `어제 17:54`."""
    day = (epoch + _OFFSET) // _DAY
    today = (as_of + _OFFSET) // _DAY
    text = _local_text(epoch)
    if day == today:
        return f"오늘 {text[11:16]}"
    if day == today - 1:
        return f"어제 {text[11:16]}"
    hour = int(text[11:13])
    noon = "오전" if hour < 12 else "오후"
    return (f"{text[2:4]}. {int(text[5:7])}. {int(text[8:10])}. {noon} {hour % 12 or 12}:"
            f"{text[14:16]}")  # fmt: skip


def friendly_duration(millis: int) -> str:
    """Localised (Korean) duration text as JSM shows it: `4시간`, `3시간 54분`, `-5분`."""
    sign = "-" if millis < 0 else ""
    minutes = abs(millis) // 60000
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{sign}{hours}시간 {minutes}분"
    if hours:
        return f"{sign}{hours}시간"
    return f"{sign}{minutes}분"


def _date_object(epoch: int, as_of: int) -> dict[str, Any]:
    return {
        "iso8601": jira_time(epoch, with_ms=False),
        "jira": jira_time(epoch),
        "friendly": _friendly_date(epoch, as_of),
        "epochMillis": epoch * 1000 + _ms(epoch),
    }


def _duration(millis: int) -> dict[str, Any]:
    return {"millis": millis, "friendly": friendly_duration(millis)}


# --- simulation -------------------------------------------------------------------------------


class _Simulator:
    def __init__(self, support: Support, rng: random.Random, scale: float) -> None:
        self.support = support
        self.rng = rng
        self.scale = scale
        self.calendar = seoul_calendar()
        self.agents = [self.account("atlassian") for _ in range(max(3, round(6 * scale)))]
        self.customers = [self.account("customer") for _ in range(max(20, round(80 * scale)))]
        self.history_id = 10000 + rng.randint(0, 900)
        services = [s for s in support.services.values() if s.jira_components]
        self.services = services
        names = sorted({c for s in services for c in s.jira_components})
        self.component_ids = {name: str(10100 + index) for index, name in enumerate(names)}

    def account(self, kind: str) -> Account:
        rng = self.rng
        name = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
        if kind == "customer":
            h = f"{rng.getrandbits(128):032x}"
            account_id = f"qm:{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}:{h[:12]}"
        else:
            account_id = f"{rng.getrandbits(96):024x}"
        return Account(account_id, name, kind)

    def components(self, service: CatalogService | None) -> list[tuple[str, str]]:
        if service is None:
            return []
        names = list(service.jira_components)
        if len(names) > 1 and self.rng.random() < 0.3:
            return [(self.component_ids[n], n) for n in names]
        name = self.rng.choice(names)
        return [(self.component_ids[name], name)]

    def office_time(self, since: int, until: int) -> int:
        rng = self.rng
        at = rng.randrange(since, until)
        if rng.random() < 0.12:
            return at
        day = local_date(at, ZONE)
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        at = local_epoch(day, rng.randint(9 * _HOUR, 18 * _HOUR - 1), ZONE)
        return at if since <= at < until else rng.randrange(since, until)

    def seeds(self, count: int) -> list[tuple[int, CatalogService | None, Signal | None]]:
        rng = self.rng
        out: list[tuple[int, CatalogService | None, Signal | None]] = []
        production = [s for s in self.services if s.is_production] or self.services
        for _ in range(count):
            service = None if rng.random() < 0.05 else rng.choice(production)
            out.append((self.office_time(PERIOD_START, PERIOD_END), service, None))
        for signal in self.support.signals:
            service = self.support.services[signal.service_id]
            if not service.jira_components:
                continue
            for _ in range(poisson(rng, signal.weight * 2.5)):
                at = signal.start + min(47 * _HOUR, int(rng.expovariate(1 / (4 * _HOUR))))
                if at < PERIOD_END:
                    out.append((at, service, signal))
        out.sort(key=lambda seed: (seed[0], seed[1].service_id if seed[1] else ""))
        return out

    def business_delay(self, start: int, minutes: float) -> int:
        seconds = max(60, int(minutes * 60 * math.exp(self.rng.gauss(math.log(0.4), 0.9))))
        return self.calendar.add(start, seconds)

    def issue(self, number: int, created: int, service: CatalogService | None,
              signal: Signal | None, planted: bool = False) -> Issue:  # fmt: skip
        rng = self.rng
        if planted:
            priority, request_type = "Medium", "Request access"
        elif signal is not None:
            priority = rng.choice(("Highest", "High", "High"))
            request_type = "Report a system problem"
        else:
            priority = rng.choices(*zip(*_PRIORITY_WEIGHTS, strict=True))[0]
            request_type = rng.choices(tuple(_REQUEST_TYPES), weights=(50, 40, 10))[0]
        issue_type = _REQUEST_TYPES[request_type][1]
        reporter = rng.choice(self.customers)
        if service is not None and signal is None and rng.random() < 0.03:
            issue_type, request_type, reporter = "Problem", "", rng.choice(self.agents)
        name = service.service_name if service else "our account"
        template = rng.choice(_SPIKE_SUMMARIES if signal else _SUMMARIES)
        initial = "Waiting for approval" if request_type == "Request access" else (
            "Waiting for support"
        )  # fmt: skip
        issue = Issue(10000 + number, f"SUP-{1200 + number}", created, reporter, priority,
                      request_type, issue_type, self.components(service),
                      template.format(name=name), initial)  # fmt: skip
        if not planted:  # the planted one still waits for its approver at the end
            self.life(issue, signal)
        return issue

    def change(self, issue: Issue, at: int, author: Account, items: list[dict[str, Any]]) -> int:
        if at > FINAL:
            raise _Stop
        self.history_id += 1
        issue.histories.append(History(self.history_id, at, author, items))
        return at

    def life(self, issue: Issue, signal: Signal | None) -> None:
        with contextlib.suppress(_Stop):  # the rest happens after the last export
            self._life(issue, signal)

    def _life(self, issue: Issue, signal: Signal | None) -> None:
        rng = self.rng
        status = issue.initial_status
        now = issue.created
        agent = rng.choice(self.agents)

        def move(at: int, author: Account, to: str, extra: list[dict[str, Any]] = ()) -> int:  # type: ignore[assignment]
            nonlocal status
            items = [_status_item(status, to), *extra]
            status = to
            return self.change(issue, at, author, items)

        if status == "Waiting for approval":
            now = move(self.business_delay(now, 1200), rng.choice(self.agents),
                       "Waiting for support")  # fmt: skip
        now = self.change(issue, now + rng.randint(60, 900), agent,
                          [_assignee_item(None, agent)])  # fmt: skip
        goal = TTFR_GOALS[issue.priority] * (1.8 if signal else 1.0)
        first = self.business_delay(now, goal)
        if rng.random() < 0.03 and issue.issue_type != "Problem":
            move(first, issue.reporter, "Canceled", [_resolution_item(None, "Won't Do")])
            return
        rounds = reopens = 0
        now = move(first, agent, rng.choice(("In Progress", "Waiting for customer")))
        while True:
            rounds += 1
            if status == "Waiting for customer":
                reply = now + int(math.exp(rng.gauss(math.log(5 * _HOUR), 1.0)))
                now = move(reply, issue.reporter, "Waiting for support")
                now = move(self.business_delay(now, 120), agent, "In Progress")
                continue
            if status == "In Progress" and rng.random() < 0.1 and rounds < 3:
                now = move(self.business_delay(now, 60), agent, "Escalated")
                if issue.priority in ("Medium", "Low") and rng.random() < 0.4:
                    self.change(issue, now, agent, [_priority_item(issue.priority, "High")])
                    issue.priority = "High"
                now = move(now + int(math.exp(rng.gauss(math.log(_DAY), 0.7))), agent,
                           "In Progress")  # fmt: skip
                continue
            work = TTR_GOALS[issue.priority] * (0.5 if rounds == 1 else 0.3)
            if signal is not None:
                done_at = max(self.business_delay(now, 30), signal.end + rng.randint(600, 7200))
            else:
                done_at = self.business_delay(now, work)
            if rounds < 4 and rng.random() < 0.35:
                now = move(done_at, agent, "Waiting for customer")
                continue
            now = move(done_at, agent, "Resolved", [_resolution_item(None, "Done")])
            if reopens == 0 and rng.random() < 0.08:
                reopens += 1
                back = now + rng.randint(2 * _HOUR, 3 * _DAY)
                now = move(back, issue.reporter, "Waiting for support",
                           [_resolution_item("Done", None)])  # fmt: skip
                now = move(self.business_delay(now, 120), agent, "In Progress")
                continue
            move(now + 3 * _DAY, rng.choice(self.agents), "Closed")
            return


class _Stop(Exception):
    """The issue's next change falls after the last export."""


def _status_item(old: str, new: str) -> dict[str, Any]:
    return {"field": "status", "fieldtype": "jira", "fieldId": "status",
            "from": STATUSES[old][0], "fromString": old,
            "to": STATUSES[new][0], "toString": new}  # fmt: skip


def _resolution_item(old: str | None, new: str | None) -> dict[str, Any]:
    return {"field": "resolution", "fieldtype": "jira", "fieldId": "resolution",
            "from": _RESOLUTIONS[old] if old else None, "fromString": old,
            "to": _RESOLUTIONS[new] if new else None, "toString": new}  # fmt: skip


def _assignee_item(old: Account | None, new: Account) -> dict[str, Any]:
    return {"field": "assignee", "fieldtype": "jira", "fieldId": "assignee",
            "from": old.account_id if old else None, "fromString": old.name if old else None,
            "to": new.account_id, "toString": new.name,
            "tmpFromAccountId": old.account_id if old else None,
            "tmpToAccountId": new.account_id}  # fmt: skip


def _priority_item(old: str, new: str) -> dict[str, Any]:
    return {"field": "priority", "fieldtype": "jira", "fieldId": "priority",
            "from": PRIORITIES[old], "fromString": old, "to": PRIORITIES[new],
            "toString": new}  # fmt: skip


# --- SLA fields ---------------------------------------------------------------------------


def _segments(timeline: list[tuple[int, str]], start: int, stop: int | None,
              paused: frozenset[str], as_of: int) -> list[tuple[int, int]]:  # fmt: skip
    """Running intervals of a cycle from `start` to `stop` (or `as_of`)."""
    end = stop if stop is not None else as_of
    out = []
    for (at, status), (next_at, _) in zip(timeline, [*timeline[1:], (end, "")], strict=True):
        lo, hi = max(at, start), min(next_at, end)
        if hi > lo and status not in paused:
            out.append((lo, hi))
    return out


def _cycle(cal: BusinessCalendar, timeline: list[tuple[int, str]], start: int,
           stop: int | None, goal_minutes: int, paused: frozenset[str],
           as_of: int) -> dict[str, Any]:  # fmt: skip
    goal = goal_minutes * 60
    segments = _segments(timeline, start, stop, paused, as_of)
    elapsed = sum(cal.seconds_between(lo, hi) for lo, hi in segments)
    # the breach instant: when the running time reaches the goal (or would, from the end)
    breach_at = None
    done = 0
    for lo, hi in segments:
        part = cal.seconds_between(lo, hi)
        if done + part >= goal:
            breach_at = cal.add(lo, goal - done)
            break
        done += part
    if breach_at is None:
        resume = segments[-1][1] if segments else start
        breach_at = cal.add(cal.next_open(stop if stop is not None else resume), goal - done)
    cycle: dict[str, Any] = {"startTime": _date_object(start, as_of)}
    if stop is not None:
        cycle["stopTime"] = _date_object(stop, as_of)
    cycle["breachTime"] = _date_object(breach_at, as_of)
    cycle["breached"] = elapsed > goal
    if stop is None:
        current = timeline[-1][1]
        cycle["paused"] = current in paused
        cycle["withinCalendarHours"] = cal.is_open(as_of)
    cycle["goalDuration"] = _duration(goal * 1000)
    cycle["elapsedTime"] = _duration(elapsed * 1000)
    cycle["remainingTime"] = _duration((goal - elapsed) * 1000)
    return cycle


def sla_field(issue: Issue, name: str, sla_id: str, cycles: list[tuple[int, int | None]],
              goal: int, paused: frozenset[str], cal: BusinessCalendar,
              as_of: int) -> dict[str, Any]:  # fmt: skip
    timeline = issue.status_timeline(as_of)
    completed = [
        _cycle(cal, timeline, start, stop, goal, paused, as_of)
        for start, stop in cycles if stop is not None
    ]  # fmt: skip
    value: dict[str, Any] = {
        "id": sla_id,
        "name": name,
        "_links": {"self": f"{SITE}/rest/servicedeskapi/request/{issue.id}/sla/{sla_id}"},
        "completedCycles": completed,
    }
    if cycles and cycles[-1][1] is None:
        value["ongoingCycle"] = _cycle(cal, timeline, cycles[-1][0], None, goal, paused, as_of)
    value["slaDisplayFormat"] = "NEW_SLA_FORMAT"
    return value


def _cycles(issue: Issue, as_of: int) -> tuple[list, list]:  # type: ignore[type-arg]
    """(first response cycles, resolution cycles) as of `as_of`."""
    timeline = issue.status_timeline(as_of)
    stop = next((at for at, status in timeline[1:]
                 if status in ("In Progress", "Waiting for customer", "Resolved", "Canceled")),
                None)  # fmt: skip
    first_response: list[tuple[int, int | None]] = [(issue.created, stop)]
    resolution: list[tuple[int, int | None]] = []
    start: int | None = None
    for at, status in timeline:
        if status == "Waiting for approval":
            continue
        if status in _DONE:
            if start is not None:
                resolution.append((start, at))
                start = None
        elif start is None and not (resolution and status == "Closed"):
            start = at
    if start is not None:
        resolution.append((start, None))
    return first_response, resolution


# --- rendering ----------------------------------------------------------------------------


def _user(account: Account) -> dict[str, Any]:
    return {
        "self": f"{SITE}/rest/api/3/user?accountId={account.account_id}",
        "accountId": account.account_id,
        "displayName": account.name,
        "active": True,
        "timeZone": ZONE,
        "accountType": account.kind,
    }


def _status(name: str) -> dict[str, Any]:
    status_id, category = STATUSES[name]
    category_id, color, category_name = _CATEGORIES[category]
    return {
        "self": f"{SITE}/rest/api/3/status/{status_id}",
        "description": "",
        "iconUrl": f"{SITE}/images/icons/statuses/generic.png",
        "name": name,
        "id": status_id,
        "statusCategory": {
            "self": f"{SITE}/rest/api/3/statuscategory/{category_id}",
            "id": category_id,
            "key": category,
            "colorName": color,
            "name": category_name,
        },
    }


def issue_record(issue: Issue, as_of: int, cal: BusinessCalendar) -> dict[str, Any]:
    histories = [h for h in issue.histories if h.at <= as_of]
    timeline = issue.status_timeline(as_of)
    status = timeline[-1][1]
    priority = issue.priority
    resolution = None
    resolved_at = None
    assignee = None
    status_changed = issue.created
    for history in histories:
        for item in history.items:
            if item["field"] == "priority":
                priority = item["toString"]
            elif item["field"] == "resolution":
                resolution = item["toString"]
                resolved_at = history.at if resolution else None
            elif item["field"] == "assignee":
                assignee = Account(item["to"], item["toString"], "atlassian")
            elif item["field"] == "status":
                old_category = STATUSES[item["fromString"]][1]
                if STATUSES[item["toString"]][1] != old_category:
                    status_changed = history.at
    first_priority = _first_priority(issue)
    updated = histories[-1].at if histories else issue.created
    fields: dict[str, Any] = {
        "summary": issue.summary,
        "issuetype": {
            "self": f"{SITE}/rest/api/3/issuetype/{_issue_type_id(issue)}",
            "id": _issue_type_id(issue),
            "name": issue.issue_type,
            "subtask": False,
        },
        "project": {
            "self": f"{SITE}/rest/api/3/project/10010",
            "id": "10010",
            "key": "SUP",
            "name": "Acme Support (KR)",
            "projectTypeKey": "service_desk",
        },
        "status": _status(status),
        "priority": {
            "self": f"{SITE}/rest/api/3/priority/{PRIORITIES[priority]}",
            "name": priority,
            "id": PRIORITIES[priority],
        },
        "components": [
            {"self": f"{SITE}/rest/api/3/component/{cid}", "id": cid, "name": name}
            for cid, name in issue.components
        ],
        "labels": [],
        "created": jira_time(issue.created),
        "updated": jira_time(updated),
        "statuscategorychangedate": jira_time(status_changed),
        "resolution": None
        if resolution is None
        else {
            "self": f"{SITE}/rest/api/3/resolution/{_RESOLUTIONS[resolution]}",
            "id": _RESOLUTIONS[resolution],
            "description": "",
            "name": resolution,
        },
        "resolutiondate": jira_time(resolved_at) if resolved_at else None,
        "assignee": _user(assignee) if assignee else None,
        "reporter": _user(issue.reporter),
        "creator": _user(issue.reporter),
        "description": {
            "type": "doc",
            "version": 1,
            "content": [
                {
                    "type": "paragraph",
                    "content": [
                        {"type": "text", "text": "Synthetic sample request: " + issue.summary + "."}
                    ],
                }
            ],
        },
        REQUEST_TYPE_FIELD: None,
        TTFR_FIELD: None,
        TTR_FIELD: None,
    }
    if issue.request_type:
        type_id = _REQUEST_TYPES[issue.request_type][0]
        fields[REQUEST_TYPE_FIELD] = {
            "_links": {"jiraRest": f"{SITE}/rest/api/2/issue/{issue.id}",
                       "web": f"{SITE}/servicedesk/customer/portal/1/{issue.key}"},
            "requestType": {"id": type_id, "name": issue.request_type, "serviceDeskId": "1",
                            "portalId": "1", "groupIds": ["1"],
                            "issueTypeId": _issue_type_id(issue)},
            "currentStatus": {"status": status,
                              "statusCategory": STATUSES[status][1].upper(),
                              "statusDate": _date_object(timeline[-1][0], as_of)},
        }  # fmt: skip
        first_response, resolution_cycles = _cycles(issue, as_of)
        fields[TTFR_FIELD] = sla_field(
            issue,
            "Time to first response",
            "2",
            first_response,
            TTFR_GOALS[first_priority],
            frozenset(),
            cal,
            as_of,
        )
        fields[TTR_FIELD] = sla_field(
            issue,
            "Time to resolution",
            "1",
            resolution_cycles,
            TTR_GOALS[first_priority],
            TTR_PAUSED,
            cal,
            as_of,
        )
    return {
        "expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
        "id": str(issue.id),
        "self": f"{SITE}/rest/api/3/issue/{issue.id}",
        "key": issue.key,
        "changelog": {
            "startAt": 0,
            "maxResults": len(histories),
            "total": len(histories),
            "histories": [
                {
                    "id": str(h.id),
                    "author": _user(h.author),
                    "created": jira_time(h.at),
                    "items": h.items,
                }
                for h in histories
            ],
        },
        "fields": fields,
    }


def _first_priority(issue: Issue) -> str:
    for history in issue.histories:
        for item in history.items:
            if item["field"] == "priority":
                return item["fromString"]
    return issue.priority


def _issue_type_id(issue: Issue) -> str:
    if issue.issue_type == "Problem":
        return "10006"
    return _REQUEST_TYPES[issue.request_type][2]


# an access request raised at 10:00 Seoul time on 30 June whose approver never answers:
# its "Time to resolution" has not started at the last export
PLANTED_AWAITING_APPROVAL = local_epoch(date(2026, 6, 30), 10 * _HOUR, ZONE)


def simulate_issues(support: Support, rng: random.Random, scale: float = 1.0) -> list[Issue]:
    sim = _Simulator(support, rng, scale)
    seeds = sim.seeds(max(20, round(ISSUES_PER_SCALE * scale)))
    planted_service = support.services.get("auth")
    seeds.append((PLANTED_AWAITING_APPROVAL, planted_service, None))
    seeds.sort(key=lambda seed: (seed[0], seed[1].service_id if seed[1] else ""))
    return [sim.issue(number, at, service, signal, planted=at == PLANTED_AWAITING_APPROVAL)
            for number, (at, service, signal) in enumerate(seeds)]  # fmt: skip


def write_jira(support: Support, out_dir: Path, rng: random.Random, scale: float = 1.0) -> dict:
    """Simulate the JSM issues and write the monthly search exports; records per folder."""
    issues = simulate_issues(support, rng, scale)
    cal = seoul_calendar()
    folder = out_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for label, since, until, export_at in monthly_exports():
        selected = []
        for issue in issues:
            if issue.created >= until:
                continue
            histories = [h.at for h in issue.histories if h.at <= export_at]
            updated = histories[-1] if histories else issue.created
            if updated >= since:
                selected.append((updated, issue.id, issue))
        selected.sort(key=lambda entry: (entry[0], entry[1]))
        records = [issue_record(issue, export_at, cal) for _, _, issue in selected]
        pages = max(1, -(-len(records) // PAGE_SIZE))
        for page in range(pages):
            chunk = records[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            if label < NEW_SEARCH_FROM:
                payload: dict[str, Any] = {"expand": "schema,names", "startAt": page * PAGE_SIZE,
                                           "maxResults": PAGE_SIZE, "total": len(records),
                                           "issues": chunk}  # fmt: skip
            else:
                payload = {"issues": chunk}
                if page + 1 < pages:
                    payload["nextPageToken"] = _token(rng, label, page)
                payload["isLast"] = page + 1 == pages
            (folder / f"issues_{label}_p{page + 1:03d}.json").write_text(
                dumps(payload) + "\n", encoding="utf-8"
            )
        written += len(records)
    return {FOLDER: written}


def _token(rng: random.Random, label: str, page: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(48))
