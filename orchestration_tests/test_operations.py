"""Operations (issue 10): one writer at a time and the landing sensor (the schedules, the
sensor and the run queue load in test_definitions.py). Cheap: no dbt build; the sensor's
ledger is filled by `ingest` directly."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.build_plan import ledger_watermarks, project_fingerprint, record_build
from orchestration.ingest.loader import connect, ingest
from orchestration.ingest.registry import REGISTRY
from orchestration.resources import WarehouseResource
from orchestration.writer_lock import WarehouseBusy, lock_path, warehouse_writer
from orchestration_tests.conftest import E2E_LANDING, PROJECT_ROOT, run_cli

INCIDENTS = E2E_LANDING / "pagerduty" / "incidents"
FILE_A = INCIDENTS / "incidents_2026-01_p001.json"
FILE_B = INCIDENTS / "incidents_2026-02_p001.json"

HOLDER_SCRIPT = """
import sys
from orchestration.writer_lock import warehouse_writer
with warehouse_writer(sys.argv[1], command="make run (test holder)"):
    print("held", flush=True)
    sys.stdin.read()
"""


class Holder:
    """Another process holding the warehouse's writer lock until closed."""

    def __init__(self, warehouse: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER_SCRIPT, str(warehouse)],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "held"

    @property
    def pid(self) -> int:
        return self.process.pid

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


@pytest.fixture
def holder(tmp_path: Path):
    started = Holder(tmp_path / "warehouse.duckdb")
    yield started
    started.close()


# -- one writer ---------------------------------------------------------------------------
def test_a_second_make_run_stops_with_a_message_naming_the_running_one(
    tmp_path: Path, holder: Holder
) -> None:
    landing = tmp_path / "landing"
    result = run_cli(landing, tmp_path / "warehouse.duckdb", "run")
    assert result.returncode == 75
    assert "NOT STARTED" in result.stderr
    assert f"pid {holder.pid} (make run (test holder))" in result.stderr
    assert "--wait SECONDS" in result.stderr
    # Stopped before touching anything: no samples generated, no warehouse file opened.
    assert not landing.exists()
    assert not (tmp_path / "warehouse.duckdb").exists()
    assert "Could not set lock" not in result.stdout + result.stderr


def test_a_dagster_run_fails_naming_the_writer_instead_of_a_raw_lock_error(
    tmp_path: Path, holder: Holder
) -> None:
    @dg.asset
    def touches_warehouse(warehouse: WarehouseResource) -> None:
        connect(warehouse.warehouse_path).close()

    resource = WarehouseResource(
        landing_dir=str(tmp_path / "landing"),
        warehouse_path=str(tmp_path / "warehouse.duckdb"),
        lock_wait_seconds=0,
    )
    result = dg.materialize(
        [touches_warehouse], resources={"warehouse": resource}, raise_on_error=False
    )
    assert not result.success
    messages = "\n".join(str(event.message) for event in result.all_events)
    failures = [
        event for event in result.all_events if event.event_type_value == "RESOURCE_INIT_FAILURE"
    ]
    assert failures, messages
    error = failures[0].event_specific_data.error
    assert error.cls_name == "WarehouseBusy"
    assert f"pid {holder.pid} (make run (test holder))" in error.message
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_the_lock_goes_with_the_process_that_held_it(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    crashed = Holder(warehouse)
    with pytest.raises(WarehouseBusy), warehouse_writer(warehouse):
        pass
    os.kill(crashed.pid, signal.SIGKILL)
    crashed.process.wait(timeout=30)
    # A killed run leaves its lock file, never its lock.
    assert lock_path(warehouse).exists()
    with warehouse_writer(warehouse, command="next run") as info:
        assert info.holder["command"] == "next run"
        assert json.loads(lock_path(warehouse).read_text())["pid"] == os.getpid()


def test_the_cli_exit_keeps_its_output_and_exit_code(tmp_path: Path) -> None:
    # exit_quickly ends the process with os._exit, which drops unflushed buffers: piped
    # output (block-buffered) and a log handler's line must still arrive, and the code too.
    script = (
        "import logging, sys\n"
        "from orchestration.cli import exit_quickly\n"
        "logging.basicConfig(stream=sys.stderr)\n"
        "print('summary line', end='')\n"
        "logging.getLogger('t').warning('log line')\n"
        "exit_quickly(75)\n"
    )
    buffered = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=buffered,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 75
    assert done.stdout == "summary line"
    assert "log line" in done.stderr


def test_the_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with warehouse_writer(warehouse, command="make run"):
        with warehouse_writer(warehouse, command="a step of the same run") as inner:
            assert inner.holder["command"] == "make run"
        # still held after the inner block: another process would be refused
        assert json.loads(lock_path(warehouse).read_text())["command"] == "make run"
    assert lock_path(warehouse).read_text() == ""


# -- the landing sensor -------------------------------------------------------------------
def _tick(landing: Path, warehouse: Path, cursor: str | None, monkeypatch) -> dg.SensorResult:
    from orchestration.sensors import landing_sensor

    monkeypatch.setenv("KPI_LANDING_DIR", str(landing))
    monkeypatch.setenv("KPI_WAREHOUSE_PATH", str(warehouse))
    context = dg.build_sensor_context(cursor=cursor)
    return landing_sensor(context)


def _load(landing: Path, warehouse: Path) -> None:
    con = connect(warehouse)
    try:
        ingest(con, landing)
    finally:
        con.close()


def _record_build(warehouse: Path) -> None:
    """As a successful full build of every raw table with the current project would."""
    con = connect(warehouse)
    try:
        record_build(
            con,
            [spec.raw_table for spec in REGISTRY],
            ledger_watermarks(con),
            project_fingerprint(),
        )
    finally:
        con.close()


def test_the_sensor_requests_each_new_file_exactly_once(
    tmp_path: Path, monkeypatch, dbt_manifest: Path
) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    folder = landing / "pagerduty" / "incidents"
    folder.mkdir(parents=True)
    shutil.copy2(FILE_A, folder / FILE_A.name)

    # A: new (no warehouse yet) -> one run request.
    first = _tick(landing, warehouse, None, monkeypatch)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].tags["kpi/new_files"] == "1"
    assert first.run_requests[0].tags["kpi/warehouse"] == "writer"
    # The run has not loaded A yet (queued): not requested again.
    second = _tick(landing, warehouse, first.cursor, monkeypatch)
    assert second.run_requests == []
    assert "1 requested, not loaded yet" in second.skip_reason.skip_message
    # The run loads A: the ledger has it, the cursor lets it go.
    _load(landing, warehouse)
    third = _tick(landing, warehouse, second.cursor, monkeypatch)
    assert third.run_requests == []
    assert json.loads(third.cursor) == []
    # Touched but unchanged (a new mtime): not new; the same content under another
    # name in the same folder: not new either (ingest would skip it).
    os.utime(folder / FILE_A.name, (1, 1))
    shutil.copy2(FILE_A, folder / "incidents_2026-01_p001_copy.json")
    fourth = _tick(landing, warehouse, third.cursor, monkeypatch)
    assert fourth.run_requests == []
    # B lands: exactly one request, for B alone.
    shutil.copy2(FILE_B, folder / FILE_B.name)
    fifth = _tick(landing, warehouse, fourth.cursor, monkeypatch)
    assert len(fifth.run_requests) == 1
    assert fifth.run_requests[0].tags["kpi/new_files"] == "1"
    assert fifth.run_requests[0].run_key != first.run_requests[0].run_key
    assert len(json.loads(fifth.cursor)) == 1
    # Nothing built yet: the request is for the whole job (a first build).
    assert fifth.run_requests[0].asset_selection is None
    assert fifth.run_requests[0].tags["kpi/plan"] == "full"
    # B loaded and built; then A replaced under the same name with other content: new
    # again, and the run asks for PagerDuty incidents' ingest and what is downstream only.
    _load(landing, warehouse)
    _record_build(warehouse)
    changed = (folder / FILE_A.name).read_text().replace("PCHK001", "PSRCH01")
    (folder / FILE_A.name).write_text(changed)
    sixth = _tick(landing, warehouse, fifth.cursor, monkeypatch)
    assert len(sixth.run_requests) == 1
    assert json.loads(sixth.cursor) != json.loads(fifth.cursor)
    request = sixth.run_requests[0]
    assert request.tags["kpi/plan"] == "changed"
    assert {key for key in request.asset_selection if key.path[0] == "raw"} == {
        dg.AssetKey(["raw", "pagerduty__incidents"])
    }
    assert dg.AssetKey(["marts", "fct_incidents"]) in request.asset_selection
    assert dg.AssetKey(["marts", "fct_tickets"]) not in request.asset_selection


def test_the_sensor_skips_while_a_run_writes(tmp_path: Path, monkeypatch, holder: Holder) -> None:
    landing = tmp_path / "landing"
    (landing / "pagerduty" / "incidents").mkdir(parents=True)
    shutil.copy2(FILE_A, landing / "pagerduty" / "incidents" / FILE_A.name)
    result = _tick(landing, tmp_path / "warehouse.duckdb", None, monkeypatch)
    assert result.run_requests == []
    assert f"pid {holder.pid}" in result.skip_reason.skip_message
    assert result.cursor == "[]"


def test_the_daily_schedule_builds_what_new_rows_reach(
    tmp_path: Path, monkeypatch, dbt_manifest: Path
) -> None:
    from orchestration.schedules import daily_pipeline_schedule

    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    folder = landing / "pagerduty" / "incidents"
    folder.mkdir(parents=True)
    shutil.copy2(FILE_A, folder / FILE_A.name)
    monkeypatch.setenv("KPI_LANDING_DIR", str(landing))
    monkeypatch.setenv("KPI_WAREHOUSE_PATH", str(warehouse))
    context = dg.build_schedule_context(scheduled_execution_time=None)

    # No warehouse yet: the whole job (a first build).
    first = daily_pipeline_schedule(context)
    assert isinstance(first, dg.RunRequest) and first.asset_selection is None
    # Loaded and built, nothing new: no run.
    _load(landing, warehouse)
    _record_build(warehouse)
    assert isinstance(daily_pipeline_schedule(context), dg.SkipReason)
    # A new incidents file: its ingest and what lies downstream.
    shutil.copy2(FILE_B, folder / FILE_B.name)
    third = daily_pipeline_schedule(context)
    assert third.tags["kpi/plan"] == "changed"
    assert {key for key in third.asset_selection if key.path[0] == "raw"} == {
        dg.AssetKey(["raw", "pagerduty__incidents"])
    }


def test_ingest_progress_lists_loaded_files_once_a_second_and_every_rejection() -> None:
    from orchestration.assets.ingest import ProgressLog
    from orchestration.ingest.loader import FileResult

    lines: list[tuple[str, str]] = []
    times = iter([0.0, 0.2, 0.3, 0.8, 1.1, 1.5, 1.6])  # the start, then one per file
    progress = ProgressLog(
        info=lambda line: lines.append(("info", line)),
        warning=lambda line: lines.append(("warning", line)),
        clock=lambda: next(times),
    )
    files = [
        FileResult("a/old.json", "t", "skipped"),  # 0.2 s: already loaded, only counted
        FileResult("a/p1.json", "t", "loaded", 100),  # 0.3 s: the first loaded file
        FileResult("a/p2.json", "t", "loaded", 50),  # 0.8 s: 0.5 s after the last line
        FileResult("a/p3.json", "t", "partial", 10, 2, "2 bad records"),  # 1.1 s: a rejection
        FileResult("a/p4.json", "t", "loaded", 40),  # 1.5 s: 0.4 s after the last line
        FileResult("a/new.json", "t", "skipped"),  # 1.6 s: the last file
    ]
    for done, result in enumerate(files, start=1):
        progress(done, len(files), result)

    # Records so far / seconds since the start: 100 / 0.3 = 333; 160 / 1.1 = 145.5;
    # 200 / 1.6 = 125.
    assert lines == [
        (
            "info",
            "[2/6 files, 100 records, 333 rows/s] a/p1.json: loaded (100 records, 0 rejected) ",
        ),
        (
            "warning",
            "[4/6 files, 160 records, 145 rows/s] a/p3.json: partial (10 records, 2 rejected) "
            "2 bad records",
        ),
        (
            "info",
            "[6/6 files, 200 records, 125 rows/s] a/new.json: skipped (0 records, 0 rejected) ",
        ),
    ]
