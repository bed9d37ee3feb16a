"""Payloads for the ingest tests: the PagerDuty examples of source-exports.md §1, verbatim,
and small helpers to lay out a landing folder and read the warehouse back."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb

# source-exports.md §1a, the example incident, byte for byte.
INCIDENT_JSON = """{"id":"PT4KHLK","type":"incident","incident_number":1234,"title":"The server is on fire.","status":"resolved","urgency":"high",
 "created_at":"2015-10-06T21:30:42Z","updated_at":"2015-10-06T21:40:23Z","last_status_change_at":"2015-10-06T21:38:23Z","resolved_at":"2015-10-06T21:38:23Z",
 "service":{"id":"PIJ90N7","type":"service_reference","summary":"My Mail Service"},
 "escalation_policy":{"id":"PT20YPA","type":"escalation_policy_reference","summary":"Another Escalation Policy"},
 "teams":[{"id":"PQ9K7I8","type":"team_reference","summary":"Engineering"}],
 "priority":{"id":"P53ZZH5","type":"priority_reference","summary":"P2"},
 "assignments":[],"acknowledgements":[],"assigned_via":"escalation_policy","incident_key":"baf7cf21b1da41b4b0221008339ff357",
 "last_status_change_by":{"id":"PXPGF42","type":"user_reference","summary":"Earline Greenholt"}}"""  # noqa: E501

# source-exports.md §1b, the example log entry, byte for byte.
LOG_ENTRY_JSON = """{"id":"Q02JTSNZWHSEKV","type":"trigger_log_entry","summary":"Triggered through the API","created_at":"2015-11-07T00:14:20Z",
 "agent":{"id":"PIJ90N7","type":"service_reference","summary":"My Mail Service"},"channel":{"type":"api"},
 "incident":{"id":"PT4KHLK","type":"incident_reference","summary":"[#1234] The server is on fire."},
 "teams":[{"id":"PQ9K7I8","type":"team_reference"}],"contexts":[],"event_details":{"description":"Tasks::SFDCValidator - PD_Data__c - duplicates"}}"""  # noqa: E501

INCIDENT: dict[str, Any] = json.loads(INCIDENT_JSON)
LOG_ENTRY: dict[str, Any] = json.loads(LOG_ENTRY_JSON)
# A second, valid incident: the example one hour later, with another id and number.
INCIDENT_2: dict[str, Any] = {
    **INCIDENT,
    "id": "PQ1R2ST",
    "incident_number": 1235,
    "created_at": "2015-10-06T22:30:42Z",
    "priority": None,
}

# The REST v2 list envelope around the records (limit/offset/more/total).
ENVELOPE: dict[str, Any] = {"limit": 25, "offset": 0, "more": False, "total": None}

# landing.md, catalog/services: the required columns, then the optional ones.
CATALOG_REQUIRED = (
    "service_id,service_name,criticality,owner_team,is_production,pagerduty_service_ids,"
    "opsgenie_teams,statuspage_component_ids,servicenow_cmdb_ci_ids,gitlab_project_ids,"
    "jenkins_jobs,github_repos"
)
CATALOG_HEADER = CATALOG_REQUIRED + ",ticket_tags,jira_components"


def page(key: str, *records: Any, **envelope: Any) -> bytes:
    """A REST list page: ``{key: [records], limit, offset, more, total}``."""
    return json.dumps({key: list(records), **(envelope or ENVELOPE)}).encode()


def json_lines(*records: Any, newline: str = "\n") -> bytes:
    return "".join(json.dumps(record) + newline for record in records).encode()


def write(landing: Path, rel: str, content: bytes | str) -> Path:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return con.execute(sql, list(params)).fetchall()


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    result = con.execute(f"select count(*) from {table}").fetchone()
    assert result is not None
    return int(result[0])


def ledger(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """The ledger without its timestamp: path, sha, folder, table, bytes, records,
    rejected, status, message."""
    return rows(
        con,
        "select file_path, file_sha256, source_folder, raw_table, bytes, records, rejected,"
        " status, message from raw.ingest_files order by file_path",
    )


def rejections(con: duckdb.DuckDBPyConnection, file_path: str) -> list[tuple[Any, ...]]:
    """One file's rejections: record_number, reason, raw_text."""
    return rows(
        con,
        "select record_number, reason, raw_text from raw.ingest_rejections"
        " where file_path = ? order by record_number nulls first",
        file_path,
    )


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
