"""The report assets (orchestration/assets/reports.py) that the weekly, monthly and quarterly
schedules materialise: each writes exactly the pages `make reports` writes for its cadence,
on a copy of the session's hand-built end-to-end warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.assets.reports import REPORTS, report_assets
from orchestration.reports import build_reports
from orchestration.resources import WarehouseResource
from orchestration_tests.conftest import PipelineRun


@pytest.fixture(scope="module")
def warehouse_copy(e2e_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report_assets") / "warehouse.duckdb"
    shutil.copy2(e2e_run.warehouse, path)
    return path


def test_each_schedule_asset_writes_its_cadence_pages(
    warehouse_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPI_EXPORTS_DIR", str(tmp_path / "assets"))
    result = dg.materialize(
        report_assets,
        resources={
            "warehouse": WarehouseResource(
                landing_dir=str(tmp_path / "landing"), warehouse_path=str(warehouse_copy)
            )
        },
    )
    assert result.success
    expected = build_reports(warehouse_copy, tmp_path / "direct")
    written = sorted(
        path.relative_to(tmp_path / "assets").as_posix()
        for path in (tmp_path / "assets").rglob("*.html")
    )
    # The fixture's data ends 2026-02-10, so the latest complete periods are ISO week 6
    # (Feb 2-8), January and 2025Q4; the monthly asset writes its scorecard beside it.
    assert written == [
        "reports/monthly/2026-01-release-health.html",
        "reports/monthly/2026-01.html",
        "reports/quarterly/2025-Q4.html",
        "reports/weekly/2026-W06.html",
    ]
    assert written == sorted(path.relative_to(tmp_path / "direct").as_posix() for path in expected)
    for name in written:
        page = (tmp_path / "assets" / name).read_bytes()
        assert page == (tmp_path / "direct" / name).read_bytes()
    periods = {
        event.asset_key.to_user_string(): (
            event.step_materialization_data.materialization.metadata["period"].value
        )
        for event in result.get_asset_materialization_events()
    }
    assert periods == {
        "weekly_team_report": "2026-W06",
        "monthly_department_report": "2026-01",
        "quarterly_executive_report": "2025-Q4",
    }


def test_every_cadence_has_one_asset() -> None:
    assert sorted(spec.cadence for spec in REPORTS) == ["monthly", "quarterly", "weekly"]
