"""Validation inside the pipeline and the evidence pack, on the shared e2e warehouse.

The session fixture `e2e_run` ran `make run`'s job twice on the hand-built landing folder;
each run validated every suite and appended to audit.validation_runs.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from expectations import audit, validate
from expectations.suites import SUITES
from orchestration.exports import evidence
from orchestration_tests.conftest import PROJECT_ROOT, PipelineRun


def test_each_pipeline_run_records_every_suite_in_the_audit_chain(e2e_run: PipelineRun) -> None:
    runs = e2e_run.query(
        "select run_id, count(distinct suite), min(quarter), max(quarter) "
        "from audit.validation_runs where quarter = 'all' group by run_id"
    )
    # make run twice; the second found nothing new, so nothing was built or validated again
    assert len(runs) == 1
    assert {row[1:] for row in runs} == {(len(SUITES), "all", "all")}
    assert audit.verify_chain(e2e_run.warehouse).ok


@pytest.fixture(scope="module")
def pack(e2e_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> evidence.EvidenceResult:
    work = tmp_path_factory.mktemp("evidence")
    gx_root = work / "gx"
    validate.build_suites(gx_root)
    return evidence.build_evidence(
        e2e_run.warehouse, "2026Q1", out_root=work / "exports", gx_root=gx_root
    )


def _read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_pack_holds_every_part(pack: evidence.EvidenceResult) -> None:
    assert pack.path.name == "evidence_2026Q1.zip" and pack.path.parent.name == "audit"
    files = _read(pack.path)
    assert set(evidence.REQUIRED_PARTS) <= set(files)
    # Data Docs: one validation page of this run per suite that could be read.
    pages = [name for name in files if name.startswith("data_docs/validations/")]
    results = json.loads(files["validation/results.json"])
    ran = {row["suite"] for row in results if row["expectation"] != "(suite could not run)"}
    assert {name.split("/")[2] for name in pages} == ran
    assert all("quarter-2026Q1" in name for name in pages)
    assert len([n for n in files if n.startswith("validation/gx/")]) == len(ran)
    # dbt artifacts of the run, byte for byte.
    assert (
        files["dbt/manifest.json"] == (PROJECT_ROOT / "target/last_run/manifest.json").read_bytes()
    )
    # KPI definitions: every docs block of the project, rendered.
    manifest = json.loads(files["dbt/manifest.json"])
    blocks = [d for d in manifest["docs"].values() if d["package_name"] == "service_kpis"]
    text = files["kpi_definitions.md"].decode()
    assert blocks and all(f"### {block['name']}\n" in text for block in blocks)
    assert "<h3>" in files["kpi_definitions.html"].decode()


def test_the_manifest_hashes_every_file(pack: evidence.EvidenceResult) -> None:
    files = _read(pack.path)
    listed = dict(
        reversed(line.split("  ", 1)) for line in files["MANIFEST.sha256"].decode().splitlines()
    )
    assert set(listed) == set(files) - {"MANIFEST.json", "MANIFEST.sha256"}
    assert all(hashlib.sha256(files[name]).hexdigest() == digest for name, digest in listed.items())
    meta = json.loads(files["MANIFEST.json"])
    assert (meta["quarter"], meta["audit_run_id"], meta["audit_chain_intact"]) == (
        "2026Q1",
        pack.run_id,
        True,
    )
    assert meta["audit_chain_head"] in files["validation/audit_verify.txt"].decode()


def test_each_failed_expectation_has_its_sample(pack: evidence.EvidenceResult) -> None:
    files = _read(pack.path)
    results = json.loads(files["validation/results.json"])
    assert {row["run_id"] for row in results} == {pack.run_id}
    assert {row["quarter"] for row in results} == {"2026Q1"}
    failed = [row for row in results if not row["success"]]
    samples = sorted(name for name in files if name.startswith("samples/"))
    assert len(samples) == len(failed) == pack.failed_expectations
    for name in samples:
        sample = json.loads(files[name])
        (row,) = [item for item in failed if item["row_id"] == sample["audit_row_id"]]
        assert name.startswith(f"samples/{row['suite']}__")
        assert [item["row"] for item in sample["unexpected_rows"]] == json.loads(
            row["unexpected_sample"]
        )
