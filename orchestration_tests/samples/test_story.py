"""The operational story across tools, asserted on the files as a parser would read them.

Every expectation here is read from the written exports (not from the generator's
objects), and the planted facts have fixed times whatever the seed (story.py
`_planted_slots`, `_PLANTED_BAD`; statuspage.py's planted maintenance), so the expected
values are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from orchestration.samples.generate import generate

SN_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
SN_DURATION = re.compile(r"^1970-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$")
Record = dict[str, Any]


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("story")
    generate(root, seed=42, scale=1.0)
    return root


def _pages(root: Path, folder: str, key: str | None) -> list[tuple[str, Record]]:
    """(file name, record) of every record in the folder, files in name order."""
    out = []
    for path in sorted((root / folder).glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        for record in payload if key is None else payload[key]:
            out.append((path.name, record))
    return out


def _latest(root: Path, folder: str, key: str | None, id_of: Any = lambda r: r["id"]) -> dict:
    """Records by id, the copy from the last file (exports sort in time order) winning."""
    return {id_of(record): record for _, record in _pages(root, folder, key)}


def _utc(value: str) -> datetime:
    """ISO-8601 with `Z` or an offset, or ServiceNow's `YYYY-MM-DD HH:MM:SS` (UTC)."""
    if SN_TIME.match(value):
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _catalog(root: Path) -> dict[str, dict[str, str]]:
    text = (root / "catalog/services/services.csv").read_text(encoding="utf-8")
    return {row["service_id"]: row for row in csv.DictReader(text.splitlines())}


# --- Jenkins helpers ----------------------------------------------------------------


def _params(build: Record) -> dict[str, Any]:
    for action in build["actions"]:
        if action.get("_class") == "hudson.model.ParametersAction":
            return {p["name"]: p["value"] for p in action["parameters"]}
    return {}


def _sha(build: Record) -> str:
    for action in build["actions"]:
        if action.get("_class") == "hudson.plugins.git.util.BuildData":
            return action["lastBuiltRevision"]["SHA1"]
    raise AssertionError("no BuildData")


def _job(build: Record) -> str:
    # http://jenkins.example.com/job/<folder>/job/<name>/<n>/ -> folder/name
    parts = build["url"].split("/job/")[1:]
    return "/".join(part.split("/")[0] for part in parts)


@pytest.fixture(scope="module")
def jenkins(landing: Path) -> dict[tuple[str, int], Record]:
    """(job, number) -> the build's copy from the latest export."""
    return _latest(landing, "jenkins/builds", "builds", lambda b: (_job(b), b["number"]))


def _builds_at(jenkins: dict, job: str, day: str) -> list[Record]:
    out = []
    for (name, _), build in jenkins.items():
        started = datetime.fromtimestamp(build["timestamp"] / 1000, UTC)
        if name == job and started.strftime("%Y-%m-%d") == day:
            out.append(build)
    return sorted(out, key=lambda b: b["number"])


def _is_rollback(build: Record) -> bool:
    return _params(build).get("ROLLBACK") in (True, "true")


# --- the tests --------------------------------------------------------------------------


def test_every_service_deploys_through_its_own_ids(landing: Path, jenkins: dict) -> None:
    catalog = _catalog(landing)
    tools: dict[str, set[str]] = defaultdict(set)
    envs: dict[str, set[str]] = defaultdict(set)
    gitlab_projects = {
        int(p): s for s, r in catalog.items() for p in r["gitlab_project_ids"].split(";")
    }
    for name, record in _pages(landing, "gitlab/deployments", None):
        project = int(name.split("_")[0].removeprefix("project-"))
        pipeline_project = ((record["deployable"] or {}).get("pipeline") or {}).get("project_id")
        assert pipeline_project in (None, project)  # the file name agrees with the record
        tools[gitlab_projects[project]].add("gitlab")
        envs[gitlab_projects[project]].add(record["environment"]["name"])
    jobs = {r["jenkins_jobs"]: s for s, r in catalog.items()}
    for (job, _), build in jenkins.items():
        tools[jobs[job]].add("jenkins")
        assert _params(build)["SERVICE"] == jobs[job]
        envs[jobs[job]].add({"prod": "production", "stage": "staging"}.get(
            _params(build)["DEPLOY_ENV"], _params(build)["DEPLOY_ENV"]))  # fmt: skip
    repos = {f"https://api.github.com/repos/{r['github_repos']}": s for s, r in catalog.items()}
    for _, record in _pages(landing, "github/deployments", None):
        tools[repos[record["repository_url"]]].add("github")
        envs[repos[record["repository_url"]]].add(record["environment"])
    assert set(tools) == set(catalog)
    assert all(1 <= len(used) <= 2 for used in tools.values()), dict(tools)
    assert tools["payments"] == {"gitlab", "jenkins"}  # GitLab staging, Jenkins production
    assert tools["notifications"] == {"jenkins", "github"}  # moved to GitHub on 1 April
    assert all(e == {"production", "staging"} for e in envs.values()), dict(envs)


def test_deployments_mostly_in_business_hours(jenkins: dict, landing: Path) -> None:
    starts = [datetime.fromtimestamp(b["timestamp"] / 1000, UTC) for b in jenkins.values()]
    starts += [_utc(r["created_at"]) for r in _latest(landing, "github/deployments", None).values()]
    business = [t for t in starts if t.weekday() < 5 and 7 <= t.hour < 20]
    assert 0.85 * len(starts) <= len(business) < len(starts)  # mostly, not only


def test_planted_bad_deploy_chain(landing: Path, jenkins: dict) -> None:
    # PagerDuty's planted auth incident: triggered 09:15 on 3 March, acked 09:19, resolved
    # 09:55. The story put a production deploy at 08:38 before it and a rollback at 09:24.
    pd = _latest(landing, "pagerduty/incidents", "incidents")
    incident = next(
        r for r in pd.values()
        if r["created_at"] == "2026-03-03T09:15:00Z" and "Auth" in r["service"]["summary"]
    )  # fmt: skip
    builds = _builds_at(jenkins, "identity/auth-deploy", "2026-03-03")
    prod = [b for b in builds if _params(b)["DEPLOY_ENV"] == "production"]
    bad, rollback = prod
    assert datetime.fromtimestamp(bad["timestamp"] / 1000, UTC).strftime("%H:%M") == "08:38"
    bad_end = datetime.fromtimestamp((bad["timestamp"] + bad["duration"]) / 1000, UTC)
    assert bad["result"] == "SUCCESS" and bad_end < _utc(incident["created_at"])
    assert not _is_rollback(bad) and _is_rollback(rollback)
    assert datetime.fromtimestamp(rollback["timestamp"] / 1000, UTC).strftime("%H:%M") == "09:24"
    rollback_end = datetime.fromtimestamp(
        (rollback["timestamp"] + rollback["duration"]) / 1000, UTC
    )
    assert rollback_end < _utc(incident["resolved_at"])
    # the rollback deploys the SHA that ran in production before the bad deploy
    earlier = [
        b for (job, _), b in jenkins.items()
        if job == "identity/auth-deploy" and b["number"] < bad["number"]
        and _params(b)["DEPLOY_ENV"] == "production" and b["result"] == "SUCCESS"
    ]  # fmt: skip
    before = max(earlier, key=lambda b: b["number"])
    assert _sha(rollback) == _sha(before) != _sha(bad)

    # ServiceNow mirrors the incident and blames the bad deploy's change
    sn = _latest(landing, "servicenow/incident", "result", lambda r: r["sys_id"])
    mirror = next(r for r in sn.values() if r["correlation_id"] == incident["id"])
    assert mirror["correlation_display"] == "PagerDuty"
    caused_by = (
        mirror["caused_by"]["value"]
        if isinstance(mirror["caused_by"], dict)
        else mirror["caused_by"]
    )
    changes = _latest(landing, "servicenow/change_request", "result", lambda r: r["sys_id"])
    change = changes[caused_by]
    assert change["number"] == _params(bad)["CHANGE_REQUEST"]
    assert change["close_code"] == "unsuccessful" and change["type"] == "normal"
    assert _utc(change["work_start"]) <= datetime.fromtimestamp(bad["timestamp"] / 1000, UTC)
    assert _utc(change["work_end"]) >= bad_end
    # the rollback ran under an emergency change reviewed only after 100 h (> 72 h)
    emergency = next(
        c for c in changes.values() if c["number"] == _params(rollback)["CHANGE_REQUEST"]
    )
    assert emergency["type"] == "emergency" and emergency["state"] == "3"
    assert _utc(emergency["closed_at"]) - _utc(emergency["work_end"]) > timedelta(hours=72)

    # Statuspage: the auth component is in major_outage from just after the trigger until
    # just after the rollback finished
    component = _catalog(landing)["auth"]["statuspage_component_ids"]
    outage = [
        (u, c) for i in _latest(landing, "statuspage/incidents", "incidents").values()
        for u in i["incident_updates"] for c in (u["affected_components"] or [])
        if c["code"] == component and u["display_at"][:10] == "2026-03-03"
    ]  # fmt: skip
    down = next(_utc(u["display_at"]) for u, c in outage if c["new_status"] == "major_outage")
    up = next(_utc(u["display_at"]) for u, c in outage if c["old_status"] == "major_outage")
    assert _utc(incident["created_at"]) < down < _utc("2026-03-03T09:24:00Z")  # the rollback
    assert rollback_end < up < _utc(incident["resolved_at"])


def test_rollbacks_redeploy_a_previously_successful_sha(landing: Path, jenkins: dict) -> None:
    # Jenkins: every ROLLBACK=true build deploys a SHA an earlier production build of the
    # job deployed successfully, and not the SHA that was current just before it
    rollbacks = 0
    for (job, number), build in jenkins.items():
        if not _is_rollback(build):
            continue
        rollbacks += 1
        earlier = sorted(
            (b for (j, n), b in jenkins.items() if j == job and n < number
             and _params(b)["DEPLOY_ENV"] in ("production", "prod") and b["result"] == "SUCCESS"),
            key=lambda b: b["number"],
        )  # fmt: skip
        assert _sha(build) in {_sha(b) for b in earlier[:-1]}, (job, number)
        assert _sha(build) != _sha(earlier[-1])
    assert rollbacks >= 3
    # a retry is not a rollback: payments on 11 Feb fails in production and the retry
    # deploys the same SHA with ROLLBACK=false
    prod = [b for b in _builds_at(jenkins, "payments/payments-deploy", "2026-02-11")
            if _params(b)["DEPLOY_ENV"] == "production"]  # fmt: skip
    assert [b["result"] for b in prod] in (["FAILURE", "SUCCESS"], ["UNSTABLE", "SUCCESS"])
    assert _sha(prod[0]) == _sha(prod[1]) and not any(_is_rollback(b) for b in prod)

    # GitLab: checkout-api's planted rollback at ~14:xx on 12 May returns to the SHA of
    # the previous successful production deployment
    project = _catalog(landing)["checkout-api"]["gitlab_project_ids"].split(";")[0]
    deployments = sorted(
        (r for name, r in _pages(landing, "gitlab/deployments", None)
         if name.startswith(f"project-{project}_") and r["environment"]["name"] == "production"),
        key=lambda r: r["created_at"],
    )  # fmt: skip
    latest = {r["id"]: r for r in deployments}
    ordered = sorted(latest.values(), key=lambda r: r["created_at"])
    may12 = [r for r in ordered if r["created_at"].startswith("2026-05-12")]
    release, rollback = may12
    previous = [
        r for r in ordered if r["created_at"] < release["created_at"] and r["status"] == "success"
    ][-1]
    assert rollback["sha"] == previous["sha"] != release["sha"]


def test_change_request_links_name_existing_changes(landing: Path, jenkins: dict) -> None:
    changes = _latest(landing, "servicenow/change_request", "result", lambda r: r["sys_id"])
    numbers = {r["number"] for r in changes.values()}
    assert all(re.fullmatch(r"CHG\d{7}", n) for n in numbers)
    jenkins_links = {_params(b).get("CHANGE_REQUEST") for b in jenkins.values()} - {None, ""}
    github = _latest(landing, "github/deployments", None).values()
    payload_links = {d["payload"]["change_request"] for d in github if d["payload"]}
    description_links = {m for d in github for m in re.findall(r"CHG\d+", d["description"])}
    assert jenkins_links and payload_links and description_links
    assert jenkins_links | payload_links | description_links <= numbers
    # some production builds name no change (empty parameter) and staging never does
    params = [_params(b) for b in jenkins.values() if "CHANGE_REQUEST" in _params(b)]
    assert any(p["CHANGE_REQUEST"] == "" and p["DEPLOY_ENV"] == "production" for p in params)
    assert all(p["CHANGE_REQUEST"] == "" for p in params if p["DEPLOY_ENV"] in ("staging", "stage"))


def test_servicenow_mirrors_pagerduty_and_opsgenie(landing: Path) -> None:
    pd = _latest(landing, "pagerduty/incidents", "incidents")
    alerts = [r for _, r in _pages(landing, "opsgenie/alerts", "data")]
    sn = _latest(landing, "servicenow/incident", "result", lambda r: r["sys_id"])
    by_source: dict[str, list[Record]] = defaultdict(list)
    for record in sn.values():
        by_source[record["correlation_display"]].append(record)
    mirrored = {r["correlation_id"] for r in by_source["PagerDuty"]}
    assert mirrored <= set(pd)
    assert 0.75 * len(pd) <= len(mirrored) < len(pd)  # most, not all
    aliases = {a["alias"] for a in alerts}
    assert by_source["Opsgenie"] and {r["correlation_id"] for r in by_source["Opsgenie"]} <= aliases
    assert by_source[""]  # raised in ServiceNow itself
    # cmdb_ci: the catalog's CIs, a CI outside the catalog for the unmapped PagerDuty
    # service, and "" for some hand-raised incidents
    catalog_cis = {
        ci for r in _catalog(landing).values() for ci in r["servicenow_cmdb_ci_ids"].split(";")
    }
    cis = [
        r["cmdb_ci"]["value"] if isinstance(r["cmdb_ci"], dict) else r["cmdb_ci"]
        for r in sn.values()
    ]
    assert "" in cis and {c for c in cis if c} - catalog_cis and catalog_cis <= set(cis)


def test_servicenow_raw_formats_and_state_history(landing: Path) -> None:
    for folder in ("incident", "task_sla", "change_request", "sys_audit"):
        for name, record in _pages(landing, f"servicenow/{folder}", "result"):
            for key, value in record.items():
                if isinstance(value, dict):  # a reference with its link
                    assert set(value) == {"link", "value"}, (folder, key)
                    assert "-02_" not in name and "-05_" not in name  # bare sys_ids there
                else:
                    assert isinstance(value, str), (folder, key, value)
            for key in (
                "opened_at",
                "sys_updated_on",
                "start_time",
                "work_start",
                "sys_created_on",
            ):
                if record.get(key):
                    assert SN_TIME.match(record[key]), (folder, key, record[key])
            for key in ("duration", "business_duration", "calendar_duration", "pause_duration"):
                if record.get(key):
                    assert SN_DURATION.match(record[key]), (folder, key, record[key])
    # the audit trail of a mirrored incident follows PagerDuty: 1->2 at the first
    # acknowledgement, 2->6 at the resolve (within a minute), 6->7 three days later
    pd = _latest(landing, "pagerduty/incidents", "incidents")
    incident = next(r for r in pd.values() if r["created_at"] == "2026-03-03T09:15:00Z")
    mirrors = _latest(landing, "servicenow/incident", "result", lambda r: r["sys_id"])
    sn = next(r for r in mirrors.values() if r["correlation_id"] == incident["id"])
    rows = [r for _, r in _pages(landing, "servicenow/sys_audit", "result")]
    audits = sorted((r for r in rows if r["documentkey"] == sn["sys_id"]),
                    key=lambda r: r["sys_created_on"])  # fmt: skip
    assert [(a["oldvalue"], a["newvalue"]) for a in audits] == [("1", "2"), ("2", "6"), ("6", "7")]
    ack, resolve, close = (_utc(a["sys_created_on"]) for a in audits)
    assert timedelta(0) < ack - _utc("2026-03-03T09:19:00Z") <= timedelta(seconds=60)
    assert timedelta(0) < resolve - _utc(incident["resolved_at"]) <= timedelta(seconds=60)
    assert close - resolve == timedelta(days=3)
    assert _utc(sn["resolved_at"]) == resolve and sn["state"] == "7"
    # resolved_at - opened_at matches calendar_stc and calendar_duration
    calendar = int((resolve - _utc(sn["opened_at"])).total_seconds())
    assert sn["calendar_stc"] == str(calendar)
    assert _utc(sn["calendar_duration"]) - _utc("1970-01-01 00:00:00") == timedelta(
        seconds=calendar
    )


def test_task_slas_some_breached(landing: Path) -> None:
    slas = _latest(landing, "servicenow/task_sla", "result", lambda r: r["sys_id"])
    incidents = _latest(landing, "servicenow/incident", "result", lambda r: r["sys_id"])
    tasks = {
        (r["task"]["value"] if isinstance(r["task"], dict) else r["task"]) for r in slas.values()
    }
    assert tasks == set(incidents)  # a response and a resolution SLA per incident
    assert len(slas) == 2 * len(incidents)
    breached = [r for r in slas.values() if r["has_breached"] == "true"]
    assert 0 < len(breached) < len(slas) / 4
    for record in slas.values():
        pct = float(
            record["business_percentage"] if record["timezone"] != "UTC" else record["percentage"]
        )
        assert (pct >= 100) == (record["has_breached"] == "true")


def test_github_outcome_is_latest_status_that_is_not_inactive(landing: Path) -> None:
    deployments = _latest(landing, "github/deployments", None)
    statuses: dict[str, list[Record]] = defaultdict(list)
    for record in _latest(landing, "github/deployment_statuses", None).values():
        statuses[record["deployment_url"]].append(record)
    outcome = {}
    for deployment in deployments.values():
        ordered = sorted(statuses[deployment["url"]], key=lambda s: (s["created_at"], s["id"]))
        assert [s["state"] for s in ordered[:2]] == ["queued", "in_progress"]
        outcome[deployment["id"]] = [s["state"] for s in ordered if s["state"] != "inactive"][-1]
    # web-frontend's production deploy of 17 Feb failed and was not retried
    failed = [
        d for d in deployments.values()
        if d["repository_url"].endswith("/web-frontend") and d["environment"] == "production"
        and d["created_at"].startswith("2026-02-17")
    ]  # fmt: skip
    assert [outcome[d["id"]] for d in failed] == ["failure"]
    # earlier successful deployments were marked inactive when a newer one succeeded
    inactive = [
        d for d in deployments.values() if any(s["state"] == "inactive" for s in statuses[d["url"]])
    ]
    assert len(inactive) > len(deployments) / 2
    assert all(outcome[d["id"]] == "success" for d in inactive)


def test_jenkins_running_build_and_gitlab_running_deployment(landing: Path) -> None:
    # auth's production build started 23:52 on 30 June is still running at the last export
    last = json.loads(
        (landing / "jenkins/builds/identity__auth-deploy_2026-07-01.json").read_text("utf-8")
    )
    assert last["_class"] == "hudson.model.FreeStyleProject"
    running = [b for b in last["builds"] if b["building"]]
    assert len(running) == 1
    build = running[0]
    assert (build["result"], build["duration"]) == (None, 0)
    assert (
        datetime.fromtimestamp(build["timestamp"] / 1000, UTC).strftime("%m-%d %H:%M")
        == "06-30 23:52"
    )
    assert build["url"].startswith("http://jenkins.example.com/job/identity/job/auth-deploy/")
    assert {} in build["actions"]  # empty actions are common
    # checkout-api's production deploy from 23:55 on 31 March ran across the 00:30 export
    project = _catalog(landing)["checkout-api"]["gitlab_project_ids"].split(";")[0]
    versions = [
        (name, r) for name, r in _pages(landing, "gitlab/deployments", None)
        if name.startswith(f"project-{project}_") and r["created_at"].startswith("2026-03-31T23:5")
    ]  # fmt: skip
    # monthly exports with a one-month look-back: March's sees it running, April's and
    # May's see it finished
    months = [name.split("_")[1] for name, _ in versions]
    assert months == ["2026-03", "2026-04", "2026-05"]
    assert [r["status"] for _, r in versions] == ["running", "success", "success"]
    done = versions[-1][1]
    assert done["deployable"]["finished_at"] == "2026-04-01T00:41:00.000Z"
    assert versions[0][1]["deployable"]["finished_at"] is None
    records = [r for _, r in _pages(landing, "gitlab/deployments", None)]
    assert all("finished_at" not in r for r in records)  # never a top-level finished_at
    assert any(r["deployable"] is None for r in records)  # API-made: file name gives project
    assert any(r["deployable"] and "project_id" not in r["deployable"]["pipeline"] for r in records)


def test_statuspage_exports(landing: Path) -> None:
    files = sorted((landing / "statuspage/incidents").glob("*.json"))
    offsets: set[str] = set()
    versions: dict[str, set[str]] = defaultdict(set)
    transitions: set[tuple[str, str]] = set()
    components = {
        c for r in _catalog(landing).values() for c in r["statuspage_component_ids"].split(";") if c
    }
    for path in files:
        payload = json.loads(path.read_text("utf-8"))
        assert set(payload) == {"page", "incidents"} and len(payload["incidents"]) <= 50
        stamp = payload["page"]["updated_at"]  # the export time in the page's zone
        offsets.add("Z" if stamp.endswith("Z") else stamp[-6:])
        for incident in payload["incidents"]:
            assert OFFSET.match(incident["created_at"])
            offsets.add(incident["created_at"][-6:] if incident["created_at"][-1] != "Z" else "Z")
            versions[incident["id"]].add(_utc(incident["updated_at"]).isoformat())
            for update in incident["incident_updates"]:
                for change in update["affected_components"] or []:
                    assert change["code"] in components
                    transitions.add((change["old_status"], change["new_status"]))
    assert {"-06:00", "-05:00", "Z"} <= offsets  # Chicago winter, Chicago summer, UTC
    assert any(len(v) > 1 for v in versions.values())  # newer versions in later files
    for status in ("major_outage", "partial_outage"):
        assert ("operational", status) in transitions and (status, "operational") in transitions
    # the planted Payments outage lies inside its own maintenance window (02:00-04:00)
    maintenances = _latest(landing, "statuspage/scheduled_maintenances", "scheduled_maintenances")
    window = next(m for m in maintenances.values() if m["name"] == "Payments database migration")
    start, end = _utc(window["scheduled_for"]), _utc(window["scheduled_until"])
    assert (start, end) == (_utc("2026-04-18T02:00:00Z"), _utc("2026-04-18T04:00:00Z"))
    outage = next(i for i in _latest(landing, "statuspage/incidents", "incidents").values()
                  if i["name"].startswith("Payments: unavailable during"))  # fmt: skip
    assert start < _utc(outage["created_at"]) < _utc(outage["resolved_at"]) < end
    # exclusions name Statuspage incidents of the exports
    incidents = _latest(landing, "statuspage/incidents", "incidents")
    rows = [row for p in sorted((landing / "sla/exclusions").glob("*.csv"))
            for row in csv.DictReader(p.read_text("utf-8").splitlines())]  # fmt: skip
    assert rows and all(r["source"] == "statuspage" and r["incident_id"] in incidents for r in rows)
    assert {r["reason"] for r in rows} <= {"force_majeure", "third_party", "customer_caused"}
    assert all(OFFSET.match(r["approved_at"][:19] + ".000" + r["approved_at"][19:]) for r in rows)


def test_analytics_agree_with_rest_and_log_entries(landing: Path) -> None:
    pd = _latest(landing, "pagerduty/incidents", "incidents")
    first_ack: dict[str, datetime] = {}
    for _, entry in sorted(
        _pages(landing, "pagerduty/log_entries", "log_entries"), key=lambda p: p[1]["created_at"]
    ):
        if entry["type"] == "acknowledge_log_entry":
            first_ack.setdefault(entry["incident"]["id"], _utc(entry["created_at"]))
    zones = set()
    latest: dict[str, tuple[Record, str]] = {}
    for path in sorted((landing / "pagerduty/analytics_incidents").glob("*.json")):
        page = json.loads(path.read_text("utf-8"))
        zones.add(page["time_zone"])
        for record in page["data"]:
            latest[record["id"]] = (record, page["time_zone"])
    assert zones == {"Etc/UTC", "America/New_York"}
    assert 0.95 * len(pd) <= len(latest) < len(pd)  # the last day lags behind
    for incident_id, (record, zone) in latest.items():
        rest = pd[incident_id]
        created = datetime.fromisoformat(record["created_at"]).replace(tzinfo=ZoneInfo(zone))
        assert created == _utc(rest["created_at"])  # naive time in the envelope's zone
        if record["seconds_to_first_ack"] is not None:
            expected = first_ack[incident_id] - _utc(rest["created_at"])
            assert record["seconds_to_first_ack"] == expected.total_seconds()
        if rest["status"] == "resolved" and record["status"] == "resolved":
            resolve = _utc(rest["resolved_at"]) - _utc(rest["created_at"])
            assert record["seconds_to_resolve"] == resolve.total_seconds()
        if rest["priority"] and rest["priority"]["summary"] in ("P1", "P2"):
            assert record["major"] is True


def test_opsgenie_alerts_map_to_services(landing: Path) -> None:
    catalog = _catalog(landing)
    teams = {r["opsgenie_teams"].split(";")[1]: s for s, r in catalog.items()}
    alerts = _latest(landing, "opsgenie/alerts", "data")
    untagged = 0
    for alert in alerts.values():
        team = [r["id"] for r in alert["responders"] if r["type"] == "team"]
        assert len(team) == 1 and team[0] in teams
        tags = [t.removeprefix("service:") for t in alert["tags"] if t.startswith("service:")]
        if tags:
            assert tags == [teams[team[0]]]
        else:
            untagged += 1
        report = alert["report"]
        assert ("ackTime" in report) == alert["acknowledged"]
        if alert["status"] == "closed":
            assert report["closeTime"] >= report.get("ackTime", 0) > -1
            closed = _utc(alert["createdAt"]) + timedelta(milliseconds=report["closeTime"])
            assert closed <= _utc(alert["updatedAt"])
    assert 0 < untagged < len(alerts) / 4
    assert {teams[a["responders"][0]["id"]] for a in alerts.values()} >= {"search", "notifications"}
