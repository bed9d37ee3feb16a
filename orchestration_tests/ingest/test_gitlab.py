"""GitLab exports (source-exports.md §6a, landing.md ``gitlab/*``) through the loader:
top-level array pages and JSON Lines, the project id a file name carries, and records
whose id or times cannot be read. What staging makes of them (finished_at without a
top-level field, commit offsets to UTC) is asserted by the dbt unit tests in
``models/staging/gitlab/_gitlab__models.yml``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.ingest.gitlab import project_hint
from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import json_lines, ledger, rejections, rows, write

DEPLOYMENTS = "gitlab/deployments"
ENVIRONMENTS = "gitlab/environments"
MERGE_REQUESTS = "gitlab/merge_requests"

# source-exports.md §6a, the example deployment, byte for byte.
DEPLOYMENT_JSON = """{"id":42,"iid":2,"ref":"main","sha":"a91957a858320c0e17f3a0eca7cfacbff50ea29a","created_at":"2016-08-11T11:32:35.444Z","updated_at":"2016-08-11T11:34:01.123Z","status":"success",
 "environment":{"id":9,"name":"production","external_url":"https://about.gitlab.com"},
 "deployable":{"id":664,"status":"success","stage":"deploy","name":"deploy","started_at":null,"finished_at":"2016-08-11T11:32:35.145Z",
   "pipeline":{"id":42,"sha":"a91957a8…","ref":"main","status":"success"}}}"""  # noqa: E501
DEPLOYMENT: dict[str, Any] = json.loads(DEPLOYMENT_JSON)
# The next deployment of the project: running, its job's commit dated in the author's +02:00.
RUNNING: dict[str, Any] = {
    **DEPLOYMENT,
    "id": 43,
    "iid": 3,
    "status": "running",
    "updated_at": "2016-08-12T09:00:00.000Z",
    "deployable": {
        **DEPLOYMENT["deployable"],
        "id": 665,
        "status": "running",
        "finished_at": None,
        "commit": {"id": "b2c3", "created_at": "2016-08-12T10:55:00.000+02:00"},
        "pipeline": {"id": 43, "project_id": 7, "status": "running"},
    },
}
ENVIRONMENT: dict[str, Any] = {
    "id": 9,
    "name": "production",
    "slug": "production",
    "external_url": "https://about.gitlab.com",
    "state": "available",
    "tier": "production",
    "created_at": "2016-08-01T10:00:00.000Z",
    "updated_at": "2016-08-11T11:34:01.123Z",
}
MERGE_REQUEST: dict[str, Any] = {
    "id": 501,
    "iid": 12,
    "project_id": 7,
    "title": "Fix checkout",
    "state": "merged",
    "created_at": "2016-08-09T08:00:00.000Z",
    "updated_at": "2016-08-10T15:00:05.000Z",
    "merged_at": "2016-08-10T15:00:00.000Z",
    "closed_at": None,
    "source_branch": "fix",
    "target_branch": "main",
    "sha": "aaa1",
    "merge_commit_sha": "a91957a858320c0e17f3a0eca7cfacbff50ea29a",
    "squash_commit_sha": None,
    "author": {"id": 1, "username": "ana"},
    "merge_user": {"id": 2, "username": "root"},
}


def _array(*records: Any) -> bytes:
    return json.dumps(list(records)).encode()


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("project-4711_2026-03-01.json", {"project_id": "4711"}),
        ("project-4711_page_2.jsonl", {"project_id": "4711"}),
        ("project-4711.json", {"project_id": "4711"}),
        ("project-abc_2026-03-01.json", {}),  # not a numeric id
        ("myproject-4711_x.json", {}),  # the prefix must start the name
        ("deployments.json", {}),
    ],
)
def test_project_hint_reads_the_id_from_the_file_name(name: str, hint: dict[str, str]) -> None:
    assert project_hint(Path("gitlab/deployments") / name) == hint


def test_deployments_page_keeps_the_record_and_the_file_names_project(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    content = _array(DEPLOYMENT, RUNNING)
    write(landing, f"{DEPLOYMENTS}/project-7_2016-08-12.json", content)

    summary = ingest(con, landing)

    rel = f"{DEPLOYMENTS}/project-7_2016-08-12.json"
    assert summary.files == [FileResult(rel, "gitlab__deployments", "loaded", 2, 0, "")]
    loaded = rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.id'),"
        " json_extract_string(record_json, '$.deployable.finished_at'),"
        " json_extract_string(record_json, '$.deployable.pipeline.project_id'),"
        " record_json, _file_context"
        " from raw.gitlab__deployments order by _record_number",
    )
    # The example has no pipeline project_id: only the file name's 7 tells its project.
    assert [row[:4] for row in loaded] == [
        (1, "42", "2016-08-11T11:32:35.145Z", None),
        (2, "43", None, "7"),
    ]
    assert [json.loads(row[4]) for row in loaded] == [DEPLOYMENT, RUNNING]
    assert [json.loads(row[5]) for row in loaded] == [{"project_id": "7"}] * 2


def test_json_lines_and_names_without_a_project_load_too(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(landing, f"{DEPLOYMENTS}/project-12_export.jsonl", json_lines(DEPLOYMENT))
    write(landing, f"{DEPLOYMENTS}/all-projects.json", _array(RUNNING))

    ingest(con, landing)

    assert rows(
        con,
        "select _file_path, _record_number, json_extract_string(record_json, '$.id'),"
        " _file_context from raw.gitlab__deployments order by _file_path",
    ) == [
        (f"{DEPLOYMENTS}/all-projects.json", 1, "43", "{}"),
        (f"{DEPLOYMENTS}/project-12_export.jsonl", 1, "42", '{"project_id": "12"}'),
    ]


def test_the_same_page_under_two_project_names_loads_for_both(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # Identical content, different projects: the file name carries data, so the second
    # file is not "the same content as the first" (an empty page is the usual case).
    write(landing, f"{ENVIRONMENTS}/project-7_p1.json", b"[]")
    write(landing, f"{ENVIRONMENTS}/project-8_p1.json", b"[]")

    summary = ingest(con, landing)

    assert [(r.path, r.status, r.records) for r in summary.files] == [
        (f"{ENVIRONMENTS}/project-7_p1.json", "loaded", 0),
        (f"{ENVIRONMENTS}/project-8_p1.json", "loaded", 0),
    ]
    assert [entry[7] for entry in ledger(con)] == ["loaded", "loaded"]


def test_deployments_without_id_or_with_unreadable_times_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    no_id = {key: value for key, value in DEPLOYMENT.items() if key != "id"}
    bad_job_end = {
        **RUNNING,
        "id": 44,
        "deployable": {**RUNNING["deployable"], "finished_at": "soon"},
    }
    bad_commit = {
        **RUNNING,
        "id": 45,
        "iid": "three",
        "deployable": {**RUNNING["deployable"], "commit": {"created_at": "13:28 CEST"}},
    }
    records = [DEPLOYMENT, no_id, bad_job_end, bad_commit]
    rel = f"{DEPLOYMENTS}/project-7_p1.json"
    write(landing, rel, _array(*records))

    summary = ingest(con, landing)

    # 4 records: #1 loads; #2, #3, #4 are rejected.
    assert summary.files == [
        FileResult(rel, "gitlab__deployments", "partial", 1, 3, "3 record(s) rejected")
    ]
    found = rejections(con, rel)
    assert [(number, reason) for number, reason, _ in found] == [
        (2, "missing required field id"),
        (3, "unparsable timestamp deployable.finished_at: soon"),
        (
            4,
            "unparsable number iid: three; "
            "unparsable timestamp deployable.commit.created_at: 13:28 CEST",
        ),
    ]
    assert [json.loads(raw_text) for _, _, raw_text in found] == records[1:]


def test_environments_and_merge_requests_land_in_their_own_tables(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    stopped = {**ENVIRONMENT, "id": 10, "name": "review/fix", "state": "stopped", "tier": "other"}
    write(landing, f"{ENVIRONMENTS}/project-7_p1.json", _array(ENVIRONMENT, stopped))
    not_merged = {**MERGE_REQUEST, "id": 502, "iid": 13, "merged_at": "not merged"}
    write(landing, f"{MERGE_REQUESTS}/page-1.json", _array(MERGE_REQUEST, not_merged))

    summary = ingest(con, landing)

    assert sorted((r.raw_table, r.status, r.records, r.rejected) for r in summary.files) == [
        ("gitlab__environments", "loaded", 2, 0),
        ("gitlab__merge_requests", "partial", 1, 1),
    ]
    assert rows(
        con,
        "select json_extract_string(record_json, '$.tier'),"
        " json_extract_string(record_json, '$.state'), _file_context"
        " from raw.gitlab__environments order by _record_number",
    ) == [
        ("production", "available", '{"project_id": "7"}'),
        ("other", "stopped", '{"project_id": "7"}'),
    ]
    assert rows(
        con,
        "select json_extract_string(record_json, '$.merge_commit_sha'), _file_context"
        " from raw.gitlab__merge_requests",
    ) == [("a91957a858320c0e17f3a0eca7cfacbff50ea29a", "{}")]
    assert [(n, reason) for n, reason, _ in rejections(con, f"{MERGE_REQUESTS}/page-1.json")] == [
        (2, "unparsable timestamp merged_at: not merged")
    ]


def test_a_page_that_is_an_object_is_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    # One deployment (GET /projects/:id/deployments/:id) instead of the list page.
    content = json.dumps(DEPLOYMENT).encode()
    write(landing, f"{DEPLOYMENTS}/project-7_single.json", content)

    summary = ingest(con, landing)

    reason = "unexpected object JSON: expected a top-level array"
    assert [(r.status, r.message) for r in summary.files] == [("rejected", reason)]
    assert rejections(con, f"{DEPLOYMENTS}/project-7_single.json") == [
        (None, reason, content.decode())
    ]
