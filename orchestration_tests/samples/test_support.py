"""The support side of the sample generator: Zendesk, JSM, Delighted, CRM and finance.

Every expectation is read from the written files, as a parser would read them. The
planted facts have fixed times whatever the seed (story.py's planted bad deploy on auth
at 08:38 UTC on 3 March, support.py's planted contracts, jira.py's planted access
request), so the expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from orchestration.samples.catalog import write_catalog
from orchestration.samples.generate import generate
from orchestration.samples.github import write_github
from orchestration.samples.gitlab import write_gitlab
from orchestration.samples.jenkins import write_jenkins
from orchestration.samples.jira import friendly_duration
from orchestration.samples.opsgenie import simulate_alerts, write_opsgenie
from orchestration.samples.pagerduty import simulate_incidents, write_pagerduty_exports
from orchestration.samples.pagerduty_analytics import write_analytics
from orchestration.samples.servicenow import write_servicenow
from orchestration.samples.sla import write_exclusions
from orchestration.samples.statuspage import write_statuspage
from orchestration.samples.story import build_story
from orchestration.samples.world import build_world

SUPPORT = ("zendesk/", "jira/", "delighted/", "crm/", "finance/")
CONTRACT_HEADER = [
    "contract_id", "customer_id", "customer_name", "zendesk_organization_id", "tier",
    "service_ids", "monthly_fee", "currency", "start_date", "end_date", "timezone",
    "effective_from",
]  # fmt: skip
JIRA_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0900$")
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
Record = dict[str, Any]


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("support")
    generate(root, seed=42, scale=1.0)
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _pages(root: Path, folder: str, key: str | None) -> list[tuple[str, Record]]:
    out = []
    for path in sorted((root / folder).glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        out.extend((path.name, record) for record in (payload if key is None else payload[key]))
    return out


def _csv(root: Path, folder: str) -> list[tuple[str, dict[str, str]]]:
    out = []
    for path in sorted((root / folder).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            out.extend((path.name, row) for row in csv.DictReader(handle))
    return out


def _epoch(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


@pytest.fixture(scope="module")
def tickets(landing: Path) -> dict[int, Record]:
    """Latest version of each ticket (the runs sort by date, later files win)."""
    return {record["id"]: record for _, record in _pages(landing, "zendesk/tickets", "tickets")}


@pytest.fixture(scope="module")
def audits(landing: Path) -> dict[int, list[Record]]:
    """Distinct audits per ticket, oldest first (consecutive months overlap)."""
    by_id = {a["id"]: a for _, a in _pages(landing, "zendesk/ticket_audits", "audits")}
    out: dict[int, list[Record]] = defaultdict(list)
    for audit in sorted(by_id.values(), key=lambda a: (a["created_at"], a["id"])):
        out[audit["ticket_id"]].append(audit)
    return dict(out)


@pytest.fixture(scope="module")
def metric_events(landing: Path) -> dict[int, list[Record]]:
    out: dict[int, list[Record]] = defaultdict(list)
    for _, event in _pages(landing, "zendesk/ticket_metric_events", "ticket_metric_events"):
        out[event["ticket_id"]].append(event)
    return dict(out)


def _changes(audits: list[Record], field: str) -> list[str]:
    return [
        event["value"]
        for audit in audits
        for event in audit["events"]
        if event.get("field_name") == field and event["type"] in ("Create", "Change")
    ]


# --- determinism and the operational tools -----------------------------------------------------


def test_same_seed_gives_the_same_support_files_in_one_or_two_processes(
    landing: Path, tmp_path: Path
) -> None:
    # the parallel path (support tools written by a spawned process) gives the same bytes
    generate(tmp_path, seed=42, scale=1.0, parallel=True)
    again, base = _tree(tmp_path), _tree(landing)
    assert again == base
    for prefix in SUPPORT:
        assert any(name.startswith(prefix) for name in base), prefix


def test_operational_tools_are_byte_identical_to_writing_them_alone(
    landing: Path, tmp_path: Path
) -> None:
    # the generator as it was before the support tools: every operational folder is
    # unchanged by them (each tool has its own rng, support reads and never draws theirs)
    rng = lambda part: random.Random(f"{part}:42")  # noqa: E731
    world = build_world(rng("world"), scale=1.0)
    write_catalog(world, tmp_path)
    incidents = simulate_incidents(world, rng("pagerduty"), 1.0)
    write_pagerduty_exports(incidents, tmp_path)
    write_analytics(incidents, tmp_path, rng("pagerduty_analytics"))
    alerts = simulate_alerts(world, rng("opsgenie"), 1.0)
    write_opsgenie(alerts, tmp_path, rng("opsgenie_export"))
    story = build_story(world, incidents, rng("story"), 1.0)
    write_gitlab(world, story, tmp_path, rng("gitlab"))
    write_jenkins(world, story, tmp_path, rng("jenkins"))
    write_github(world, story, tmp_path, rng("github"))
    write_servicenow(world, story, incidents, alerts, tmp_path, rng("servicenow"), 1.0)
    _, statuspage = write_statuspage(world, story, incidents, tmp_path, rng("statuspage"), 1.0)
    write_exclusions(world, statuspage, tmp_path, rng("sla"))
    alone = _tree(tmp_path)
    full = {name: data for name, data in _tree(landing).items() if not name.startswith(SUPPORT)}
    assert alone == full


# --- Zendesk -------------------------------------------------------------------------------------


def test_incremental_ticket_pages(landing: Path, tickets: dict[int, Record]) -> None:
    names = sorted(path.name for path in (landing / "zendesk/tickets").iterdir())
    assert names[0] == "tickets_2026-01-05_p001.json"  # the first weekly run, Monday 5 Jan
    assert names[-1].startswith("tickets_2026-07-01_")  # the final run
    page = json.loads((landing / "zendesk/tickets" / names[0]).read_text("utf-8"))
    assert list(page) == ["tickets", "after_url", "after_cursor", "before_url",
                          "before_cursor", "end_of_stream"]  # fmt: skip
    assert page["end_of_stream"] is True
    stamps = [t["generated_timestamp"] for t in page["tickets"]]
    assert stamps == sorted(stamps)
    assert all(isinstance(s, int) and 1767225600 <= s < 1767574800 for s in stamps)
    # about 2,000 tickets at scale 1, most of them exported in more than one run
    assert 1900 <= len(tickets) <= 2200
    versions = Counter(t["id"] for _, t in _pages(landing, "zendesk/tickets", "tickets"))
    assert sum(1 for count in versions.values() if count > 1) > len(tickets) / 3
    for ticket in list(tickets.values())[:200]:
        assert ISO_Z.match(ticket["created_at"]) and ISO_Z.match(ticket["updated_at"])
        assert ticket["generated_timestamp"] >= _epoch(ticket["updated_at"])
        assert ticket["via"]["channel"] in {"web", "email", "chat", "api", "voice", "mobile"}
    # a breach moves generated_timestamp without an update: some versions show it
    moved = [t for t in tickets.values() if t["generated_timestamp"] > _epoch(t["updated_at"])]
    assert moved


def test_tickets_carry_their_service_tags(landing: Path, tickets: dict[int, Record]) -> None:
    catalog = {row["service_id"]: row for _, row in _csv(landing, "catalog/services")}
    tag_of = {tag: s for s, row in catalog.items() for tag in row["ticket_tags"].split(";")}
    tagged = [t for t in tickets.values() if set(t["tags"]) & set(tag_of)]
    assert len(tagged) > 0.85 * len(tickets)  # most tickets name their service
    assert sum("escalated" in t["tags"] for t in tickets.values()) >= 20
    assert 10 <= sum("complaint" in t["tags"] for t in tickets.values()) <= 200
    assert {t["status"] for t in tickets.values()} >= {"closed", "solved", "open", "pending"}


def test_a_ticket_with_a_pending_period_and_a_reopen(
    tickets: dict[int, Record], audits: dict[int, list[Record]]
) -> None:
    found = []
    for ticket_id, ticket_audits in audits.items():
        statuses = _changes(ticket_audits, "status")
        reopened = any(a == "solved" and b == "open" for a, b in pairwise(statuses))
        if "pending" in statuses and reopened:
            found.append(ticket_id)
    assert len(found) >= 10
    ticket_id = found[0]
    statuses = _changes(audits[ticket_id], "status")
    assert statuses[0] == "new"  # the Create event
    # every Change's previous_value is the value before it
    changes = [e for a in audits[ticket_id] for e in a["events"]
               if e["type"] == "Change" and e["field_name"] == "status"]  # fmt: skip
    assert [c["previous_value"] for c in changes] == statuses[:-1]


def test_group_escalation_l1_l2_l3(landing: Path, audits: dict[int, list[Record]]) -> None:
    groups = {g["id"]: g for _, g in _pages(landing, "zendesk/groups", "groups")}
    tier = {gid: re.search(r"L(\d)", g["name"]).group(1) for gid, g in groups.items()}  # type: ignore[union-attr]
    assert sorted(tier.values()) == ["1", "1", "1", "2", "3"]  # plus one deleted L1 queue
    assert [g["name"] for g in groups.values() if g["deleted"]] == ["Support L1 (legacy queue)"]
    paths = {
        ticket_id: [tier[int(value)] for value in _changes(ticket_audits, "group_id")]
        for ticket_id, ticket_audits in audits.items()
    }
    assert sum(path == ["1", "2", "3"] for path in paths.values()) >= 10
    assert sum(path == ["1", "2"] for path in paths.values()) >= 50


def test_sla_events_agree_with_the_policies_and_the_elapsed_time(
    landing: Path, metric_events: dict[int, list[Record]]
) -> None:
    policies = {p["id"]: p for _, p in _pages(landing, "zendesk/sla_policies", "sla_policies")}
    assert [p["title"] for p in policies.values()] == [
        "Gold support", "Silver support", "Standard support"
    ]  # fmt: skip
    verdicts = Counter()
    for events in metric_events.values():
        by_instance: dict[tuple[str, int], list[Record]] = defaultdict(list)
        for event in events:
            by_instance[(event["metric"], event["instance_id"])].append(event)
        for (metric, instance), items in by_instance.items():
            applies = [e for e in items if e["type"] == "apply_sla"]
            for apply in applies:
                sla = apply["sla"]
                policy = policies[sla["policy"]["id"]]
                name = "requester_wait_time" if metric == "requester_wait_time" else (
                    "first_reply_time" if instance == 1 else "next_reply_time"
                )  # fmt: skip
                assert {"metric": name, "target": sla["target"],
                        "business_hours": sla["business_hours"]}.items() <= next(
                    m for m in policy["policy_metrics"]
                    if m["metric"] == name and m["target"] == sla["target"]
                ).items()  # fmt: skip
                assert sla["target_in_seconds"] == sla["target"] * 60
            statuses = [e for e in items if e["type"] == "update_status"]
            if not applies or not statuses:
                continue
            # the last fulfil's elapsed minutes against the last applied target: a kept
            # breach means more than the target (floor minutes >= target), no kept breach
            # means at most the target
            sla = applies[-1]["sla"]
            elapsed = statuses[-1]["status"]["business" if sla["business_hours"] else "calendar"]
            kept = [e for e in items if e["type"] == "breach" and not e["deleted"]]
            if kept:
                assert elapsed >= sla["target"], items
                verdicts["breached"] += 1
            else:
                assert elapsed <= sla["target"], items
                verdicts["met"] += 1
    assert verdicts["breached"] >= 100
    assert verdicts["met"] > 3 * verdicts["breached"]
    deleted = sum(e["deleted"] for events in metric_events.values() for e in events
                  if e["type"] == "breach")  # fmt: skip
    assert deleted > verdicts["breached"]  # most scheduled breaches are cancelled in time


def test_first_reply_is_reply_time_instance_1(
    tickets: dict[int, Record],
    audits: dict[int, list[Record]],
    metric_events: dict[int, list[Record]],
) -> None:
    checked = 0
    for ticket_id, events in list(metric_events.items())[:400]:
        fulfil = [e for e in events if e["metric"] == "reply_time" and e["instance_id"] == 1
                  and e["type"] == "fulfill"]  # fmt: skip
        if not fulfil:
            continue
        requester = tickets[ticket_id]["requester_id"]
        replies = [
            a["created_at"]
            for a in audits[ticket_id][1:]
            if a["author_id"] not in (requester, -1)
            and any(e["type"] == "Comment" and e["public"] for e in a["events"])
        ]
        assert fulfil[0]["time"] == replies[0]
        checked += 1
    assert checked > 300


def test_ticket_metrics_match_the_audits(
    landing: Path, tickets: dict[int, Record], audits: dict[int, list[Record]]
) -> None:
    metrics = {m["ticket_id"]: m for _, m in _pages(landing, "zendesk/ticket_metrics",
                                                      "ticket_metrics")}  # fmt: skip
    checked = 0
    for ticket_id, metric in metrics.items():
        if tickets[ticket_id]["status"] != "closed" or metric["updated_at"] < "2026-06-20":
            continue
        statuses = _changes(audits[ticket_id], "status")
        reopens = sum(a == "solved" and b == "open" for a, b in pairwise(statuses))
        assert metric["reopens"] == reopens
        created = _epoch(metric["created_at"])
        solved = _epoch(metric["solved_at"])
        assert metric["full_resolution_time_in_minutes"]["calendar"] == (solved - created) // 60
        assert (metric["full_resolution_time_in_minutes"]["business"]
                <= metric["full_resolution_time_in_minutes"]["calendar"])  # fmt: skip
        checked += 1
    assert checked > 50


def test_satisfaction_ratings(landing: Path, tickets: dict[int, Record]) -> None:
    ratings = {r["id"]: r for _, r in _pages(landing, "zendesk/satisfaction_ratings",
                                              "satisfaction_ratings")}  # fmt: skip
    scores = Counter(r["score"] for r in ratings.values())
    assert set(scores) == {"offered", "unoffered", "good", "bad"}
    answered = scores["good"] + scores["bad"]
    assert 0.2 < answered / (answered + scores["offered"]) < 0.5
    assert 0.75 < scores["good"] / answered < 0.95
    # offered an hour after the solve; answers update the rating (newer updated_at)
    versions = defaultdict(list)
    for _, rating in _pages(landing, "zendesk/satisfaction_ratings", "satisfaction_ratings"):
        versions[rating["id"]].append(rating)
    later = [v for v in versions.values() if v[0]["score"] == "offered" and v[-1]["score"]
             in ("good", "bad")]  # fmt: skip
    assert later and all(v[-1]["updated_at"] > v[0]["updated_at"] for v in later)
    # the CSAT dip: tickets linked to an outage's problem ticket are rated worse
    linked = [t for t in tickets.values() if t["problem_id"]]
    assert len(linked) >= 10

    def bad_share(group: list[Record]) -> float:
        scored = [t["satisfaction_rating"]["score"] for t in group]
        return scored.count("bad") / max(1, scored.count("bad") + scored.count("good"))

    assert bad_share(linked) > bad_share(list(tickets.values())) + 0.1


def test_ticket_spike_after_the_planted_bad_deploy(
    landing: Path, tickets: dict[int, Record]
) -> None:
    # auth's bad production deploy at 08:38 UTC on 3 March (incident 09:15): its tickets
    # (catalog ticket_tags login/sso/password-reset) in the 48 h after it, against the
    # average of auth tickets per 48 h over the 181 days (= 90.5 windows)
    catalog = {row["service_id"]: row for _, row in _csv(landing, "catalog/services")}
    auth_tags = set(catalog["auth"]["ticket_tags"].split(";"))
    assert auth_tags == {"login", "sso", "password-reset"}
    deploy = _epoch("2026-03-03T08:38:00Z")
    auth = [t for t in tickets.values() if auth_tags & set(t["tags"])]
    window = [t for t in auth if deploy <= _epoch(t["created_at"]) < deploy + 48 * 3600]
    average = len(auth) / 90.5
    assert len(window) > 2 * average
    assert any(t["type"] == "problem" for t in window)  # L2 opened a problem ticket


def test_schedules_holidays_and_people(landing: Path) -> None:
    # The setup is exported with each snapshot of the people (1 January, 1 July), unchanged.
    snapshots = sorted((landing / "zendesk/schedules").glob("*.json"))
    assert [path.name for path in snapshots] == [
        "schedules_2026-01-01.json", "schedules_2026-07-01.json"
    ]  # fmt: skip
    assert snapshots[0].read_bytes() == snapshots[1].read_bytes()
    policies = sorted((landing / "zendesk/sla_policies").glob("*.json"))
    assert [path.read_bytes() for path in policies[1:]] == [policies[0].read_bytes()]
    schedules = [
        (snapshots[0].name, schedule)
        for schedule in json.loads(snapshots[0].read_text(encoding="utf-8"))["schedules"]
    ]
    zones = [s["time_zone"] for _, s in schedules]
    assert zones == ["London", "Pacific Time (US & Canada)", "Berlin"]  # by id, London lowest
    for _, schedule in schedules:
        for interval in schedule["intervals"]:
            start, end = interval["start_time"], interval["end_time"]
            assert 0 <= start < end <= 10080 and start // 1440 == (end - 1) // 1440
        holidays = json.loads(
            (landing / "zendesk/holidays" / f"schedule-{schedule['id']}_holidays.json").read_text()
        )["holidays"]
        assert all(h["start_date"] <= h["end_date"] for h in holidays)
    london = schedules[0][1]
    # Mon-Fri 08:00-18:00: Monday = 1440 + 480 .. 1440 + 1080
    assert london["intervals"][0] == {"start_time": 1920, "end_time": 2520}
    users = {u["id"]: u for _, u in _pages(landing, "zendesk/users", "users")}
    assert all(u["email"].endswith("@example.com") for u in users.values())
    assert {u["role"] for u in users.values()} == {"end-user", "agent", "admin"}
    assert {(u["time_zone"], u["iana_time_zone"]) for u in users.values()} >= {
        ("Berlin", "Europe/Berlin"), ("Eastern Time (US & Canada)", "America/New_York")
    }  # fmt: skip


# --- CRM, finance -------------------------------------------------------------------------------


def test_contracts(landing: Path) -> None:
    folder = landing / "crm/contracts"
    for path in folder.glob("*.csv"):
        assert path.read_text("utf-8").splitlines()[0].split(",") == CONTRACT_HEADER
    rows = _csv(landing, "crm/contracts")
    latest = {(r["contract_id"], r["effective_from"]): r for _, r in rows}
    assert 38 <= len({key[0] for key in latest}) <= 45  # about 40 contracts
    assert {r["tier"] for r in latest.values()} == {"Gold", "Silver", "Bronze"}
    assert {r["timezone"] for r in latest.values()} >= {"", "America/New_York", "Europe/Berlin"}
    assert any(
        r["start_date"][8:] not in ("01",) and r["start_date"] >= "2026-01-01"
        for r in latest.values()
    )  # a contract starting mid-month in the period
    catalog = {row["service_id"] for _, row in _csv(landing, "catalog/services")}
    orgs = {o["id"] for _, o in _pages(landing, "zendesk/organizations", "organizations")}
    for row in latest.values():
        assert set(row["service_ids"].split(";")) <= catalog
        assert int(row["zendesk_organization_id"]) in orgs
    # the planted tier change: C-00002 (Berlin) Silver, then Gold from 15 April, a row that
    # appears in a later file than the contract's first row
    versions = [(name, r) for name, r in rows if r["contract_id"] == "C-00002"]  # files sorted
    first_file = versions[0][0]
    change = [(name, r) for name, r in versions if r["effective_from"] == "2026-04-15"]
    assert change and change[0][0] > first_file
    assert change[0][1]["tier"] == "Gold"
    assert latest[("C-00002", "")]["tier"] == "Silver"
    assert latest[("C-00002", "")]["timezone"] == "Europe/Berlin"


def test_finance_exports(landing: Path) -> None:
    groups = {g["id"] for _, g in _pages(landing, "zendesk/groups", "groups") if not g["deleted"]}
    costs = _csv(landing, "finance/support_costs")
    months = sorted({r["month_start"] for _, r in costs})
    assert months == [f"2026-0{m}-01" for m in range(1, 7)]
    assert {(r["month_start"], int(r["group_id"])) for _, r in costs} == {
        (m, g) for m in months for g in groups
    }  # fmt: skip
    contracts = {r["contract_id"]: r for _, r in _csv(landing, "crm/contracts")}
    adjustments = _csv(landing, "finance/billing_adjustments")
    credits = [r for _, r in adjustments if r["reason"] == "sla_credit"]
    assert len(credits) >= 5
    assert len({r["adjustment_id"] for _, r in adjustments}) == len(adjustments)
    for row in credits:
        assert float(row["amount"]) > 0
        assert row["currency"] == contracts[row["contract_id"]]["currency"]
        assert row["month_start"][8:] == "01"


# --- Jira Service Management, Delighted ----------------------------------------------------------


@pytest.fixture(scope="module")
def issues(landing: Path) -> dict[str, Record]:
    return {issue["key"]: issue for _, issue in _pages(landing, "jira/issues", "issues")}


def _sla_cycles(issue: Record) -> list[tuple[str, Record]]:
    out = []
    for field in ("customfield_10030", "customfield_10031"):
        value = issue["fields"][field]
        if value:
            cycles = value["completedCycles"] + [value.get("ongoingCycle")]
            out.extend((value["name"], cycle) for cycle in cycles if cycle)
    return out


def test_jira_search_pages(landing: Path, issues: dict[str, Record]) -> None:
    old = json.loads((landing / "jira/issues/issues_2026-01_p001.json").read_text("utf-8"))
    assert list(old) == ["expand", "startAt", "maxResults", "total", "issues"]
    new = json.loads((landing / "jira/issues/issues_2026-06_p001.json").read_text("utf-8"))
    assert next(iter(new)) == "issues" and "isLast" in new
    assert 290 <= len(issues) <= 360
    catalog = {c for _, row in _csv(landing, "catalog/services")
               for c in row["jira_components"].split(";")}  # fmt: skip
    for issue in issues.values():
        fields = issue["fields"]
        assert JIRA_TIME.match(fields["created"]) and JIRA_TIME.match(fields["updated"])
        assert {c["name"] for c in fields["components"]} <= catalog
        for history in issue["changelog"]["histories"]:
            assert JIRA_TIME.match(history["created"])
    reopened = []
    for issue in issues.values():
        moves = [(i["fromString"], i["toString"]) for h in issue["changelog"]["histories"]
                 for i in h["items"] if i["field"] == "status"]  # fmt: skip
        if ("Resolved", "Waiting for support") in moves:
            reopened.append(issue["key"])
    assert len(reopened) >= 5


def test_jira_sla_fields(issues: dict[str, Record]) -> None:
    negative = []
    for issue in issues.values():
        for name, cycle in _sla_cycles(issue):
            goal, elapsed = cycle["goalDuration"]["millis"], cycle["elapsedTime"]["millis"]
            remaining = cycle["remainingTime"]["millis"]
            assert remaining == goal - elapsed
            assert cycle["breached"] == (elapsed > goal)
            assert cycle["startTime"]["epochMillis"] % 1000 == int(
                cycle["startTime"]["jira"][20:23]
            )
            if remaining < 0:
                negative.append((name, cycle))
    assert len(negative) >= 20
    name, cycle = negative[0]
    assert cycle["breached"] is True
    assert cycle["remainingTime"]["friendly"].startswith("-")
    assert "시간" in cycle["goalDuration"]["friendly"]  # localised: 4시간, 8시간, ...
    assert friendly_duration(-3_900_000) == "-1시간 5분"
    # the planted access request (10:00 Seoul on 30 June) still waits for approval: its
    # "Time to resolution" has not started, its first response clock runs
    planted = [i for i in issues.values() if i["fields"]["created"].startswith(
        "2026-06-30T10:00:00")]  # fmt: skip
    assert len(planted) == 1
    fields = planted[0]["fields"]
    assert fields["status"]["name"] == "Waiting for approval"
    assert fields["customfield_10031"]["completedCycles"] == []
    assert "ongoingCycle" not in fields["customfield_10031"]
    assert "ongoingCycle" in fields["customfield_10030"]
    assert any(i["fields"]["customfield_10030"] is None for i in issues.values())  # problems


def test_delighted_responses(landing: Path) -> None:
    pages = sorted((landing / "delighted/survey_responses").glob("*.json"))
    assert all(isinstance(json.loads(p.read_text("utf-8")), list) for p in pages)
    responses = {r["id"]: r for _, r in _pages(landing, "delighted/survey_responses", None)}
    assert 1400 <= len(responses) <= 1700
    kinds = Counter(r["survey_type"] for r in responses.values())
    assert kinds["nps"] > kinds["csat"] > kinds["ces"] > 150
    scales = {"nps": range(0, 11), "csat": range(1, 6), "ces": range(1, 8)}
    for response in responses.values():
        assert response["score"] in scales[response["survey_type"]]
        assert isinstance(response["created_at"], int) and response["updated_at"] >= (
            response["created_at"]
        )  # fmt: skip
    nps = [r["score"] for r in responses.values() if r["survey_type"] == "nps"]
    promoters = sum(s >= 9 for s in nps) / len(nps)
    detractors = sum(s <= 6 for s in nps) / len(nps)
    assert 0.3 < promoters < 0.6 and 0.15 < detractors < 0.45
    ces = [r["score"] for r in responses.values() if r["survey_type"] == "ces"]
    assert 0.55 < sum(s >= 5 for s in ces) / len(ces) < 0.9
    properties = [r["person_properties"] for r in responses.values()]
    with_customer = [p for p in properties if p and "customer_id" in p]
    assert len(with_customer) > 0.75 * len(properties)
    assert any(p is None for p in properties) and any(
        p and "zendesk_organization_id" in p for p in properties
    )  # fmt: skip
    customers = {r["customer_id"] for _, r in _csv(landing, "crm/contracts")}
    assert {p["customer_id"] for p in with_customer} <= customers
    # a person answering the same survey twice in one month (a few, not many)
    month = lambda r: datetime.fromtimestamp(r["created_at"], UTC).strftime("%Y-%m")  # noqa: E731
    repeats = Counter((r["person"], r["survey_type"], month(r)) for r in responses.values())
    twice = [key for key, count in repeats.items() if count > 1]
    assert 5 <= len(twice) <= 0.06 * len(responses)
