"""`make docs` (`python -m orchestration.docs`): the static dbt docs page holds every KPI's
definition, from the doc blocks beside the marts, and the lineage from the raw sources to
the marts; its catalog comes from the warehouse.

Built once per module on a copy of the end-to-end fixture's warehouse (dbt opens the
catalog's warehouse read-write), into a temporary exports folder.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration import docs
from orchestration_tests.conftest import PROJECT_ROOT, PipelineRun

DOC_BLOCK = re.compile(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", re.DOTALL)
MART_DOCS = sorted((PROJECT_ROOT / "models" / "marts").glob("*/_*__docs.md"))


def squash(text: str) -> str:
    return " ".join(text.split())


def embedded(page: str, key: str) -> dict:
    """The manifest or catalog the static page carries inline (`{manifest:{...},catalog:{...}`)."""
    start = page.index(key + ":{") + len(key) + 1
    value, _ = json.JSONDecoder().raw_decode(page, start)
    return value


@pytest.fixture(scope="module")
def site(e2e_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("docs")
    warehouse = work / "warehouse" / e2e_run.warehouse.name
    warehouse.parent.mkdir()
    shutil.copy2(e2e_run.warehouse, warehouse)
    env = {
        **os.environ,
        "KPI_WAREHOUSE_PATH": str(warehouse),
        "KPI_EXPORTS_DIR": str(work / "exports"),
        "DBT_TARGET": "duckdb",
    }
    result = subprocess.run(
        [sys.executable, "-m", "orchestration.docs"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    index = work / "exports" / "docs" / "index.html"
    assert f"Docs site: {index}" in result.stdout
    page = index.read_text(encoding="utf-8")
    return {"manifest": embedded(page, "manifest"), "catalog": embedded(page, "catalog")}


def rendered_descriptions(manifest: dict) -> list[str]:
    texts = []
    for node in [*manifest["nodes"].values(), *manifest["metrics"].values()]:
        texts.append(squash(node.get("description") or ""))
        texts += [squash(c.get("description") or "") for c in node.get("columns", {}).values()]
    return texts


def test_every_kpi_doc_block_is_in_the_site(site: dict) -> None:
    # Every doc block of models/marts/*/_*__docs.md is rendered into the description of a
    # model, a column or a metric of the page (a block nothing references would be a KPI
    # definition no reader sees).
    blocks = {
        name: squash(body)
        for path in MART_DOCS
        for name, body in DOC_BLOCK.findall(path.read_text())
    }
    assert {"kpi_incident_response", "kpi_dora", "csat_pct", "fcr_pct", "semantic_layer"} <= set(
        blocks
    )
    texts = rendered_descriptions(site["manifest"])
    unseen = [name for name, body in blocks.items() if not any(body in text for text in texts)]
    assert unseen == []
    # e.g. the definition of MTTR, verbatim from _incidents__docs.md, on its column:
    columns = site["manifest"]["nodes"]["model.service_kpis.kpi_incident_response"]["columns"]
    assert (
        "mean(seconds_to_resolve) / 60 over resolved incidents"
        in columns["mttr_minutes"]["description"]
    )


def test_every_mart_and_kpi_column_is_described_from_doc_blocks(site: dict) -> None:
    # Every mart has a description; every column of a kpi_ mart has one, and every measure
    # column (not part of the grain its unique_combination_of_columns test states) takes
    # it from a doc block.
    manifest = site["manifest"]
    blocks = [squash(body) for path in MART_DOCS for _, body in DOC_BLOCK.findall(path.read_text())]
    marts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    assert {"kpi_incident_response", "fct_tickets", "kpi_dora", "fct_service_credits"} <= set(marts)
    assert [name for name, node in marts.items() if not node["description"].strip()] == []
    grains = {
        node["attached_node"].split(".")[-1]: set(
            node["test_metadata"]["kwargs"]["combination_of_columns"]
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name") == "unique_combination_of_columns"
    }
    missing, not_from_blocks = [], []
    for name, node in marts.items():
        if not name.startswith("kpi_"):
            continue
        for column, spec in node["columns"].items():
            description = squash(spec.get("description") or "")
            if not description:
                missing.append(f"{name}.{column}")
            elif column not in grains.get(name, set()) and not any(
                block and block in description for block in blocks
            ):
                not_from_blocks.append(f"{name}.{column}")
    assert missing == []
    assert not_from_blocks == []


def ancestors(manifest: dict, unique_id: str) -> set[str]:
    seen: set[str] = set()
    stack = [unique_id]
    while stack:
        for parent in manifest["parent_map"].get(stack.pop(), []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def test_the_site_carries_the_lineage_from_raw_sources_to_every_mart(site: dict) -> None:
    manifest = site["manifest"]
    model = "model.service_kpis."
    # The README's walk for incident response, every step a parent of the next:
    walk = [
        "source.service_kpis.pagerduty.log_entries",
        model + "stg_pagerduty__log_entries",
        model + "int_pagerduty_incidents_timed",
        model + "int_incidents_unified",
        model + "fct_incidents",
        model + "kpi_incident_response",
    ]
    for parent, child in itertools.pairwise(walk):
        assert parent in manifest["parent_map"][child], (parent, child)
    assert manifest["sources"]["source.service_kpis.pagerduty.log_entries"]["schema"] == "raw"
    # Every fct_/dim_/kpi_ mart descends from at least one raw source.
    marts = [
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node["fqn"][1] == "marts"
        and node["name"].split("_")[0] in ("fct", "dim", "kpi")
    ]
    assert len(marts) >= 15
    orphans = [
        uid for uid in marts if not any(a.startswith("source.") for a in ancestors(manifest, uid))
    ]
    assert orphans == []
    # The semantic layer's metrics are on the page too.
    assert {"metric.service_kpis.mttr_minutes", "metric.service_kpis.csat_pct"} <= set(
        manifest["metrics"]
    )


def test_the_catalog_is_the_warehouse(site: dict) -> None:
    # Column types come from the DuckDB file the pipeline built (contract: decimal(18, 2)).
    columns = site["catalog"]["nodes"]["model.service_kpis.kpi_incident_response"]["columns"]
    assert columns["mttr_minutes"]["type"] == "DECIMAL(18,2)"


def test_without_a_warehouse_the_site_is_built_from_the_project_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new user's `make docs` before any `make run`: no warehouse file is created (dbt
    # would create an empty one), the in-memory `lint` target and an empty catalog are used.
    missing = tmp_path / "none" / "warehouse.duckdb"
    monkeypatch.setenv("KPI_WAREHOUSE_PATH", str(missing))
    monkeypatch.setenv("DBT_TARGET", "duckdb")
    # generate_docs pins these in os.environ (settings.export_paths): restore them after.
    monkeypatch.setenv("KPI_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))
    calls = []

    def fake_dbt(command: list[str], **_: object) -> subprocess.CompletedProcess:
        calls.append(command)
        target = Path(command[command.index("--target-path") + 1])
        target.mkdir(parents=True, exist_ok=True)
        (target / "static_index.html").write_text("<html>docs</html>")
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(docs.subprocess, "run", fake_dbt)
    monkeypatch.setattr(docs, "DOCS_TARGET", str(tmp_path / "target"))
    index = docs.generate_docs(output_dir=tmp_path / "out")
    assert index.read_text() == "<html>docs</html>"
    (command,) = calls
    assert command[command.index("--target") + 1] == "lint"
    assert "--empty-catalog" in command and "--static" in command
    assert not missing.parent.exists()
