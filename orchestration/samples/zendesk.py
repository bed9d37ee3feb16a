"""Zendesk Support sample exports (source-exports.md §3, §7) from the simulated tickets.

Under `zendesk/` in the landing folder:

* `tickets/tickets_<run date>_pNNN.json` - cursor-based incremental exports
  (`/api/v2/incremental/tickets/cursor.json?start_time=<previous run>`), run weekly on
  Mondays at 01:00 UTC and once more at 01:00 on 1 July: `{"tickets", "after_cursor",
  "after_url", "before_cursor", "before_url", "end_of_stream"}`, up to 1,000 tickets a
  page in `generated_timestamp` order. A ticket that changed since the previous run is
  exported again in its current state, so most tickets appear in several runs with
  newer versions; `generated_timestamp` (epoch seconds) also moves when an SLA breaches
  without any visible update (`updated_at` unchanged).
* `ticket_metric_events/ticket_metric_events_<run date>_pNNN.json` - the time-based
  incremental export (`{"ticket_metric_events", "next_page", "count", "end_time"}`) of
  the events whose `time` falls in the run's window, same weekly runs.
* `ticket_audits/ticket_audits_<YYYY-MM>_pNNN.json` - the audits created in a month
  (and the first 30 minutes of the next: consecutive files overlap), cursor pages
  `{"audits", "after_cursor", "after_url", "before_cursor", "before_url"}`.
* `ticket_metrics/ticket_metrics_<YYYY-MM>_pNNN.json` and
  `satisfaction_ratings/satisfaction_ratings_<YYYY-MM>_pNNN.json` - monthly exports at
  00:30 on the 1st of the next month with a one-month look-back (tickets updated /
  ratings created since the start of the month before), offset pages of 100
  (`next_page`, `previous_page`, `count`): a rating offered in one export shows up
  answered, with a newer `updated_at`, in the next.
* `sla_policies/`, `schedules/` - the current configuration (one page each);
  `holidays/schedule-<id>_holidays.json` - `/schedules/{id}/holidays` per schedule
  (the schedule id is only in the file name).
* `organizations/`, `groups/`, `users/` - snapshots at 00:30 on 1 January and at the
  end (`<name>_<YYYY-MM-DD>_pNNN.json`): organizations created since, and the tier tag
  that changed with a contract, appear only in the later one.

Times are ISO-8601 UTC (`2026-01-05T08:15:30Z`); every comment body is synthetic text.
"""

from __future__ import annotations

import base64
import bisect
import calendar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.samples.business_hours import BusinessCalendar
from orchestration.samples.jsontext import n, page_text, q, strings, ts
from orchestration.samples.render import monthly_exports, write_json
from orchestration.samples.support import (
    ZENDESK_API,
    Group,
    Organization,
    Support,
    ZendeskUser,
)
from orchestration.samples.tickets import (
    FINAL_EXPORT_AT,
    SOLVED,
    SYSTEM_AUTHOR,
    Action,
    MetricEvent,
    Ticket,
)
from orchestration.samples.world import PERIOD_START, iso_z

FOLDER = "zendesk"
TICKETS = f"{FOLDER}/tickets"
METRICS = f"{FOLDER}/ticket_metrics"
METRIC_EVENTS = f"{FOLDER}/ticket_metric_events"
AUDITS = f"{FOLDER}/ticket_audits"
RATINGS = f"{FOLDER}/satisfaction_ratings"
POLICIES = f"{FOLDER}/sla_policies"
SCHEDULES = f"{FOLDER}/schedules"
HOLIDAYS = f"{FOLDER}/holidays"
ORGANIZATIONS = f"{FOLDER}/organizations"
GROUPS = f"{FOLDER}/groups"
USERS = f"{FOLDER}/users"

CURSOR_PAGE = 1000
OFFSET_PAGE = 100
BRAND_ID = 360000011111
_CUSTOM_STATUS = {"new": 1, "open": 2, "pending": 3, "hold": 4, "solved": 5, "closed": 6}
_AUDIT_BASE = 2_127_300_000_000
_EVENT_BASE = 1_564_200_000_000
_COMMENT_BASE = 3_900_000_000_000
_METRIC_BASE = 6_100_000_000
_METRIC_EVENT_BASE = 4_013_800_000_000
SNAPSHOTS = (PERIOD_START + 30 * 60, FINAL_EXPORT_AT)


def incremental_runs() -> list[int]:
    """Weekly runs (Mondays 01:00 UTC) from 5 January, and the final one on 1 July."""
    runs = []
    at = calendar.timegm((2026, 1, 5, 1, 0, 0))
    while at < FINAL_EXPORT_AT:
        runs.append(at)
        at += 7 * 86400
    runs.append(FINAL_EXPORT_AT)
    return runs


def _date(epoch: int) -> str:
    return iso_z(epoch)[:10]


def _month(epoch: int) -> str:
    return iso_z(epoch)[:7]


def _via(action: Action) -> dict[str, Any]:
    if action.rule is not None:
        rule_id, title = action.rule
        return {
            "channel": "rule",
            "source": {"to": {}, "from": {"id": rule_id, "title": title}, "rel": "automation"},
        }
    return {"channel": action.channel, "source": {"from": {}, "to": {}, "rel": None}}


@dataclass
class _State:
    """A ticket's fields after one of its actions."""

    status: str
    priority: str | None
    group_id: int
    assignee_id: int | None
    tags: list[str]
    satisfaction: str


class _TicketView:
    """Fast "as of" access to one ticket's history."""

    def __init__(self, ticket: Ticket) -> None:
        self.ticket = ticket
        self.times = [action.at for action in ticket.actions]
        states = []
        state = _State("new", ticket.priority, ticket.group.id, None, list(ticket.tags),
                       "unoffered")  # fmt: skip
        for action in ticket.actions:
            changes = action.changes
            if changes:
                state = _State(
                    changes.get("status", state.status),
                    changes.get("priority", state.priority),
                    changes.get("group_id", state.group_id),
                    changes.get("assignee_id", state.assignee_id),
                    changes.get("tags", state.tags),
                    changes.get("satisfaction_score", state.satisfaction),
                )
            states.append(state)
        self.states = states
        breaches = [e.time for e in ticket.events if e.type == "breach" and e.deleted is False]
        self.stamps = sorted(self.times + breaches)

    def index(self, as_of: int) -> int:
        return bisect.bisect_right(self.times, as_of) - 1

    def generated(self, as_of: int) -> int:
        return self.stamps[bisect.bisect_right(self.stamps, as_of) - 1]


_VIA = {
    channel: f'{{"channel":"{channel}","source":{{"from":{{}},"to":{{}},"rel":null}}}}'
    for channel in ("web", "email", "chat", "api", "voice", "mobile")
}
_CUSTOM_FIELDS = '[{"id":360005550001,"value":null},{"id":360005550002,"value":false}]'
_RULE_VIA: dict[tuple[int, str], str] = {}


def _via(action: Action) -> str:
    if action.rule is not None:
        text = _RULE_VIA.get(action.rule)
        if text is None:
            rule_id, title = action.rule
            text = _RULE_VIA[action.rule] = (
                f'{{"channel":"rule","source":{{"to":{{}},"from":{{"id":{rule_id},"title":'
                f'{q(title)}}},"rel":"automation"}}}}'
            )
        return text
    return _VIA[action.channel]


def _satisfaction(ticket: Ticket, as_of: int) -> str:
    rating = ticket.rating
    if rating is None or rating.created_at > as_of:
        return '{"score":"unoffered"}'
    score = rating.score_at(as_of)
    if score in ("offered", "unoffered"):
        return f'{{"score":"{score}"}}'
    text = f'{{"id":{rating.id},"score":"{score}","comment":{q(rating.comment)}'
    if score == "bad" and rating.reason is not None:
        text += f',"reason":{q(rating.reason[1])},"reason_id":{360000200000 + rating.reason[0]}'
    return text + "}"


def ticket_text(view: _TicketView, as_of: int, problem_incidents: dict[int, int]) -> str:
    """The ticket as the incremental export shows it at `as_of` (JSON text)."""
    ticket = view.ticket
    index = view.index(as_of)
    state = view.states[index]
    first_incident = problem_incidents.get(ticket.id)
    has_incidents = first_incident is not None and first_incident <= as_of
    org = ticket.organization
    problem = ticket.problem
    recipient = '"support@acme.example.com"' if ticket.channel == "email" else "null"
    return (
        f'{{"url":"{ZENDESK_API}/tickets/{ticket.id}.json","id":{ticket.id},'
        f'"external_id":null,"via":{_VIA[ticket.channel]},"created_at":{ts(ticket.created_at)},'
        f'"updated_at":{ts(view.times[index])},"generated_timestamp":{view.generated(as_of)},'
        f'"type":{q(ticket.type)},"subject":{q(ticket.subject)},"raw_subject":{q(ticket.subject)},'
        f'"description":{q(ticket.actions[0].comment or "")},"priority":{q(state.priority)},'
        f'"status":"{state.status}","recipient":{recipient},'
        f'"requester_id":{ticket.requester.id},"submitter_id":{ticket.submitter.id},'
        f'"assignee_id":{n(state.assignee_id)},"organization_id":{n(org.id if org else None)},'
        f'"group_id":{state.group_id},"collaborator_ids":[],"follower_ids":[],'
        f'"email_cc_ids":[],"forum_topic_id":null,'
        f'"problem_id":{n(problem.id if problem is not None else None)},'
        f'"has_incidents":{n(has_incidents)},"is_public":true,"due_at":null,'
        f'"tags":{strings(state.tags)},"custom_fields":{_CUSTOM_FIELDS},'
        f'"satisfaction_rating":{_satisfaction(ticket, as_of)},"sharing_agreement_ids":[],'
        f'"custom_status_id":{_CUSTOM_STATUS[state.status]},"fields":{_CUSTOM_FIELDS},'
        f'"followup_ids":[],"ticket_form_id":{ticket.form_id},"brand_id":{BRAND_ID},'
        f'"allow_channelback":false,"allow_attachments":true,'
        f'"from_messaging_channel":{n(ticket.channel == "chat")}}}'
    )


def _minutes(seconds: int | None, business: int | None) -> str:
    if seconds is None:
        return '{"calendar":null,"business":null}'
    return f'{{"calendar":{seconds // 60},"business":{(business or 0) // 60}}}'


def metrics_text(view: _TicketView, as_of: int, cal: BusinessCalendar, metric_id: int) -> str:
    """`/api/v2/ticket_metrics` record of the ticket as of `as_of`, from its history."""
    ticket = view.ticket
    index = view.index(as_of)
    actions = ticket.actions[: index + 1]
    states = view.states[: index + 1]
    created = ticket.created_at
    requester_id = ticket.requester.id
    first_reply = None
    replies = reopens = 0
    solves: list[int] = []
    groups: set[int] = set()
    assignees: set[int] = set()
    assigned_at = initially_assigned = None
    status_at = comment_at = requester_at = created
    previous = "new"
    timeline = []
    first_action = actions[0]
    for action, state in zip(actions, states, strict=True):
        changes = action.changes
        author = action.author_id
        if action.comment is not None and not action.rating:
            comment_at = action.at
            if (action.public and author != requester_id and author != SYSTEM_AUTHOR
                    and action is not first_action):  # fmt: skip
                replies += 1
                if first_reply is None:
                    first_reply = action.at
        if author == requester_id:
            requester_at = action.at
        status = changes.get("status")
        if status is not None:
            status_at = action.at
            timeline.append((action.at, status))
            if status == "solved":
                solves.append(action.at)
            elif status == "open" and previous == "solved":
                reopens += 1
            previous = status
        groups.add(state.group_id)
        assignee = changes.get("assignee_id")
        if assignee is not None:
            assigned_at = action.at
            if initially_assigned is None:
                initially_assigned = action.at
            assignees.add(assignee)
    if ticket.proactive:
        first_reply = None
    current = states[-1]
    assignee_at = None
    for action in actions:
        if action.author_id == current.assignee_id:
            assignee_at = action.at
    solved = current.status in SOLVED and bool(solves)
    pending = [0, 0]
    requester_wait = [0, 0]
    hold = [0, 0]
    if solved:
        last_solve = solves[-1]
        ends = [at for at, _ in timeline[1:]] + [last_solve]
        for (start, status), end in zip(timeline, ends, strict=True):
            end = min(end, last_solve)
            if end <= start:
                continue
            calendar_seconds = end - start
            business_seconds = cal.seconds_between(start, end)
            if status == "pending":
                pending[0] += calendar_seconds
                pending[1] += business_seconds
            elif status in ("new", "open", "hold"):
                requester_wait[0] += calendar_seconds
                requester_wait[1] += business_seconds
                if status == "hold":
                    hold[0] += calendar_seconds
                    hold[1] += business_seconds

    def span(end: int | None) -> str:
        if end is None:
            return _minutes(None, None)
        return _minutes(end - created, cal.seconds_between(created, end))

    def wait(values: list[int]) -> str:
        return _minutes(values[0], values[1]) if solved else _minutes(None, None)

    chat_seconds = first_reply - created if first_reply and ticket.channel == "chat" else None
    return (
        f'{{"url":"{ZENDESK_API}/ticket_metrics/{metric_id}.json","id":{metric_id},'
        f'"ticket_id":{ticket.id},"created_at":{ts(created)},"updated_at":{ts(actions[-1].at)},'
        f'"group_stations":{len(groups)},"assignee_stations":{len(assignees)},'
        f'"reopens":{reopens},"replies":{replies},"assignee_updated_at":{ts(assignee_at)},'
        f'"requester_updated_at":{ts(requester_at)},"status_updated_at":{ts(status_at)},'
        f'"initially_assigned_at":{ts(initially_assigned)},"assigned_at":{ts(assigned_at)},'
        f'"solved_at":{ts(solves[-1] if solved else None)},'
        f'"latest_comment_added_at":{ts(comment_at)},"custom_status_updated_at":{ts(status_at)},'
        f'"reply_time_in_minutes":{span(first_reply)},'
        f'"reply_time_in_seconds":{{"calendar":{n(chat_seconds)}}},'
        f'"first_resolution_time_in_minutes":{span(solves[0] if solves else None)},'
        f'"full_resolution_time_in_minutes":{span(solves[-1] if solved else None)},'
        f'"agent_wait_time_in_minutes":{wait(pending)},'
        f'"requester_wait_time_in_minutes":{wait(requester_wait)},'
        f'"on_hold_time_in_minutes":{wait(hold)}}}'
    )


_FIELDS = ("status", "priority", "group_id", "assignee_id", "tags", "satisfaction_score")


def _value(value: Any) -> str:
    if isinstance(value, list):
        return strings(value)
    if isinstance(value, int):
        return f'"{value}"'  # audits carry ids as strings
    return q(value)


def audit_text(ticket: Ticket, action: Action, before: _State | None, after: _State) -> str:
    audit_id = _AUDIT_BASE + action.seq * 7
    events: list[str] = []
    event_id = _EVENT_BASE + action.seq * 20
    if action.comment is not None and not action.rating:
        body = q(action.comment)
        html = q(f'<div class="zd-comment" dir="auto"><p dir="auto">{action.comment}</p></div>')
        events.append(
            f'{{"id":{_COMMENT_BASE + action.seq},"type":"Comment","author_id":{action.author_id},'
            f'"body":{body},"html_body":{html},"plain_body":{body},'
            f'"public":{n(action.public)},"attachments":[],"audit_id":{audit_id}}}'
        )
    for name, value in action.changes.items():
        event_id += 1
        if before is None:
            events.append(f'{{"id":{event_id},"type":"Create","value":{_value(value)},'
                          f'"field_name":"{name}"}}')  # fmt: skip
            continue
        old = (before.status, before.priority, before.group_id, before.assignee_id,
               before.tags, before.satisfaction)[_FIELDS.index(name)]  # fmt: skip
        events.append(f'{{"id":{event_id},"type":"Change","value":{_value(value)},'
                      f'"field_name":"{name}","previous_value":{_value(old)}}}')  # fmt: skip
    if action.rating:
        rating = ticket.rating
        assert rating is not None
        events.append(
            f'{{"id":{event_id + 1},"type":"SatisfactionRating","score":"{rating.score}",'
            f'"assignee_id":{n(after.assignee_id)},"body":{q(rating.comment or "")}}}'
        )
    if action.author_id != SYSTEM_AUTHOR:
        metadata = (
            '{"system":{"client":"Synthetic sample client/1.0","ip_address":'
            f'"192.0.2.{action.seq % 250 + 1}","location":"Sample City"}},"custom":{{}}}}'
        )
    else:
        metadata = '{"system":{},"custom":{}}'
    return (
        f'{{"id":{audit_id},"ticket_id":{ticket.id},"created_at":{ts(action.at)},'
        f'"author_id":{action.author_id},"metadata":{metadata},"via":{_via(action)},'
        f'"events":[{",".join(events)}]}}'
    )


def metric_event_text(ticket_id: int, event: MetricEvent, event_id: int) -> str:
    text = (
        f'{{"id":{event_id},"ticket_id":{ticket_id},"metric":"{event.metric}",'
        f'"instance_id":{event.instance_id},"type":"{event.type}","time":{ts(event.time)},'
        f'"deleted":{n(bool(event.deleted))}'
    )
    if event.sla is not None:
        policy, target, business = event.sla
        text += (
            f',"sla":{{"target":{target},"business_hours":{n(business)},"policy":{{"id":'
            f'{policy.id},"title":{q(policy.title)},"description":{q(policy.description)}}},'
            f'"target_in_seconds":{target * 60}}}'
        )
    if event.status is not None:
        text += f',"status":{{"calendar":{event.status[0]},"business":{event.status[1]}}}'
    return text + "}"


_NO_REASON = "No reason provided"


def rating_text(ticket: Ticket, as_of: int, assignee_id: int | None, group_id: int) -> str:
    rating = ticket.rating
    assert rating is not None
    score = rating.score_at(as_of)
    reason = rating.reason if score == "bad" else None
    answered = score in ("good", "bad")
    return (
        f'{{"url":"{ZENDESK_API}/satisfaction_ratings/{rating.id}.json","id":{rating.id},'
        f'"assignee_id":{n(assignee_id)},"group_id":{group_id},'
        f'"requester_id":{ticket.requester.id},"ticket_id":{ticket.id},"score":"{score}",'
        f'"created_at":{ts(rating.created_at)},"updated_at":{ts(rating.updated_at(as_of))},'
        f'"comment":{q(rating.comment if answered else None)},'
        f'"reason":{q(reason[1] if reason else (_NO_REASON if score == "bad" else None))},'
        f'"reason_id":{n(360000200000 + reason[0] if reason else None)},'
        f'"reason_code":{n(reason[0] if reason else (0 if score == "bad" else None))}}}'
    )


# --- configuration and people ---------------------------------------------------------------


def _user_record(user: ZendeskUser, as_of: int) -> dict[str, Any]:
    agent = user.role != "end-user"
    login = user.last_login_at if user.last_login_at and user.last_login_at <= as_of else None
    return {
        "id": user.id,
        "url": f"{ZENDESK_API}/users/{user.id}.json",
        "name": user.name,
        "email": user.email,
        "created_at": iso_z(user.created_at),
        "updated_at": iso_z(max(user.created_at, login or 0)),
        "time_zone": user.region.rails,
        "iana_time_zone": user.region.iana,
        "phone": user.phone,
        "shared_phone_number": None,
        "photo": None,
        "locale_id": 1,
        "locale": "en-US",
        "organization_id": user.organization_id,
        "role": user.role,
        "verified": True,
        "external_id": None,
        "tags": [],
        "alias": None,
        "active": True,
        "shared": False,
        "shared_agent": False,
        "last_login_at": iso_z(login) if login else None,
        "two_factor_auth_enabled": None,
        "signature": None,
        "details": "",
        "notes": "",
        "role_type": 4 if user.role == "admin" else None,
        "custom_role_id": None,
        "moderator": agent,
        "ticket_restriction": None if agent else "requested",
        "only_private_comments": False,
        "restricted_agent": False,
        "suspended": False,
        "default_group_id": user.default_group_id,
        "report_csv": agent,
        "user_fields": {},
    }


def _organization_record(org: Organization, as_of: int) -> dict[str, Any]:
    return {
        "url": f"{ZENDESK_API}/organizations/{org.id}.json",
        "id": org.id,
        "name": org.name,
        "shared_tickets": False,
        "shared_comments": False,
        "external_id": org.external_id,
        "created_at": iso_z(org.created_at),
        "updated_at": iso_z(org.updated_at(as_of)),
        "domain_names": [org.domain],
        "details": "",
        "notes": "",
        "group_id": None,
        "tags": list(org.tags_at(as_of)),
        "organization_fields": {},
    }


def _group_record(group: Group) -> dict[str, Any]:
    return {
        "url": f"{ZENDESK_API}/groups/{group.id}.json",
        "id": group.id,
        "is_public": True,
        "name": group.name,
        "description": f"Tier {group.tier} support ({group.schedule.name})",
        "default": group.tier == 1 and group.queue == "emea",
        "deleted": group.deleted,
        "created_at": iso_z(group.created_at),
        "updated_at": iso_z(group.updated_at),
    }


def _offset_envelope(key: str, page: int, pages: int, count: int) -> dict[str, Any]:
    return {
        key: None,
        "next_page": f"{ZENDESK_API}/{key}.json?page={page + 2}" if page + 1 < pages else None,
        "previous_page": f"{ZENDESK_API}/{key}.json?page={page}" if page else None,
        "count": count,
    }


def _write_offset_pages(folder: Path, stem: str, key: str, texts: list[str],
                        size: int = OFFSET_PAGE) -> int:  # fmt: skip
    pages = max(1, -(-len(texts) // size))
    for page in range(pages):
        _write_page(folder / f"{stem}_p{page + 1:03d}.json",
                    _offset_envelope(key, page, pages, len(texts)), key,
                    texts[page * size : (page + 1) * size])  # fmt: skip
    return len(texts)


def _write_setup(support: Support, out_dir: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    folder = out_dir / POLICIES
    folder.mkdir(parents=True, exist_ok=True)
    policies = []
    exclude = {"field": "current_tags", "operator": "not_includes", "value": "proactive internal"}
    for policy in support.policies:
        conditions = [exclude]
        if policy.tier_tag is not None:
            conditions.insert(0, {"field": "current_tags", "operator": "includes",
                                  "value": policy.tier_tag})  # fmt: skip
        metrics = [
            {"priority": priority, "metric": metric, "target": target, "business_hours": business}
            for metric, by_priority in policy.targets.items()
            for priority, (target, business) in by_priority.items()
        ]
        policies.append({
            "url": f"{ZENDESK_API}/slas/policies/{policy.id}.json",
            "id": policy.id, "title": policy.title, "description": policy.description,
            "position": policy.position, "filter": {"all": conditions, "any": []},
            "policy_metrics": metrics,
            "created_at": iso_z(policy.created_at), "updated_at": iso_z(policy.updated_at),
        })  # fmt: skip
    # The account's setup is exported with each snapshot of its people (SNAPSHOTS), as a
    # team that syncs its configuration does: unchanged since 2025, the same both times.
    for as_of in SNAPSHOTS:
        write_json(folder / f"sla_policies_{_date(as_of)}.json",
                   {"sla_policies": policies, "next_page": None, "previous_page": None,
                    "count": len(policies)})  # fmt: skip
    counts[POLICIES] = len(policies) * len(SNAPSHOTS)

    folder = out_dir / SCHEDULES
    folder.mkdir(parents=True, exist_ok=True)
    schedules = [
        {
            "id": schedule.id, "name": schedule.name, "time_zone": schedule.region.rails,
            "intervals": [{"start_time": s, "end_time": e} for s, e in schedule.intervals],
            "created_at": iso_z(schedule.created_at), "updated_at": iso_z(schedule.updated_at),
        }
        for schedule in sorted(support.schedules, key=lambda s: s.id)
    ]  # fmt: skip
    for as_of in SNAPSHOTS:
        write_json(folder / f"schedules_{_date(as_of)}.json", {"schedules": schedules})
    counts[SCHEDULES] = len(schedules) * len(SNAPSHOTS)

    folder = out_dir / HOLIDAYS
    folder.mkdir(parents=True, exist_ok=True)
    holidays = 0
    for schedule in support.schedules:
        records = [
            {"id": h.id, "name": h.name, "start_date": h.start_date.isoformat(),
             "end_date": h.end_date.isoformat()}
            for h in schedule.holidays
        ]  # fmt: skip
        write_json(folder / f"schedule-{schedule.id}_holidays.json", {"holidays": records})
        holidays += len(records)
    counts[HOLIDAYS] = holidays

    people = sorted(support.agents + support.admins + support.end_users, key=lambda u: u.id)
    groups = sorted(support.groups, key=lambda g: g.id)
    for key, folder_name in (("organizations", ORGANIZATIONS), ("groups", GROUPS),
                             ("users", USERS)):  # fmt: skip
        folder = out_dir / folder_name
        folder.mkdir(parents=True, exist_ok=True)
        total = 0
        for as_of in SNAPSHOTS:
            if key == "organizations":
                records = [_organization_record(org, as_of) for org in support.organizations
                           if org.created_at <= as_of]  # fmt: skip
            elif key == "groups":
                records = [_group_record(group) for group in groups]
            else:
                records = [_user_record(u, as_of) for u in people if u.created_at <= as_of]
            pages = max(1, -(-len(records) // OFFSET_PAGE))
            for page in range(pages):
                envelope = _offset_envelope(key, page, pages, len(records))
                envelope[key] = records[page * OFFSET_PAGE : (page + 1) * OFFSET_PAGE]
                write_json(folder / f"{key}_{_date(as_of)}_p{page + 1:03d}.json", envelope)
            total += len(records)
        counts[folder_name] = total
    return counts


# --- the exports ----------------------------------------------------------------------------


def _cursor(stamp: int, ticket_id: int) -> str:
    return base64.b64encode(f"{stamp}.0||{ticket_id}|".encode()).decode()


def _write_page(path: Path, envelope: dict[str, Any], key: str, texts: list[str]) -> None:
    path.write_text(page_text(envelope, key, texts), encoding="utf-8")


def write_zendesk(support: Support, tickets: list[Ticket], out_dir: Path) -> dict[str, int]:
    """Write every Zendesk folder; return {folder: records written}."""
    counts = _write_setup(support, out_dir)
    cal = support.default_schedule.calendar
    views = [_TicketView(ticket) for ticket in tickets]
    problem_incidents: dict[int, int] = {}
    for ticket in tickets:
        if ticket.problem is not None:
            first = problem_incidents.get(ticket.problem.id)
            if first is None or ticket.created_at < first:
                problem_incidents[ticket.problem.id] = ticket.created_at
    runs = incremental_runs()
    counts[TICKETS] = _write_tickets(out_dir, views, runs, problem_incidents)
    counts[METRIC_EVENTS] = _write_metric_events(out_dir, tickets, runs)
    counts[AUDITS] = _write_audits(out_dir, views)
    counts.update(_write_monthly(out_dir, views, cal))
    return counts


def _write_tickets(out_dir: Path, views: list[_TicketView], runs: list[int],
                   problem_incidents: dict[int, int]) -> int:  # fmt: skip
    """One version per run in which the ticket changed, in generated_timestamp order."""
    per_run: list[list[tuple[int, int, _TicketView]]] = [[] for _ in runs]
    last_run = len(runs)
    for view in views:
        previous = -1
        for stamp in view.stamps:
            run = bisect.bisect_right(runs, stamp)
            if run != previous and run < last_run:
                previous = run
                per_run[run].append((view.generated(runs[run]), view.ticket.id, view))
    folder = out_dir / TICKETS
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    url = f"{ZENDESK_API}/incremental/tickets/cursor.json?cursor="
    for run, entries in zip(runs, per_run, strict=True):
        entries.sort(key=lambda entry: (entry[0], entry[1]))
        pages = max(1, -(-len(entries) // CURSOR_PAGE))
        before = None
        for page in range(pages):
            chunk = entries[page * CURSOR_PAGE : (page + 1) * CURSOR_PAGE]
            texts = [ticket_text(view, run, problem_incidents) for _, _, view in chunk]
            after = _cursor(chunk[-1][0], chunk[-1][1]) if chunk else _cursor(run, 0)
            envelope = {
                "tickets": None,
                "after_url": url + after,
                "after_cursor": after,
                "before_url": url + before if before else None,
                "before_cursor": before,
                "end_of_stream": page == pages - 1,
            }
            _write_page(folder / f"tickets_{_date(run)}_p{page + 1:03d}.json", envelope,
                        "tickets", texts)  # fmt: skip
            before = _cursor(chunk[0][0], chunk[0][1]) if chunk else None
        written += len(entries)
    return written


def _write_metric_events(out_dir: Path, tickets: list[Ticket], runs: list[int]) -> int:
    """Each event in the run whose window holds its `time`, chronological."""
    folder = out_dir / METRIC_EVENTS
    folder.mkdir(parents=True, exist_ok=True)
    by_run: list[list[tuple[int, int, int, MetricEvent]]] = [[] for _ in runs]
    last_run = len(runs)
    for number, ticket in enumerate(tickets):
        base = _METRIC_EVENT_BASE + number * 1000
        for index, event in enumerate(ticket.events):
            run = bisect.bisect_right(runs, event.time)
            if run < last_run:
                by_run[run].append((event.time, base + index, ticket.id, event))
    written = 0
    for run, entries in zip(runs, by_run, strict=True):
        entries.sort(key=lambda entry: (entry[0], entry[1]))
        pages = max(1, -(-len(entries) // CURSOR_PAGE))
        for page in range(pages):
            chunk = entries[page * CURSOR_PAGE : (page + 1) * CURSOR_PAGE]
            texts = [metric_event_text(ticket_id, event, event_id)
                     for _, event_id, ticket_id, event in chunk]  # fmt: skip
            more = page + 1 < pages
            end_time = chunk[-1][0] if more else run
            envelope = {
                "ticket_metric_events": None,
                "next_page": f"{ZENDESK_API}/incremental/ticket_metric_events.json?start_time="
                f"{end_time}"
                if more
                else None,
                "count": len(chunk),
                "end_time": end_time,
            }
            _write_page(folder / f"ticket_metric_events_{_date(run)}_p{page + 1:03d}.json",
                        envelope, "ticket_metric_events", texts)  # fmt: skip
        written += len(entries)
    return written


def _write_audits(out_dir: Path, views: list[_TicketView]) -> int:
    """The audits created in each month and the first 30 minutes of the next."""
    folder = out_dir / AUDITS
    folder.mkdir(parents=True, exist_ok=True)
    audits: list[tuple[int, int, Ticket, Action, _State | None, _State]] = []
    for view in views:
        ticket = view.ticket
        previous = None
        for action, state in zip(ticket.actions, view.states, strict=True):
            if action.at <= FINAL_EXPORT_AT:
                audits.append((action.at, action.seq, ticket, action, previous, state))
            previous = state
    audits.sort(key=lambda entry: (entry[0], entry[1]))
    stamps = [entry[0] for entry in audits]
    texts: dict[int, str] = {}
    written = 0
    url = f"{ZENDESK_API}/ticket_audits.json?page[size]={CURSOR_PAGE}"
    for label, _since, until, _export_at in monthly_exports():
        month_start = calendar.timegm((int(label[:4]), int(label[5:]), 1, 0, 0, 0))
        low = bisect.bisect_left(stamps, month_start)
        high = bisect.bisect_left(stamps, until + 30 * 60)
        selected = audits[low:high]
        pages = max(1, -(-len(selected) // CURSOR_PAGE))
        for page in range(pages):
            chunk = selected[page * CURSOR_PAGE : (page + 1) * CURSOR_PAGE]
            page_texts = []
            for _, seq, ticket, action, before, after in chunk:
                text = texts.get(seq)
                if text is None:
                    text = audit_text(ticket, action, before, after)
                    if action.at >= until:
                        texts[seq] = text  # also in the next month's file
                page_texts.append(text)
            more = page + 1 < pages
            last = _audit_cursor(chunk[-1][1]) if chunk else None
            first = _audit_cursor(chunk[0][1]) if chunk else None
            envelope = {
                "audits": None,
                "after_cursor": last if more else None,
                "after_url": f"{url}&page[after]={last}" if more else None,
                "before_cursor": first,
                "before_url": f"{url}&page[before]={first}" if first else None,
            }
            _write_page(folder / f"ticket_audits_{label}_p{page + 1:03d}.json", envelope,
                        "audits", page_texts)  # fmt: skip
        written += len(selected)
    return written


def _audit_cursor(seq: int) -> str:
    return base64.b64encode(f"audit:{_AUDIT_BASE + seq * 7}".encode()).decode()


def _write_monthly(out_dir: Path, views: list[_TicketView], cal: BusinessCalendar) -> dict:
    """Ticket metrics of the tickets updated in the month, and the satisfaction ratings
    created or answered in it, as they stand at 00:30 on the 1st of the next month."""
    metrics_folder = out_dir / METRICS
    metrics_folder.mkdir(parents=True, exist_ok=True)
    ratings_folder = out_dir / RATINGS
    ratings_folder.mkdir(parents=True, exist_ok=True)
    metrics_written = ratings_written = 0
    for label, _since, until, export_at in monthly_exports():
        month_start = calendar.timegm((int(label[:4]), int(label[5:]), 1, 0, 0, 0))
        metrics = []
        ratings = []
        for number, view in enumerate(views):
            ticket = view.ticket
            if ticket.created_at >= until:
                break  # views are in creation order
            index = view.index(export_at)
            if view.times[index] >= month_start:
                metrics.append(metrics_text(view, export_at, cal, _METRIC_BASE + number))
            rating = ticket.rating
            if rating is None or rating.created_at >= until:
                continue
            if rating.created_at >= month_start or (
                rating.answered_at is not None and month_start <= rating.answered_at < until
            ):
                state = view.states[index]
                text = rating_text(ticket, export_at, state.assignee_id, state.group_id)
                ratings.append((rating.created_at, rating.id, text))
        metrics_written += _write_offset_pages(metrics_folder, f"ticket_metrics_{label}",
                                               "ticket_metrics", metrics)  # fmt: skip
        ratings.sort()
        ratings_written += _write_offset_pages(ratings_folder, f"satisfaction_ratings_{label}",
                                               "satisfaction_ratings",
                                               [text for _, _, text in ratings])  # fmt: skip
    return {METRICS: metrics_written, RATINGS: ratings_written}
