"""GitHub deployment exports (source-exports.md §6c, landing.md ``github/*``) through the
loader: top-level array pages and JSON Lines; a status without ``deployment_url`` is
rejected (nothing else ties it to its deployment). Cutting ``owner/name`` and the
deployment id out of the urls is asserted by the dbt unit tests in
``models/staging/github/_github__models.yml``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import json_lines, rejections, rows, write

DEPLOYMENTS = "github/deployments"
STATUSES = "github/deployment_statuses"

# source-exports.md §6c, the example deployment and its status, byte for byte.
EXAMPLE_JSON = """{"deployment":{"id":1,"sha":"a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d","ref":"main","task":"deploy","environment":"production","production_environment":true,"created_at":"2024-05-01T10:00:00Z"},
 "status":{"id":11,"state":"success","environment":"production","log_url":"https://ci.example.com/run/77","created_at":"2024-05-01T10:07:31Z"}}"""  # noqa: E501
EXAMPLE: dict[str, Any] = json.loads(EXAMPLE_JSON)
REPOSITORY_URL = "https://api.github.com/repos/acme-corp/checkout"
# As the list endpoints return them: the example plus the urls that name repo and deployment.
DEPLOYMENT: dict[str, Any] = {
    **EXAMPLE["deployment"],
    "url": f"{REPOSITORY_URL}/deployments/1",
    "statuses_url": f"{REPOSITORY_URL}/deployments/1/statuses",
    "repository_url": REPOSITORY_URL,
    "payload": {"change_request": "CHG0030040"},
    "creator": {"login": "octocat", "id": 1},
    "updated_at": "2024-05-01T10:07:31Z",
}
STATUS: dict[str, Any] = {
    **EXAMPLE["status"],
    "deployment_url": f"{REPOSITORY_URL}/deployments/1",
    "creator": {"login": "octocat", "id": 1},
    "updated_at": "2024-05-01T10:07:31Z",
}


def _array(*records: Any) -> bytes:
    return json.dumps(list(records)).encode()


def test_deployments_and_statuses_pages_keep_their_records_and_urls(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    inactive = {**STATUS, "id": 12, "state": "inactive", "created_at": "2024-05-03T08:00:00Z"}
    write(landing, f"{DEPLOYMENTS}/checkout-p1.json", _array(DEPLOYMENT))
    write(landing, f"{STATUSES}/checkout-1-p1.json", _array(STATUS, inactive))

    summary = ingest(con, landing)

    assert sorted((r.path, r.raw_table, r.status, r.records) for r in summary.files) == [
        (f"{STATUSES}/checkout-1-p1.json", "github__deployment_statuses", "loaded", 2),
        (f"{DEPLOYMENTS}/checkout-p1.json", "github__deployments", "loaded", 1),
    ]
    [(record_json, repository_url, context)] = rows(
        con,
        "select record_json, json_extract_string(record_json, '$.repository_url'),"
        " _file_context from raw.github__deployments",
    )
    assert json.loads(record_json) == DEPLOYMENT
    # A top-level array has no envelope and GitHub file names carry nothing.
    assert (repository_url, context) == (REPOSITORY_URL, None)
    assert rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.state'),"
        " json_extract_string(record_json, '$.deployment_url')"
        " from raw.github__deployment_statuses order by _record_number",
    ) == [
        (1, "success", f"{REPOSITORY_URL}/deployments/1"),
        (2, "inactive", f"{REPOSITORY_URL}/deployments/1"),
    ]


def test_a_status_without_deployment_url_or_id_is_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # The spec example's status as printed: nothing ties it to deployment 1.
    bare = EXAMPLE["status"]
    neither = {key: value for key, value in bare.items() if key != "id"}
    late = {**STATUS, "id": 13, "created_at": "May 1st"}
    rel = f"{STATUSES}/statuses.jsonl"
    write(landing, rel, json_lines(STATUS, bare, neither, late))

    summary = ingest(con, landing)

    # 4 lines: #1 loads; #2, #3, #4 are rejected.
    assert summary.files == [
        FileResult(rel, "github__deployment_statuses", "partial", 1, 3, "3 record(s) rejected")
    ]
    found = rejections(con, rel)
    assert [(number, reason) for number, reason, _ in found] == [
        (2, "missing required field deployment_url"),
        (3, "missing required field id; missing required field deployment_url"),
        (4, "unparsable timestamp created_at: May 1st"),
    ]
    assert [json.loads(raw_text) for _, _, raw_text in found] == [bare, neither, late]


def test_deployments_without_id_or_with_unreadable_flags_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    no_id = {key: value for key, value in DEPLOYMENT.items() if key != "id"}
    maybe = {**DEPLOYMENT, "id": 2, "production_environment": "maybe"}
    rel = f"{DEPLOYMENTS}/page.json"
    write(landing, rel, _array(DEPLOYMENT, no_id, maybe))

    ingest(con, landing)

    assert [(n, reason) for n, reason, _ in rejections(con, rel)] == [
        (2, "missing required field id"),
        (3, "unparsable boolean production_environment: maybe"),
    ]
    assert rows(
        con, "select json_extract_string(record_json, '$.id') from raw.github__deployments"
    ) == [("1",)]


def test_the_spec_examples_wrapper_object_is_not_a_page(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # `{"deployment": …, "status": …}` pairs two records for reading; the API pages are
    # top-level arrays, so such a file is rejected whole with the reason.
    content = EXAMPLE_JSON.encode()
    write(landing, f"{DEPLOYMENTS}/example.json", content)

    summary = ingest(con, landing)

    reason = "unexpected object JSON: expected a top-level array"
    assert [(r.status, r.message) for r in summary.files] == [("rejected", reason)]
    assert rejections(con, f"{DEPLOYMENTS}/example.json") == [(None, reason, EXAMPLE_JSON)]
