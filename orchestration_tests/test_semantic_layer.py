"""The semantic layer answers like the marts: `mf query` (dbt-metricflow) on the warehouse of
the hand-built end-to-end fixture gives the KPI marts' values, and ratios of sums (never
means of means) when it groups coarser than a mart.

mf reads `<project>/target/semantic_manifest.json` and opens the warehouse through the
dbt profile (read-write, as dbt-duckdb does): it runs here in a throwaway project folder
(dbt_project.yml, profiles.yml and that manifest, parsed against a copy of the fixture's
warehouse), so neither the project's target/ nor the shared warehouse file is touched.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from orchestration_tests.conftest import PROJECT_ROOT, PipelineRun

BIN = Path(sys.executable).parent


@dataclass
class MetricFlow:
    project: Path
    env: dict[str, str]

    def query(self, metrics: list[str], group_by: list[str]) -> list[dict[str, str]]:
        out = self.project / f"{'_'.join(metrics)}__{'_'.join(group_by)}.csv"
        result = subprocess.run(
            [
                str(BIN / "mf"),
                "query",
                "--metrics",
                ",".join(metrics),
                "--group-by",
                ",".join(group_by),
                "--csv",
                str(out),
            ],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        with out.open(newline="") as handle:
            return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def metricflow(e2e_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> MetricFlow:
    work = tmp_path_factory.mktemp("metricflow")
    # The same file name: the manifest's relations name the database after the file stem.
    warehouse = work / "warehouse" / e2e_run.warehouse.name
    warehouse.parent.mkdir()
    shutil.copy2(e2e_run.warehouse, warehouse)
    project = work / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_ROOT / name, project / name)
    env = {**os.environ, "KPI_WAREHOUSE_PATH": str(warehouse), "DBT_TARGET": "duckdb"}
    parse = subprocess.run(
        [
            str(BIN / "dbt"),
            "parse",
            "--project-dir",
            str(PROJECT_ROOT),
            "--profiles-dir",
            str(PROJECT_ROOT),
            "--target-path",
            str(project / "target"),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert parse.returncode == 0, parse.stdout[-3000:] + parse.stderr[-3000:]
    assert (project / "target" / "semantic_manifest.json").exists()
    return MetricFlow(project=project, env=env)


def two_decimals(value: str) -> Decimal | None:
    """An unrounded mf value rounded as the marts round: half away from zero, 2 decimals."""
    if value == "":
        return None
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def month(value: str) -> str:
    return value[:10]


def test_mttr_and_mtta_by_month_and_service_equal_kpi_incident_response(
    e2e_run: PipelineRun, metricflow: MetricFlow
) -> None:
    # The example query. Production incidents of the fixture (fct_incidents):
    #   checkout Jan: resolve 7200, 5400, 2700, 1200 s -> 16500 / 4 = 4125 s = 68.75 min;
    #                 ack 900, 600, 180 s (one never acked) -> 1680 / 3 = 560 s = 9.33 min;
    #   search Jan: ack 60 s = 1.00 min, resolve 21600 s = 360.00 min;
    #   search Feb: open and never acknowledged -> both NULL;
    #   unmapped:pagerduty:PLEGACY Feb: resolved in 9000 s = 150.00 min, never acked.
    # internal-tools (non-production, resolved in 1800 s) is left out, as in the mart.
    rows = metricflow.query(
        ["mttr_minutes", "mtta_minutes", "incidents"], ["metric_time__month", "service__service_id"]
    )
    got = {
        (month(row["metric_time__month"]), row["service__service_id"]): (
            two_decimals(row["mttr_minutes"]),
            two_decimals(row["mtta_minutes"]),
            int(row["incidents"]),
        )
        for row in rows
    }
    assert got == {
        ("2026-01-01", "checkout"): (Decimal("68.75"), Decimal("9.33"), 4),
        ("2026-01-01", "search"): (Decimal("360.00"), Decimal("1.00"), 1),
        ("2026-02-01", "search"): (None, None, 1),
        ("2026-02-01", "unmapped:pagerduty:PLEGACY"): (Decimal("150.00"), None, 1),
    }
    # ... and the mart says the same (one severity per service and month in the fixture).
    mart = e2e_run.query(
        "select cast(month_start as varchar), service_id, mttr_minutes, mtta_minutes, incidents"
        " from marts.kpi_incident_response"
    )
    assert {(m, s): (r, a, n) for m, s, r, a, n in mart} == got


def test_frt_by_month_and_group_equals_kpi_support_performance(
    e2e_run: PipelineRun, metricflow: MetricFlow
) -> None:
    # Production tickets created in January in group 10: first replies 300, 235800 and
    # 2700 s (zendesk:104 has none) -> 238800 / 3 = 79600 s = 1326.666.. -> 1326.67 min.
    # zendesk:105 (a non-production service, 1800 s) is left out: with it the mean would
    # be 240600 / 4 = 1002.50. jira:SUP Jan: 1200 s = 20.00; group 20 Feb: 60300 s = 1005.00.
    # Group 9901's tickets (6 in Jan, 2 in Feb) have no first reply: FRT NULL.
    rows = metricflow.query(
        ["frt_mean_minutes", "tickets_created"], ["metric_time__month", "ticket__created_group_id"]
    )
    got = {
        (month(row["metric_time__month"]), row["ticket__created_group_id"]): (
            two_decimals(row["frt_mean_minutes"]),
            int(row["tickets_created"]),
        )
        for row in rows
    }
    assert got == {
        ("2026-01-01", "10"): (Decimal("1326.67"), 4),
        ("2026-01-01", "9901"): (None, 6),
        ("2026-01-01", "jira:SUP"): (Decimal("20.00"), 1),
        ("2026-02-01", "20"): (Decimal("1005.00"), 1),
        ("2026-02-01", "9901"): (None, 2),
    }
    # The mart has a row for every month × group; those with tickets created are mf's rows.
    mart = e2e_run.query(
        "select cast(month_start as varchar), group_id, frt_mean_minutes, tickets_created"
        " from marts.kpi_support_performance where tickets_created > 0"
    )
    assert {(m, g): (f, n) for m, g, f, n in mart} == got


def test_monthly_kpis_across_semantic_models_are_ratios_of_sums(
    e2e_run: PipelineRun, metricflow: MetricFlow
) -> None:
    # One query across six semantic models, by month only.
    # CSAT Jan, counted answers: Zendesk good, bad, good, good (offered/unoffered are not
    #   answers) + Delighted 4 (satisfied), 3 -> 4 / 6 = 66.666.. -> 66.67; Feb good, bad -> 50.00.
    # NPS Jan: 9, 10, 9 promoters, 8 passive, 6 detractor (that person's 9 of Jan 10 is
    #   superseded by the 6 of Jan 20) -> 100 × (3 − 1) / 5 = 40.00; Feb: one 10 -> 100.00.
    # CES Jan: 4 and 5 (the 9 is out of scale, not counted) -> mean 4.50; Feb: no answers.
    # SLA attainment Jan: 2 measured, 0 breached -> 100.00.
    # These equal kpi_customer_satisfaction's `all` rows and kpi_sla_compliance summed.
    # FCR Jan over all groups: tickets solved in January with a known one-touch flag are
    #   zendesk:101 (one touch, group 10) and 102 (two replies, group 20); jira:SUP-1's is
    #   unknown and zendesk:105 is non-production -> 1 / 2 = 50.00; Feb: 103 and 106 both
    #   one-touch -> 100.00.
    # MTTR Jan over all services: (16500 + 21600) / 5 = 7620 s = 127.00 min, where the mean
    #   of the services' MTTRs would be (68.75 + 360) / 2 = 214.38; Feb: 150.00.
    # Change failure rate, kpi_dora's weeks by the month of their Monday: January's weeks
    #   have failed / attempts 1/1, 2/2 (search), 3/4, 1/1 -> 7 / 8 = 87.50, where the mean
    #   of the weekly rates would be 93.75; February 1/1 (PLEGACY's week has no attempt)
    #   -> 100.00. Deployments: 1 + 1 + 3 + 1 = 6 in January, 1 in February.
    metrics = (
        "csat_pct",
        "nps",
        "ces_mean",
        "sla_attainment_pct",
        "fcr_pct",
        "mttr_minutes",
        "change_failure_rate_pct",
        "deployments",
    )
    rows = metricflow.query(list(metrics), ["metric_time__month"])
    got = {
        month(row["metric_time__month"]): tuple(two_decimals(row[name]) for name in metrics)
        for row in rows
    }
    d = Decimal
    assert got == {
        "2026-01-01": (
            *(d("66.67"), d("40.00"), d("4.50"), d("100.00"), d("50.00"), d("127.00")),
            *(d("87.50"), d("6.00")),
        ),
        "2026-02-01": (
            *(d("50.00"), d("100.00"), None, None, d("100.00"), d("150.00")),
            *(d("100.00"), d("1.00")),
        ),
    }
    satisfaction = e2e_run.query(
        "select cast(month_start as varchar), survey_kind, csat_pct, nps, ces_mean"
        " from marts.kpi_customer_satisfaction where segment = 'all'"
    )
    for month_start, kind, csat, nps, ces_mean in satisfaction:
        mart_value = {"csat": csat, "nps": nps, "ces": ces_mean}[kind]
        column = {"csat": 0, "nps": 1, "ces": 2}[kind]
        assert got[month_start][column] == mart_value, (month_start, kind)
    sla = e2e_run.query(
        "select cast(month_start as varchar), sum(measured), sum(breached)"
        " from marts.kpi_sla_compliance group by month_start"
    )
    assert [(m, n, b) for m, n, b in sla] == [("2026-01-01", 2, 0)]
    dora = e2e_run.query(
        "select cast(date_trunc('month', week_start) as date)::varchar, sum(deployments),"
        " sum(failed_deployment_attempts), sum(deployment_attempts)"
        " from marts.kpi_dora group by 1 order by 1"
    )
    assert dora == [("2026-01-01", 6, 7, 8), ("2026-02-01", 1, 1, 1)]
