"""The sample-export generator: determinism, file shapes, and the edge cases KPIs rely on.

The edge-case tests check the planted incidents of `pagerduty._planted_plans`, whose
times are fixed whatever the seed, so the expected values below are worked out by hand.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from orchestration.samples.generate import generate, main
from orchestration.samples.pagerduty import simulate_incidents, write_pagerduty_exports
from orchestration.samples.world import build_world

CATALOG_HEADER = [
    "service_id", "service_name", "criticality", "owner_team", "is_production",
    "pagerduty_service_ids", "opsgenie_teams", "statuspage_component_ids",
    "servicenow_cmdb_ci_ids", "gitlab_project_ids", "jenkins_jobs", "github_repos",
    "ticket_tags", "jira_components",
]  # fmt: skip
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# landing folder -> (file suffix, envelope key, or None for a top-level array / CSV rows)
FOLDERS: dict[str, tuple[str, str | None]] = {
    "catalog/services": (".csv", None),
    "pagerduty/incidents": (".json", "incidents"),
    "pagerduty/log_entries": (".json", "log_entries"),
    "pagerduty/analytics_incidents": (".json", "data"),
    "opsgenie/alerts": (".json", "data"),
    "servicenow/incident": (".json", "result"),
    "servicenow/task_sla": (".json", "result"),
    "servicenow/change_request": (".json", "result"),
    "servicenow/sys_audit": (".json", "result"),
    "gitlab/deployments": (".json", None),
    "gitlab/environments": (".json", None),
    "gitlab/merge_requests": (".json", None),
    "jenkins/builds": (".json", "builds"),
    "github/deployments": (".json", None),
    "github/deployment_statuses": (".json", None),
    "statuspage/incidents": (".json", "incidents"),
    "statuspage/scheduled_maintenances": (".json", "scheduled_maintenances"),
    "sla/exclusions": (".csv", None),
    "zendesk/tickets": (".json", "tickets"),
    "zendesk/ticket_metrics": (".json", "ticket_metrics"),
    "zendesk/ticket_metric_events": (".json", "ticket_metric_events"),
    "zendesk/ticket_audits": (".json", "audits"),
    "zendesk/satisfaction_ratings": (".json", "satisfaction_ratings"),
    "zendesk/sla_policies": (".json", "sla_policies"),
    "zendesk/schedules": (".json", "schedules"),
    "zendesk/holidays": (".json", "holidays"),
    "zendesk/organizations": (".json", "organizations"),
    "zendesk/groups": (".json", "groups"),
    "zendesk/users": (".json", "users"),
    "jira/issues": (".json", "issues"),
    "delighted/survey_responses": (".json", None),
    "crm/contracts": (".csv", None),
    "finance/support_costs": (".csv", None),
    "finance/billing_adjustments": (".csv", None),
}


def _records_in(root: Path, folder: str) -> int:
    """Records in a landing folder, read the way landing.md describes each folder."""
    _suffix, key = FOLDERS[folder]
    total = 0
    for path in (root / folder).iterdir():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".csv":
            total += len(text.splitlines()) - 1
        elif path.suffix == ".jsonl":
            total += len(text.splitlines())
        else:
            payload = json.loads(text)
            total += len(payload if key is None else payload[key])
    return total


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _incident_ids(root: Path) -> list[str]:
    return [
        record["id"]
        for path in (root / "pagerduty/incidents").glob("*.json")
        for record in json.loads(path.read_text("utf-8"))["incidents"]
    ]


def _at(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("landing")
    generate(root, seed=42, scale=1.0)
    return root


@pytest.fixture(scope="module")
def incident_versions(landing: Path) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """incident id -> [(file name, record)] in file-name (= export) order."""
    versions: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for path in sorted((landing / "pagerduty/incidents").glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8"))["incidents"]:
            versions[record["id"]].append((path.name, record))
    return dict(versions)


@pytest.fixture(scope="module")
def log_entries(landing: Path) -> dict[str, list[dict[str, Any]]]:
    """incident id -> its distinct log entries (deduped by id), oldest first."""
    by_id: dict[str, dict[str, Any]] = {}
    folder = landing / "pagerduty/log_entries"
    for path in sorted(folder.glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8"))["log_entries"]:
            by_id[record["id"]] = record
    for line in (folder / "log_entries_late_export.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        by_id[record["id"]] = record
    entries: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in by_id.values():
        entries[record["incident"]["id"]].append(record)
    for records in entries.values():
        records.sort(key=lambda record: record["created_at"])
    return dict(entries)


def _latest(versions: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return versions[-1][1]


def _by_created_at(
    incident_versions: dict[str, list[tuple[str, dict[str, Any]]]], created_at: str
) -> str:
    matches = [i for i, v in incident_versions.items() if v[0][1]["created_at"] == created_at]
    assert len(matches) == 1, f"expected one incident created at {created_at}: {matches}"
    return matches[0]


def _types(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["type"] for entry in entries]


def test_same_seed_gives_byte_identical_files(landing: Path, tmp_path: Path) -> None:
    counts = generate(tmp_path, seed=42, scale=1.0)
    tree = _tree(tmp_path)
    assert tree == _tree(landing)
    assert set(counts) == set(FOLDERS)
    # every landing folder of every tool got files
    for folder in FOLDERS:
        assert any(name.startswith(folder + "/") for name in tree), folder


def test_pagerduty_files_do_not_depend_on_other_tools(landing: Path, tmp_path: Path) -> None:
    # PagerDuty alone (as before the other tools existed) writes the very same bytes:
    # the story is laid around PagerDuty's incidents, never the other way round
    world = build_world(random.Random("world:42"), scale=1.0)
    incidents = simulate_incidents(world, random.Random("pagerduty:42"), 1.0)
    write_pagerduty_exports(incidents, tmp_path)
    alone = _tree(tmp_path)
    rest = ("pagerduty/incidents/", "pagerduty/log_entries/")
    full = {name: data for name, data in _tree(landing).items() if name.startswith(rest)}
    assert alone == full


def test_another_seed_gives_different_data(landing: Path, tmp_path: Path) -> None:
    generate(tmp_path, seed=7, scale=1.0)
    other, base = _tree(tmp_path), _tree(landing)
    for name in (
        "catalog/services/services.csv",
        "pagerduty/incidents/incidents_2026-01_p001.json",
        "pagerduty/log_entries/log_entries_2026-01_p001.json",
        "pagerduty/analytics_incidents/analytics_incidents_2026-01_p001.json",
        "opsgenie/alerts/alerts_2026-01_p001.json",
        "servicenow/incident/incident_2026-01_p001.json",
        "servicenow/change_request/change_request_2026-01_p001.json",
        "jenkins/builds/identity__auth-deploy_2026-02-01.json",
        "github/deployments/acme-corp__search_2026-01_p001.json",
    ):
        assert other[name] != base[name], name
    for folder in FOLDERS:  # both seeds fill every folder, with different content
        files = {n: b for n, b in other.items() if n.startswith(folder + "/")}
        assert files, folder
        assert files != {n: b for n, b in base.items() if n.startswith(folder + "/")}, folder
    # the fixed part of the world does not depend on the seed
    rows = list(csv.DictReader(other["catalog/services/services.csv"].decode().splitlines()))
    assert [row["service_id"] for row in rows][:2] == ["checkout-api", "payments"]


def test_returned_counts_match_the_files(landing: Path) -> None:
    counts = generate(landing, seed=42, scale=1.0)  # rewrites the same bytes
    assert counts == {folder: _records_in(landing, folder) for folder in FOLDERS}
    assert counts["catalog/services"] == 8
    # 250 distinct incidents at scale 1, most of them in two monthly exports
    assert len(set(_incident_ids(landing))) == 250
    assert 400 <= counts["pagerduty/incidents"] <= 500
    for folder in FOLDERS:
        assert counts[folder] > 0, folder


def test_catalog_csv_has_the_landing_columns(landing: Path) -> None:
    text = (landing / "catalog/services/services.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == CATALOG_HEADER
    services = {row[0]: dict(zip(CATALOG_HEADER, row, strict=True)) for row in rows[1:]}
    assert len(services) == 8
    non_production = {s for s, row in services.items() if row["is_production"] == "false"}
    assert non_production == {"data-pipeline", "internal-tools"}
    assert {row["is_production"] for row in services.values()} == {"true", "false"}
    # lists inside a cell are `;`-separated: checkout-api has two PagerDuty services
    checkout_ids = services["checkout-api"]["pagerduty_service_ids"].split(";")
    assert len(checkout_ids) == 2
    for row in services.values():
        # the Opsgenie team by name, then by id: `<service>-oncall;<uuid>`
        name, team_id = row["opsgenie_teams"].split(";")
        assert name == f"{row['service_id']}-oncall"
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", team_id
        )
        for pd_id in row["pagerduty_service_ids"].split(";"):
            assert re.fullmatch(r"P[A-Z0-9]{6}", pd_id)
        for sys_id in row["servicenow_cmdb_ci_ids"].split(";"):
            assert re.fullmatch(r"[0-9a-f]{32}", sys_id)
        assert row["github_repos"] == f"acme-corp/{row['service_id']}"
    assert services["payments"]["ticket_tags"] == "payments;billing;refund"
    assert services["payments"]["jira_components"] == "Payments;Billing"


def test_pages_have_the_rest_envelope_and_sort_in_export_order(landing: Path) -> None:
    folder = landing / "pagerduty/log_entries"
    names = sorted(path.name for path in folder.iterdir())
    assert names[-1] == "log_entries_late_export.jsonl"  # the later export sorts last
    january = [n for n in names if n.startswith("log_entries_2026-01_")]
    assert len(january) >= 2  # several pages per month at scale 1
    for index, name in enumerate(january):
        page = json.loads((folder / name).read_text("utf-8"))
        assert list(page) == ["log_entries", "limit", "offset", "more", "total"]
        assert (page["limit"], page["offset"], page["total"]) == (100, 100 * index, None)
        assert page["more"] is (index < len(january) - 1)
        assert len(page["log_entries"]) == 100 or not page["more"]
    incident_files = sorted(p.name for p in (landing / "pagerduty/incidents").iterdir())
    assert incident_files[0] == "incidents_2026-01_p001.json"
    assert incident_files[-1].startswith("incidents_2026-06_")


def test_record_shapes_and_timestamps(incident_versions, log_entries) -> None:
    record = _latest(next(iter(incident_versions.values())))
    for key in ("id", "type", "incident_number", "title", "status", "urgency", "priority",
                "service", "escalation_policy", "teams", "created_at", "updated_at",
                "last_status_change_at", "resolved_at", "last_status_change_by",
                "assignments", "acknowledgements", "assigned_via", "incident_key",
                "alert_counts", "first_trigger_log_entry", "html_url", "self"):  # fmt: skip
        assert key in record, key
    assert record["type"] == "incident"
    assert record["service"]["type"] == "service_reference"
    for versions in incident_versions.values():
        for _, rec in versions:
            for key in ("created_at", "updated_at", "last_status_change_at"):
                assert ISO_Z.match(rec[key])
            assert rec["priority"] is None or rec["priority"]["summary"] in {
                "P1", "P2", "P3", "P4", "P5"
            }  # fmt: skip
    for entries in log_entries.values():
        for entry in entries:
            assert ISO_Z.match(entry["created_at"])
            assert entry["incident"]["type"] == "incident_reference"
            assert set(entry) >= {"id", "type", "summary", "agent", "channel", "service",
                                  "teams", "contexts"}  # fmt: skip
    priorities = [_latest(v)["priority"] for v in incident_versions.values()]
    assert sum(p is None for p in priorities) >= 5  # urgency decides severity for these
    assert sum(p is not None for p in priorities) > len(priorities) / 2


def test_incident_records_follow_pagerduty_clearing_rules(incident_versions) -> None:
    by_status: dict[str, int] = defaultdict(int)
    for versions in incident_versions.values():
        for _, record in versions:
            by_status[record["status"]] += 1
            if record["status"] == "resolved":
                assert record["acknowledgements"] == []
                assert record["assignments"] == []
                assert record["resolved_at"] == record["last_status_change_at"]
                assert record["alert_counts"]["triggered"] == 0
            elif record["status"] == "triggered":
                assert record["acknowledgements"] == []
                assert record["resolved_at"] is None
                assert len(record["assignments"]) == 1
            else:
                assert record["acknowledgements"], record["id"]
                assert record["resolved_at"] is None
    assert by_status["resolved"] > 400
    assert by_status["acknowledged"] >= 2
    assert by_status["triggered"] >= 1


def test_every_incident_has_its_trigger_log_entry(incident_versions, log_entries) -> None:
    for incident_id, versions in incident_versions.items():
        triggers = [e for e in log_entries[incident_id] if e["type"] == "trigger_log_entry"]
        assert len(triggers) == 1, incident_id
        record = _latest(versions)
        assert triggers[0]["created_at"] == record["created_at"]
        assert record["first_trigger_log_entry"]["id"] == triggers[0]["id"]
    assert set(log_entries) == set(incident_versions)


def test_month_edge_incident_exported_twice(incident_versions, log_entries) -> None:
    # triggered 23:50 on 31 Jan, acked +6 min (23:56), resolved +105 min (01:35 on 1 Feb);
    # the January export at 00:30 on 1 Feb sees it acknowledged, February's sees it resolved
    incident_id = _by_created_at(incident_versions, "2026-01-31T23:50:00Z")
    (first_file, first), (second_file, second) = incident_versions[incident_id]
    assert first_file.startswith("incidents_2026-01_")
    assert second_file.startswith("incidents_2026-02_")
    assert first["status"] == "acknowledged"
    assert [a["at"] for a in first["acknowledgements"]] == ["2026-01-31T23:56:00Z"]
    assert first["updated_at"] == "2026-01-31T23:56:00Z"
    assert second["status"] == "resolved"
    assert second["resolved_at"] == "2026-02-01T01:35:00Z"
    assert second["updated_at"] > first["updated_at"]
    assert second["acknowledgements"] == [] and second["assignments"] == []
    entries = {e["type"]: e["created_at"] for e in log_entries[incident_id]}
    assert entries["acknowledge_log_entry"] == "2026-01-31T23:56:00Z"
    assert entries["resolve_log_entry"] == "2026-02-01T01:35:00Z"
    # any incident that changed between its two exports has a newer updated_at
    moved = [v for v in incident_versions.values() if len(v) == 2 and v[0][1] != v[1][1]]
    assert all(v[1][1]["updated_at"] > v[0][1]["updated_at"] for v in moved)
    assert incident_id in {v[0][1]["id"] for v in moved}


def test_resolved_without_acknowledgement(incident_versions, log_entries) -> None:
    # P4 on search, resolved through the API 7 minutes after the trigger, never acked
    incident_id = _by_created_at(incident_versions, "2026-02-10T03:12:00Z")
    types = _types(log_entries[incident_id])
    assert "acknowledge_log_entry" not in types
    resolve = log_entries[incident_id][-1]
    assert (resolve["type"], resolve["created_at"]) == ("resolve_log_entry", "2026-02-10T03:19:00Z")
    assert resolve["channel"]["type"] == "api"
    assert resolve["agent"]["type"] == "service_reference"
    unacked = [
        i for i, entries in log_entries.items()
        if "resolve_log_entry" in _types(entries) and "acknowledge_log_entry" not in _types(entries)
    ]  # fmt: skip
    assert len(unacked) >= 10


def test_open_incidents_at_export_end(incident_versions, log_entries) -> None:
    triggered = _latest(
        incident_versions[_by_created_at(incident_versions, "2026-06-30T21:40:00Z")]
    )
    assert triggered["status"] == "triggered"
    assert (triggered["priority"], triggered["urgency"]) == (None, "low")
    assert triggered["resolved_at"] is None
    acked_id = _by_created_at(incident_versions, "2026-06-30T18:05:00Z")
    acked = _latest(incident_versions[acked_id])
    assert acked["status"] == "acknowledged"
    assert [a["at"] for a in acked["acknowledgements"]] == ["2026-06-30T18:14:00Z"]
    for record in (triggered, acked):
        assert "resolve_log_entry" not in _types(log_entries[record["id"]])


def test_double_acknowledgement_and_unacknowledge(incident_versions, log_entries) -> None:
    # P1 on web-frontend at 02:14: acked 02:18, second ack by the other responder at
    # 02:19:30, the ack lapses after the service's acknowledgement timeout, re-acked +5 min
    incident_id = _by_created_at(incident_versions, "2026-05-19T02:14:00Z")
    acks = [e for e in log_entries[incident_id] if e["type"] == "acknowledge_log_entry"]
    assert [a["created_at"] for a in acks[:2]] == ["2026-05-19T02:18:00Z", "2026-05-19T02:19:30Z"]
    assert acks[0]["agent"]["id"] != acks[1]["agent"]["id"]
    unacks = [e for e in log_entries[incident_id] if e["type"] == "unacknowledge_log_entry"]
    if acks[0]["acknowledgement_timeout"]:
        timeout = timedelta(seconds=acks[0]["acknowledgement_timeout"])
        assert [_at(u["created_at"]) for u in unacks] == [_at(acks[1]["created_at"]) + timeout]
        assert _at(acks[2]["created_at"]) - _at(unacks[0]["created_at"]) == timedelta(minutes=5)
    else:
        assert unacks == []
    assert _types(log_entries[incident_id])[-1] == "resolve_log_entry"


def test_recurrence_candidates(incident_versions, log_entries) -> None:
    # auth: 09:15 on 3 Mar resolved 09:55; same key again at 14:02 on 12 Mar (9 days later)
    first = _latest(incident_versions[_by_created_at(incident_versions, "2026-03-03T09:15:00Z")])
    again = _latest(incident_versions[_by_created_at(incident_versions, "2026-03-12T14:02:00Z")])
    assert first["service"]["id"] == again["service"]["id"]
    assert first["incident_key"] == again["incident_key"]
    assert first["resolved_at"] == "2026-03-03T09:55:00Z"
    gap = _at(again["created_at"]) - _at(first["resolved_at"])
    assert gap == timedelta(days=9, hours=4, minutes=7)
    # generated incidents recur too: count pairs within 30 days on (service, incident_key)
    resolved_by_key: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    recurrences = 0
    records = sorted((_latest(v) for v in incident_versions.values()),
                     key=lambda r: r["created_at"])  # fmt: skip
    for record in records:
        key = (record["service"]["id"], record["incident_key"])
        created = _at(record["created_at"])
        if any(timedelta(0) <= created - r <= timedelta(days=30) for r in resolved_by_key[key]):
            recurrences += 1
        if record["resolved_at"]:
            resolved_by_key[key].append(_at(record["resolved_at"]))
    assert 0.15 * len(records) <= recurrences <= 0.6 * len(records)


def test_unmapped_pagerduty_service(landing: Path, incident_versions) -> None:
    text = (landing / "catalog/services/services.csv").read_text(encoding="utf-8")
    catalog_ids = {
        pd_id for row in csv.DictReader(text.splitlines())
        for pd_id in row["pagerduty_service_ids"].split(";")
    }  # fmt: skip
    incident_services = {_latest(v)["service"]["id"] for v in incident_versions.values()}
    unmapped = incident_services - catalog_ids
    assert len(unmapped) == 1
    assert incident_services & catalog_ids == catalog_ids  # every catalog service pages
    planted = _latest(incident_versions[_by_created_at(incident_versions, "2026-04-07T11:00:00Z")])
    assert planted["service"]["id"] in unmapped
    assert planted["service"]["summary"] == "Legacy Reporting"


def test_jsonl_export_repeats_page_records(landing: Path) -> None:
    folder = landing / "pagerduty/log_entries"
    pages: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        for record in json.loads(path.read_text("utf-8"))["log_entries"]:
            assert record["id"] not in pages  # no id twice across the page exports
            pages[record["id"]] = record
    lines = (folder / "log_entries_late_export.jsonl").read_text("utf-8").splitlines()
    late = [json.loads(line) for line in lines]
    assert all(set(record) >= {"id", "type", "incident"} for record in late)  # no envelope
    repeated = [record for record in late if record["id"] in pages]
    assert len(repeated) >= 20
    assert all(pages[record["id"]] == record for record in repeated)  # identical records
    assert min(r["created_at"] for r in late) >= "2026-06-23T00:00:00Z"
    assert max(r["created_at"] for r in late) <= "2026-07-01T00:30:00Z"


def test_counts_scale_linearly(landing: Path, tmp_path: Path) -> None:
    base = generate(tmp_path / "one", seed=3, scale=1.0)
    double = generate(tmp_path / "two", seed=3, scale=2.0)
    for folder in ("pagerduty/incidents", "pagerduty/log_entries"):
        assert 1.6 <= double[folder] / base[folder] <= 2.4, folder
    # the other tools grow with the number of services (8 per unit of scale)
    for folder in ("servicenow/incident", "servicenow/change_request", "jenkins/builds",
                   "gitlab/deployments", "github/deployments", "opsgenie/alerts",
                   "statuspage/incidents"):  # fmt: skip
        assert 1.2 <= double[folder] / base[folder] <= 3.5, folder
    # the support tools grow with the customers (about 40 contracts per unit of scale)
    for folder in ("zendesk/tickets", "zendesk/ticket_audits", "jira/issues",
                   "delighted/survey_responses", "crm/contracts"):  # fmt: skip
        assert 1.6 <= double[folder] / base[folder] <= 2.4, folder
    assert double["catalog/services"] == 16
    # the core services keep their ids whatever the scale
    one = (tmp_path / "one/catalog/services/services.csv").read_text("utf-8").splitlines()
    two = (tmp_path / "two/catalog/services/services.csv").read_text("utf-8").splitlines()
    assert two[:9] == one
    small = generate(tmp_path / "tenth", seed=3, scale=0.1)
    assert 10 <= len(set(_incident_ids(tmp_path / "tenth"))) <= 30
    assert small["catalog/services"] == 8


def test_cli_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path), "--seed", "1", "--scale", "0.2"]) == 0
    out = capsys.readouterr().out
    assert "pagerduty/incidents" in out and "catalog/services" in out
    assert (tmp_path / "catalog/services/services.csv").exists()
