"""Jenkins build exports (source-exports.md §6b, landing.md ``jenkins/builds``) through the
loader: ``/job/<name>/api/json?tree=builds[...]`` pages (records under ``builds``), JSON
Lines of builds, the job a file name carries (``<job, "/" as "__">@<anything>.json`` or
``<job>_<suffix>.json``), and builds whose number, epoch or duration cannot be read. Job
names from urls, the latest copy, durations and actions by ``_class`` are asserted by
the dbt unit tests in ``models/staging/jenkins/_jenkins__models.yml``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.ingest.jenkins import job_hint
from orchestration.ingest.loader import FileResult, ingest
from orchestration_tests.ingest.payloads import json_lines, rejections, rows, write

BUILDS = "jenkins/builds"

# source-exports.md §6b, the example build, byte for byte.
BUILD_JSON = """{"_class":"hudson.model.FreeStyleBuild","number":39,"id":"39","result":"SUCCESS","building":false,"timestamp":1599990000000,"duration":78000,"url":"http://jenkins/job/my-job/39/",
 "actions":[{"_class":"hudson.model.CauseAction","causes":[{"shortDescription":"Started by user Ana"}]},
  {"_class":"hudson.model.ParametersAction","parameters":[{"_class":"hudson.model.StringParameterValue","name":"DEPLOY_ENV","value":"production"}]},{},
  {"_class":"hudson.plugins.git.util.BuildData","lastBuiltRevision":{"SHA1":"feb1b47c185e0c37ce21ef8c36d0637419b6b1ac","branch":[{"SHA1":"feb1b47c…","name":"origin/main"}]}}]}"""  # noqa: E501
BUILD: dict[str, Any] = json.loads(BUILD_JSON)
# The next build, exported while it runs: no result, duration 0.
RUNNING: dict[str, Any] = {
    **BUILD,
    "number": 40,
    "id": "40",
    "result": None,
    "building": True,
    "timestamp": 1600000000000,
    "duration": 0,
    "url": "http://jenkins/job/my-job/40/",
}
JOB = {"_class": "hudson.model.FreeStyleProject"}


def _job_page(*builds: Any, **job: Any) -> bytes:
    """The job object with its builds, as ``/job/<name>/api/json?tree=builds[...]``."""
    return json.dumps({**(job or JOB), "builds": list(builds)}).encode()


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("my-job@2020-09-13.json", {"job_name": "my-job"}),
        ("team__svc-deploy@2020-09-13T06_00.json", {"job_name": "team/svc-deploy"}),
        ("a__b__c@p1.jsonl", {"job_name": "a/b/c"}),
        ("team__svc-deploy_2020-09-13.json", {"job_name": "team/svc-deploy"}),
        ("my_job_2020-09-13.json", {"job_name": "my_job"}),  # the suffix is after the last "_"
        ("my_job@2020_09_13.json", {"job_name": "my_job"}),  # "@" wins over "_"
        ("my-job-page-1.json", {}),  # neither "@" nor "_": no job
        ("team__svc.json", {}),  # "__" is a folder separator, not a suffix
        ("@2020-09-13.json", {}),  # nothing before the "@"
    ],
)
def test_job_hint_reads_the_job_from_the_file_name(name: str, hint: dict[str, str]) -> None:
    assert job_hint(Path(BUILDS) / name) == hint


def test_job_page_keeps_builds_and_the_job_from_envelope_and_file_name(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    rel = f"{BUILDS}/team__svc-deploy@2020-09-13.json"
    job = {
        "_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
        "fullName": "team/svc-deploy",
    }
    write(landing, rel, _job_page(RUNNING, BUILD, **job))

    summary = ingest(con, landing)

    assert summary.files == [FileResult(rel, "jenkins__builds", "loaded", 2, 0, "")]
    loaded = rows(
        con,
        "select _record_number, json_extract_string(record_json, '$.number'),"
        " json_extract_string(record_json, '$.building'),"
        " json_extract_string(record_json, '$.timestamp'), record_json, _file_context"
        " from raw.jenkins__builds order by _record_number",
    )
    assert [row[:4] for row in loaded] == [
        (1, "40", "true", "1600000000000"),
        (2, "39", "false", "1599990000000"),
    ]
    # Every field of the example survives, the `{}` action and the actions' order too.
    assert [json.loads(row[4]) for row in loaded] == [RUNNING, BUILD]
    assert json.loads(loaded[1][4])["actions"][2] == {}
    # The job object without its builds, plus the job the file name carries.
    assert json.loads(loaded[0][5]) == {**job, "job_name": "team/svc-deploy"}


def test_names_without_a_job_and_json_lines_keep_only_what_the_file_has(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    write(landing, f"{BUILDS}/my-job-page-1.json", _job_page(BUILD))
    write(landing, f"{BUILDS}/my-job@builds.jsonl", json_lines(RUNNING))

    ingest(con, landing)

    assert rows(
        con,
        "select _file_path, json_extract_string(record_json, '$.number'), _file_context"
        " from raw.jenkins__builds order by _file_path",
    ) == [
        (f"{BUILDS}/my-job-page-1.json", "39", '{"_class":"hudson.model.FreeStyleProject"}'),
        (f"{BUILDS}/my-job@builds.jsonl", "40", '{"job_name": "my-job"}'),
    ]


def test_building_and_finished_copies_of_a_build_are_both_kept_raw(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    finished = {**RUNNING, "result": "ABORTED", "building": False, "duration": 4500}
    write(landing, f"{BUILDS}/my-job@2020-09-13T12.json", _job_page(RUNNING))
    write(landing, f"{BUILDS}/my-job@2020-09-13T13.json", _job_page(finished))

    ingest(con, landing)

    # Staging picks the finished copy; raw keeps every export as it came.
    assert rows(
        con,
        "select _file_path, json_extract_string(record_json, '$.result'),"
        " json_extract_string(record_json, '$.duration') from raw.jenkins__builds"
        " order by _file_path",
    ) == [
        (f"{BUILDS}/my-job@2020-09-13T12.json", None, "0"),
        (f"{BUILDS}/my-job@2020-09-13T13.json", "ABORTED", "4500"),
    ]


def test_builds_without_number_or_with_unreadable_epoch_or_duration_are_rejected(
    landing: Path, con: duckdb.DuckDBPyConnection
) -> None:
    no_number = {key: value for key, value in BUILD.items() if key != "number"}
    iso_time = {**BUILD, "number": 41, "timestamp": "2020-09-13T09:40:00Z"}
    text_duration = {**BUILD, "number": 42, "duration": "78s", "building": "no"}
    records = [BUILD, no_number, iso_time, text_duration]
    rel = f"{BUILDS}/my-job@p1.json"
    write(landing, rel, _job_page(*records))

    summary = ingest(con, landing)

    # 4 records: #1 loads; #2, #3, #4 are rejected.
    assert summary.files == [
        FileResult(rel, "jenkins__builds", "partial", 1, 3, "3 record(s) rejected")
    ]
    found = rejections(con, rel)
    assert [(number, reason) for number, reason, _ in found] == [
        (2, "missing required field number"),
        (3, "unparsable epoch_ms timestamp: 2020-09-13T09:40:00Z"),
        (4, "unparsable number duration: 78s; unparsable boolean building: no"),
    ]
    assert [json.loads(raw_text) for _, _, raw_text in found] == records[1:]


def test_a_page_without_builds_is_rejected(landing: Path, con: duckdb.DuckDBPyConnection) -> None:
    # A folder's /api/json lists jobs, not builds: dropped here by mistake.
    content = json.dumps(
        {"_class": "com.cloudbees.hudson.plugins.folder.Folder", "jobs": [{"name": "svc"}]}
    ).encode()
    write(landing, f"{BUILDS}/team@folder.json", content)

    summary = ingest(con, landing)

    reason = "the page has no 'builds' array (records are under 'builds')"
    assert [(r.status, r.message) for r in summary.files] == [("rejected", reason)]
    assert rejections(con, f"{BUILDS}/team@folder.json") == [(None, reason, content.decode())]
