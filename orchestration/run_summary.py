"""The short summary that ends every `make run`: what the run loaded and built, what passed
and failed, and where the time went.

Read from the run's own record, never recomputed: the ingest materialisations' metadata
(files, records, rejections), dbt's `run_results.json` (models, seeds, tests) and the
asset check evaluations and step timings of the Dagster run.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.checks import is_reconciliation_check

PASS_STATUSES = {"pass", "success"}


@dataclass
class RunSummary:
    files_loaded: int = 0
    files_skipped: int = 0
    files_rejected: int = 0
    records_loaded: int = 0
    records_rejected: int = 0
    dbt_counts: Counter = field(default_factory=Counter)  # (resource_type, status) -> n
    checks_passed: int = 0
    checks_failed: int = 0
    check_warnings: int = 0
    # Reconciliation suites that found two sources disagreeing (kpi-definitions.md §8):
    # ERROR checks in Dagster, findings for the quarterly review, not a failed build.
    reconciliation_breaks: int = 0
    phase_seconds: dict[str, float] = field(default_factory=dict)

    def dbt(self, resource_type: str, *statuses: str) -> int:
        return sum(
            count
            for (kind, status), count in self.dbt_counts.items()
            if kind == resource_type and (not statuses or status in statuses)
        )

    def lines(self) -> list[str]:
        models_built = self.dbt("model", "success")
        models_failed = self.dbt("model", "error")
        models_skipped = self.dbt("model", "skipped")
        tests_passed = self.dbt("test", "pass") + self.dbt("unit_test", "pass")
        tests_failed = self.dbt("test", "fail", "error") + self.dbt("unit_test", "fail", "error")
        tests_warned = self.dbt("test", "warn") + self.dbt("unit_test", "warn")
        phases = ", ".join(f"{name} {secs:.1f} s" for name, secs in self.phase_seconds.items())
        return [
            "Run summary",
            f"  files:   {self.files_loaded} loaded, {self.files_skipped} already loaded, "
            f"{self.files_rejected} rejected",
            f"  records: {self.records_loaded} loaded, {self.records_rejected} rejected",
            f"  dbt:     {models_built} models built"
            + (f", {models_failed} failed" if models_failed else "")
            + (f", {models_skipped} skipped" if models_skipped else "")
            + f", {self.dbt('seed', 'success')} seeds; tests {tests_passed} passed, "
            f"{tests_failed} failed" + (f", {tests_warned} warned" if tests_warned else ""),
            f"  checks:  {self.checks_passed} passed, {self.checks_failed} failed"
            + (f" ({self.check_warnings} warnings)" if self.check_warnings else "")
            + (
                f"; {self.reconciliation_breaks} reconciliation breaks"
                if self.reconciliation_breaks
                else ""
            ),
            f"  time:    {phases or '-'}",
        ]


def _metadata_value(metadata: dict[str, Any], name: str) -> int:
    value = metadata.get(name)
    raw = getattr(value, "value", value)
    return int(raw) if isinstance(raw, int | float) else 0


def dbt_result_counts(run_results: Path) -> Counter:
    """(resource type, status) -> count from a dbt `run_results.json`."""
    if not run_results.exists():
        return Counter()
    results = json.loads(run_results.read_text()).get("results", [])
    counts: Counter = Counter()
    for result in results:
        resource_type = result.get("unique_id", "?").split(".", 1)[0]
        counts[(resource_type, result.get("status"))] += 1
    return counts


PHASES = (
    ("ingest", lambda step: step == "ingest_landing"),
    ("dbt build", lambda step: step == "dbt_models"),
    ("validation", lambda step: "gx_" in step),
)


def _phase_of(step_key: str) -> str:
    for name, matches in PHASES:
        if matches(step_key):
            return name
    return "exports and reports"


def _is_dbt_test(evaluation: dg.AssetCheckEvaluation) -> bool:
    """dbt data tests surface as asset checks on the dbt assets too; the GX suites are
    named `gx_*` and the Python assets' own checks sit on one-part keys."""
    return not evaluation.check_name.startswith("gx_") and len(evaluation.asset_key.path) > 1


def summarise(entries: list[dg.EventLogEntry], run_results: Path | None) -> RunSummary:
    """The summary of one run from its event log (`instance.all_logs(run_id)`)."""
    summary = RunSummary()
    started: dict[str, float] = {}
    for entry in entries:
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            if materialization.asset_key.path[0] == "raw":
                metadata = materialization.metadata
                summary.files_loaded += _metadata_value(metadata, "files_loaded")
                summary.files_skipped += _metadata_value(metadata, "files_skipped")
                summary.files_rejected += _metadata_value(metadata, "files_rejected")
                summary.records_loaded += _metadata_value(metadata, "records_loaded")
                summary.records_rejected += _metadata_value(metadata, "records_rejected")
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            if _is_dbt_test(evaluation):
                continue  # counted from run_results.json
            if evaluation.passed:
                summary.checks_passed += 1
            elif evaluation.severity == dg.AssetCheckSeverity.WARN:
                summary.check_warnings += 1
            elif is_reconciliation_check(evaluation.check_name):
                summary.reconciliation_breaks += 1
            else:
                summary.checks_failed += 1
        elif event.event_type == dg.DagsterEventType.STEP_START and event.step_key:
            started[event.step_key] = entry.timestamp
        elif (
            event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)
            and event.step_key in started
        ):
            phase = _phase_of(event.step_key)
            seconds = entry.timestamp - started.pop(event.step_key)
            summary.phase_seconds[phase] = summary.phase_seconds.get(phase, 0.0) + seconds
    if run_results is not None:
        summary.dbt_counts = dbt_result_counts(run_results)
    return summary
