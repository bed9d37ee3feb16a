"""The audit evidence pack of one quarter (kpi-definitions.md §8, issue 9).

    python -m orchestration.exports.evidence --quarter 2026Q2     # what `make evidence` runs

validates the quarter's rows against every suite (recorded in ``audit.validation_runs``
like any run), verifies the hash chain, and writes
``<exports dir>/audit/evidence_<quarter>.zip`` (``KPI_EXPORTS_DIR``, default
``data/exports``) holding:

- ``kpi_definitions.md`` / ``.html``: every dbt docs block of the project, as dbt rendered
  it into the run's manifest, with each mart's description (the one definition of each KPI);
- ``validation/results.json``: the run's rows of ``audit.validation_runs`` (hashes
  included), ``validation/summary.txt`` (the compact report), ``validation/audit_verify.txt``
  (the chain check and its head hash) and ``validation/gx/``: the GX result JSON files;
- ``data_docs/``: the Data Docs site (index, styles, suite pages and the quarter's
  validation pages; open ``data_docs/index.html``);
- ``samples/<suite>__<n>.json``: for each failed expectation, the unexpected rows and the
  raw records behind them (``record_json`` with its file and record number);
- ``dbt/manifest.json``, ``dbt/run_results.json``: the artifacts of the last dbt run;
- ``MANIFEST.json`` and ``MANIFEST.sha256``: SHA-256 and size of every file above.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from orchestration import settings
from orchestration.exports.finance import exports_dir

RAW_SAMPLE = 5  # raw records per unexpected row
DBT_ARTIFACTS = ("manifest.json", "run_results.json")

# What the pack must hold (tests check every part is there).
REQUIRED_PARTS = (
    "kpi_definitions.md",
    "kpi_definitions.html",
    "validation/results.json",
    "validation/summary.txt",
    "validation/audit_verify.txt",
    "data_docs/index.html",
    "dbt/manifest.json",
    "dbt/run_results.json",
    "MANIFEST.json",
    "MANIFEST.sha256",
)


@dataclass
class EvidenceResult:
    path: Path
    quarter: str
    run_id: str
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    failed_expectations: int = 0
    chain_ok: bool = True


# --------------------------------------------------------------------------- KPI definitions


def render_definitions(manifest: dict[str, Any]) -> tuple[str, str]:
    """Markdown and HTML of the project's docs blocks (grouped by file) and mart descriptions."""
    project = manifest.get("metadata", {}).get("project_name")
    blocks = sorted(
        (doc for doc in manifest.get("docs", {}).values() if doc.get("package_name") == project),
        key=lambda doc: (doc["original_file_path"], doc["name"]),
    )
    marts = sorted(
        (
            node
            for node in manifest.get("nodes", {}).values()
            if node.get("resource_type") == "model" and node.get("schema", "").endswith("marts")
        ),
        key=lambda node: node["name"],
    )
    lines = [
        "# KPI definitions",
        "",
        "Rendered from the dbt docs blocks of the run's manifest (`models/**/_*__docs.md`); "
        "the spec is kpi-definitions.md.",
        "",
        "## Marts",
        "",
    ]
    for node in marts:
        lines += [f"### {node['name']}", "", node.get("description", "").strip(), ""]
    current = None
    for doc in blocks:
        if doc["original_file_path"] != current:
            current = doc["original_file_path"]
            lines += [f"## {current}", ""]
        lines += [f"### {doc['name']}", "", doc["block_contents"].strip(), ""]
    text = "\n".join(lines)
    try:
        import mistune

        body = mistune.html(text)
    except ImportError:  # plain text is still the definition
        body = f"<pre>{html.escape(text)}</pre>"
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><title>KPI definitions</title>'
        f"</head><body>{body}</body></html>"
    )
    return text, page


# --------------------------------------------------------------------------- raw samples

RawLookup = Callable[[dict[str, Any]], list[tuple[str, str, list[Any]]]]


def _quarter_bounds(row: dict[str, Any]) -> tuple[str, str]:
    start = dt.date.fromisoformat(str(row["quarter_start"])[:10])
    end = dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return start.isoformat(), end.isoformat()


def _service_ci_filter(column: str) -> str:
    return (
        f"trim(json_extract_string(record_json, '$.{column}')) in ("
        "select source_key from intermediate.int_service_keys_unnested "
        "where source = 'servicenow' and service_id = ?) "
        f"or (json_extract_string(record_json, '$.{column}.value') in ("
        "select source_key from intermediate.int_service_keys_unnested "
        "where source = 'servicenow' and service_id = ?))"
    )


def _changes(row: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    start, end = _quarter_bounds(row)
    service = row["service_id"]
    return [
        (
            "servicenow__change_request",
            f"({_service_ci_filter('cmdb_ci')}) and coalesce(nullif(json_extract_string("
            "record_json, '$.work_end'), ''), json_extract_string(record_json, "
            "'$.closed_at')) >= ? and coalesce(nullif(json_extract_string(record_json, "
            "'$.work_end'), ''), json_extract_string(record_json, '$.closed_at')) < ?",
            [service, service, start, end],
        )
    ]


def _major_incidents(row: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    start, end = _quarter_bounds(row)
    service = row["service_id"]
    return [
        (
            "servicenow__incident",
            f"({_service_ci_filter('cmdb_ci')}) and json_extract_string(record_json, "
            "'$.opened_at') >= ? and json_extract_string(record_json, '$.opened_at') < ?",
            [service, service, start, end],
        ),
        (
            "pagerduty__incidents",
            "json_extract_string(record_json, '$.id') in (select source_incident_id from "
            "marts.fct_incidents where source = 'pagerduty' and is_major and service_id = ? "
            "and triggered_at >= cast(? as timestamp) and triggered_at < cast(? as timestamp))",
            [service, start, end],
        ),
    ]


def _billing(row: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    return [
        (
            "finance__billing_adjustments",
            "trim(json_extract_string(record_json, '$.contract_id')) = ? and "
            "left(trim(json_extract_string(record_json, '$.month_start')), 7) = ?",
            [row["contract_id"], str(row["month_start"])[:7]],
        )
    ]


def _sla_ticket(row: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    if row.get("source") == "zendesk":
        return [
            (
                "zendesk__ticket_metric_events",
                "json_extract_string(record_json, '$.ticket_id') = ? and "
                "json_extract_string(record_json, '$.type') in ('apply_sla', 'breach')",
                [str(row["ticket_id"])],
            )
        ]
    if row.get("source") == "jira":
        return [
            ("jira__issues", "json_extract_string(record_json, '$.id') = ?", [row["ticket_id"]])
        ]
    return []


def _incident(row: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    table = {
        "pagerduty": ("pagerduty__incidents", "$.id"),
        "opsgenie": ("opsgenie__alerts", "$.id"),
        "servicenow": ("servicenow__incident", "$.number"),
    }.get(row.get("source", ""))
    if not table:
        return []
    return [
        (
            table[0],
            f"json_extract_string(record_json, '{table[1]}') = ?",
            [str(row.get("source_incident_id"))],
        )
    ]


RAW_LOOKUPS: dict[str, RawLookup] = {
    "recon_deployments_vs_changes": _changes,
    "recon_major_incidents": _major_incidents,
    "recon_credits_vs_billing": _billing,
    "recon_sla_verdicts": _sla_ticket,
    "fct_incidents": _incident,
}


def raw_records(
    connection: duckdb.DuckDBPyConnection, suite: str, row: dict[str, Any]
) -> list[dict[str, Any]]:
    """The raw records behind one unexpected row (empty when the suite has no lookup)."""
    lookup = RAW_LOOKUPS.get(suite)
    if lookup is None:
        return []
    records = []
    for table, where, parameters in lookup(row):
        try:
            found = connection.execute(
                f"select _file_path, _record_number, record_json from raw.{table} "
                f"where {where} order by _file_path, _record_number limit {RAW_SAMPLE}",
                parameters,
            ).fetchall()
        except duckdb.Error as exc:  # a source absent from this warehouse
            records.append({"raw_table": table, "error": str(exc).splitlines()[0]})
            continue
        records += [
            {
                "raw_table": table,
                "file_path": file_path,
                "record_number": record_number,
                "record": json.loads(record_json),
            }
            for file_path, record_number, record_json in found
        ]
    return records


# --------------------------------------------------------------------------- the pack


def _dbt_artifacts(project_root: Path) -> dict[str, Path]:
    found = {}
    for name in DBT_ARTIFACTS:
        for folder in (project_root / "target" / "last_run", project_root / "target"):
            if (folder / name).is_file():
                found[name] = folder / name
                break
        else:
            raise FileNotFoundError(
                f"dbt {name} not found under {project_root / 'target'}: run `make run` first"
            )
    return found


def _data_docs_files(gx_root: Path, quarter: str, run_folder: str) -> dict[str, Path]:
    """index, styles, suite pages and this run's validation pages of the local site."""
    site = gx_root / "uncommitted" / "data_docs" / "local_site"
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"no Data Docs site at {site}")
    run_name = f"quarter-{quarter}"
    files = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(site)
        if relative.parts[0] == "validations" and not (
            run_name in relative.parts and run_folder in relative.parts
        ):
            continue
        files[f"data_docs/{relative.as_posix()}"] = path
    return files


def _gx_results(gx_root: Path, quarter: str, run_folder: str) -> dict[str, Path]:
    files = {}
    run_name = f"quarter-{quarter}"
    for path in sorted((gx_root / "uncommitted" / "validations").rglob("*.json")):
        relative = path.relative_to(gx_root / "uncommitted" / "validations")
        if run_name in relative.parts and run_folder in relative.parts:
            files[f"validation/gx/{relative.as_posix()}"] = path
    return files


def build_evidence(
    warehouse: Path,
    quarter: str,
    out_root: Path | None = None,
    gx_root: Path | None = None,
    project_root: Path | None = None,
) -> EvidenceResult:
    """Validate the quarter, record it, and write the evidence zip; return what was written."""
    from expectations.audit import TABLE, record_run, verify_chain
    from expectations.validate import GX_ROOT, format_report, quarter_bounds, run_validation

    quarter_bounds(quarter)  # a bad label fails first
    project_root = project_root or settings.PROJECT_ROOT
    gx_root = Path(gx_root or GX_ROOT)
    artifacts = _dbt_artifacts(project_root)

    report = run_validation(warehouse, gx_root=gx_root, quarter=quarter)
    run_id = record_run(warehouse, report)
    chain = verify_chain(warehouse)

    contents: dict[str, bytes] = {}
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = connection.execute(
            f"select * from {TABLE} where run_id = ? order by row_id", [run_id]
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        failed = [row for row in rows if not row["success"]]
        for number, row in enumerate(failed, start=1):
            unexpected = json.loads(row["unexpected_sample"] or "[]")
            sample = {
                "suite": row["suite"],
                "expectation": row["expectation"],
                "severity": row["severity"],
                "unexpected_count": row["unexpected_count"],
                "observed_value": json.loads(row["observed_value"] or "null"),
                "audit_row_id": row["row_id"],
                "unexpected_rows": [
                    {"row": item, "raw_records": raw_records(connection, row["suite"], item)}
                    for item in unexpected
                ],
            }
            contents[f"samples/{row['suite']}__{number}.json"] = json.dumps(
                sample, indent=2, default=str
            ).encode()
    finally:
        connection.close()

    manifest = json.loads(artifacts["manifest.json"].read_text(encoding="utf-8"))
    markdown, page = render_definitions(manifest)
    contents["kpi_definitions.md"] = markdown.encode()
    contents["kpi_definitions.html"] = page.encode()
    contents["validation/results.json"] = json.dumps(rows, indent=2, default=str).encode()
    contents["validation/summary.txt"] = (f"audit run {run_id}\n{format_report(report)}\n").encode()
    verdict = "intact" if chain.ok else "CHANGED:\n" + "\n".join(chain.problems)
    contents["validation/audit_verify.txt"] = (
        f"{TABLE}: {chain.rows} rows, hash chain {verdict}\nhead {chain.head}\n"
    ).encode()
    for name, path in {
        **_data_docs_files(gx_root, quarter, report.run_folder),
        **_gx_results(gx_root, quarter, report.run_folder),
        **{f"dbt/{name}": path for name, path in artifacts.items()},
    }.items():
        contents[name] = path.read_bytes()

    files = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(contents.items())}
    contents["MANIFEST.json"] = json.dumps(
        {
            "quarter": quarter,
            "audit_run_id": run_id,
            "audit_chain_head": chain.head,
            "audit_chain_intact": chain.ok,
            "warehouse": str(warehouse),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": {
                name: {"sha256": digest, "bytes": len(contents[name])}
                for name, digest in files.items()
            },
        },
        indent=2,
    ).encode()
    contents["MANIFEST.sha256"] = "".join(
        f"{digest}  {name}\n" for name, digest in files.items()
    ).encode()

    folder = (out_root or exports_dir()) / "audit"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"evidence_{quarter}.zip"
    temporary = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(contents):
            archive.writestr(name, contents[name])
    temporary.replace(target)
    return EvidenceResult(
        path=target,
        quarter=quarter,
        run_id=run_id,
        files=files,
        failed_expectations=len(failed),
        chain_ok=chain.ok,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.exports.evidence")
    parser.add_argument("--quarter", required=True, help="e.g. 2026Q2")
    parser.add_argument("--warehouse", type=Path, default=None, help="default: $KPI_WAREHOUSE_PATH")
    args = parser.parse_args(argv)
    settings.export_paths()
    warehouse = args.warehouse or settings.warehouse_path()
    try:
        result = build_evidence(warehouse, args.quarter)
    except (FileNotFoundError, ValueError, RuntimeError, duckdb.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"Evidence pack {result.path}: {len(result.files) + 2} files, audit run {result.run_id}, "
        f"{result.failed_expectations} failed expectation(s), hash chain "
        f"{'intact' if result.chain_ok else 'CHANGED (see validation/audit_verify.txt)'}"
    )
    return 0 if result.chain_ok else 1


if __name__ == "__main__":
    sys.exit(main())
