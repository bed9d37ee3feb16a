"""Write the GX project from the Python suites, and validate the warehouse against it.

    python -m expectations.validate build-suites            # refresh expectations/gx/ (commit it)
    python -m expectations.validate run --warehouse PATH    # exit 1 when an expectation fails

The GX project under ``expectations/gx/`` is a file context. Everything GX would persist is
written by ``build-suites`` with ids derived from names (uuid5), so rebuilding from scratch
or re-running gives the same bytes: ``great_expectations.yml`` (one pandas data source
``warehouse`` with one dataframe asset per suite), ``expectations/<suite>.json``,
``validation_definitions/<suite>.json`` and ``checkpoints/<suite>.json``. A validation run
only reads those and writes results and Data Docs under ``uncommitted/`` (git-ignored).

The warehouse is read with the plain ``duckdb`` API, read-only, and the connection is closed
before GX starts: GX validates pandas DataFrames, never the DuckDB file (duckdb-engine SQL
expectations fail with GX issue #10738, and an open connection would block ``dbt build``).

Great Expectations takes seconds to import, so it is imported inside the functions that
need it; importing this module is cheap.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import json
import re
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from expectations.suites import SUITES, SuiteSpec

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd
    from great_expectations.data_context import FileDataContext

GX_ROOT = Path(__file__).resolve().parent / "gx"
DATASOURCE = "warehouse"
BATCH_DEFINITION = "whole_table"
DATA_DOCS_SITE = "local_site"
RESULT_FORMAT = "SUMMARY"
UNEXPECTED_SAMPLE = 5  # unexpected values kept per failed expectation in the report

# Every id GX would otherwise draw at random (uuid4) is derived from a name in this namespace.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "service-kpis/expectations/gx")


class SuiteOutOfDateError(RuntimeError):
    """The committed GX project does not match the Python suite definitions."""


_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """``2026Q2`` -> (2026-04-01, 2026-07-01): first day, and first day of the next."""
    match = _QUARTER.match(quarter or "")
    if not match:
        raise ValueError(f"quarter {quarter!r} is not of the form YYYYQn, e.g. 2026Q2")
    year, number = int(match.group(1)), int(match.group(2))
    start = dt.date(year, 3 * number - 2, 1)
    end = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
    return start, end


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class FailedExpectation:
    expectation_type: str
    columns: tuple[str, ...]
    observed_value: Any = None
    unexpected_count: int | None = None
    unexpected_values: tuple[Any, ...] = ()  # a sample, at most UNEXPECTED_SAMPLE values
    exception: str | None = None  # set when the expectation raised instead of evaluating
    why: str | None = None  # the expectation's meta note


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result, as stored in ``audit.validation_runs``."""

    expectation_type: str
    columns: tuple[str, ...]
    success: bool
    severity: str  # GX severity: critical | warning | info
    observed_value: Any = None
    unexpected_count: int | None = None
    unexpected_rows: tuple[dict[str, Any], ...] = ()  # the validated rows that failed (sample)
    result: dict[str, Any] | None = None  # GX's result JSON for this expectation


@dataclass(frozen=True)
class SuiteReport:
    name: str
    success: bool
    rows: int | None  # rows validated; None when the query could not run
    evaluated: int = 0
    successful: int = 0
    failed: tuple[FailedExpectation, ...] = ()
    error: str | None = None  # why the suite could not be validated at all (e.g. no table)
    kind: str = "mart"
    outcomes: tuple[ExpectationOutcome, ...] = ()

    @property
    def has_critical_failure(self) -> bool:
        """A broken definition or a reconciliation break (not only warnings)."""
        return self.error is not None or any(
            not item.success and item.severity == "critical" for item in self.outcomes
        )

    def failure(self, expectation_type: str, column: str | None = None) -> FailedExpectation:
        """The failed expectation of that type (and column), or KeyError."""
        for item in self.failed:
            if item.expectation_type == expectation_type and (
                column is None or column in item.columns
            ):
                return item
        raise KeyError(f"{self.name}: no failed {expectation_type} on {column}")


@dataclass(frozen=True)
class ValidationReport:
    success: bool
    suites: tuple[SuiteReport, ...]
    data_docs: Path | None = None  # index.html of the local Data Docs site
    warehouse: Path | None = None
    quarter: str | None = None  # e.g. 2026Q2; None: every row
    run_name: str = ""
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    parameters: dict[str, Any] | None = None

    @property
    def run_folder(self) -> str:
        """The folder GX names this run's results and Data Docs pages by (its run time)."""
        return "" if self.started_at is None else self.started_at.strftime("%Y%m%dT%H%M%S.%fZ")

    def suite(self, name: str) -> SuiteReport:
        for report in self.suites:
            if report.name == name:
                return report
        raise KeyError(name)


@dataclass(frozen=True)
class _Frame:
    """Rows of one suite's query, or why there are none."""

    spec: SuiteSpec
    frame: pd.DataFrame | None = None
    error: str | None = None


# --------------------------------------------------------------------------- project


def _stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, "/".join(parts)))


def _select(suites: Sequence[str] | None) -> list[SuiteSpec]:
    if suites is None:
        return list(SUITES.values())
    unknown = sorted(set(suites) - set(SUITES))
    if unknown:
        raise ValueError(f"unknown suite(s) {unknown}; registered: {sorted(SUITES)}")
    return [SUITES[name] for name in dict.fromkeys(suites)]


def _stable_suite(spec: SuiteSpec) -> gx.ExpectationSuite:
    """The suite from its Python builder, with ids derived from its content, not uuid4."""
    suite = spec.build()
    if suite.name != spec.name:
        raise ValueError(f"builder of {spec.name!r} returned a suite named {suite.name!r}")
    suite.id = _stable_id("suite", suite.name)
    for expectation in suite.expectations:
        config = expectation.configuration
        kwargs = json.dumps(config.kwargs, sort_keys=True, default=str)
        expectation.id = _stable_id("expectation", suite.name, config.type, kwargs)
    return suite


def _open_context(gx_root: Path) -> FileDataContext:
    import great_expectations as gx

    return gx.get_context(mode="file", context_root_dir=str(gx_root))


def build_suites(gx_root: Path | None = None) -> list[Path]:
    """Write the GX project for every registered suite; return the suite JSON files.

    Deterministic: ids are uuid5 of names and content, so a re-run without changes leaves
    the files byte for byte as they were. Suites no longer registered are removed.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.datasource.fluent import PandasDatasource

    gx_root = Path(gx_root or GX_ROOT)
    context = _open_context(gx_root)

    # Project settings GX would otherwise fill with a random id (data_context_id) or defaults.
    context.config.data_context_id = uuid.UUID(_stable_id("data_context"))
    context.config.analytics_enabled = False
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    # The expectations store would keep a random store id in expectations/.ge_store_backend_id.
    stores = copy.deepcopy(context.variables.stores)
    stores["expectations_store"]["store_backend"]["suppress_store_backend_id"] = True
    context.variables.stores = stores
    context.variables.save()
    (gx_root / "expectations" / ".ge_store_backend_id").unlink(missing_ok=True)

    # Drop suites no longer registered (checkpoint, validation definition, suite), while their
    # assets still exist: loading a checkpoint resolves its batch definition.
    registered = set(SUITES)
    for checkpoint in list(context.checkpoints.all()):
        if checkpoint.name not in registered:
            context.checkpoints.delete(checkpoint.name)
    for definition in list(context.validation_definitions.all()):
        if definition.name not in registered:
            context.validation_definitions.delete(definition.name)
    for stored in list(context.suites.all()):
        if stored.name not in registered:
            context.suites.delete(stored.name)

    specs = list(SUITES.values())
    datasource = PandasDatasource(
        name=DATASOURCE,
        id=_stable_id("datasource", DATASOURCE),
        assets=[
            {
                "type": "dataframe",
                "name": spec.name,
                "id": _stable_id("asset", DATASOURCE, spec.name),
                "batch_definitions": [
                    {
                        "name": BATCH_DEFINITION,
                        "id": _stable_id("batch_definition", DATASOURCE, spec.name),
                    }
                ],
            }
            for spec in specs
        ],
    )
    datasource = context.data_sources.add_or_update_pandas(datasource=datasource)

    written = []
    suites_store = context.expectations_store
    definitions_store = context.validation_definition_store
    checkpoints_store = context.checkpoint_store
    for spec in specs:
        suite = _stable_suite(spec)
        suites_store.add_or_update(
            key=suites_store.get_key(name=suite.name, id=suite.id), value=suite
        )
        suite = context.suites.get(spec.name)

        batch_definition = datasource.get_asset(spec.name).get_batch_definition(BATCH_DEFINITION)
        definition = gx.ValidationDefinition(
            name=spec.name,
            data=batch_definition,
            suite=suite,
            id=_stable_id("validation_definition", spec.name),
        )
        definitions_store.add_or_update(
            key=definitions_store.get_key(name=definition.name, id=definition.id),
            value=definition,
        )
        definition = context.validation_definitions.get(spec.name)

        checkpoint = gx.Checkpoint(
            name=spec.name,
            validation_definitions=[definition],
            # Data Docs are built once per run_validation call, not after every suite
            # (each build renders the index over every stored result).
            actions=[],
            result_format=RESULT_FORMAT,
            id=_stable_id("checkpoint", spec.name),
        )
        checkpoints_store.add_or_update(
            key=checkpoints_store.get_key(name=checkpoint.name, id=checkpoint.id),
            value=checkpoint,
        )
        written.append(gx_root / "expectations" / f"{spec.name}.json")
    return written


def _check_project(context: FileDataContext, specs: list[SuiteSpec], gx_root: Path) -> None:
    """Fail clearly when the committed project lags behind the Python suites."""
    from great_expectations.exceptions import DataContextError

    hint = "run `python -m expectations.validate build-suites` and commit expectations/gx/"
    for spec in specs:
        try:
            stored = context.suites.get(spec.name)
            context.checkpoints.get(spec.name)
        except DataContextError as exc:
            raise SuiteOutOfDateError(
                f"{spec.name}: not in the GX project {gx_root}; {hint}"
            ) from exc
        if stored.to_json_dict() != _stable_suite(spec).to_json_dict():
            raise SuiteOutOfDateError(
                f"{spec.name}: {gx_root}/expectations/{spec.name}.json differs from "
                f"expectations/suites; {hint}"
            )


# --------------------------------------------------------------------------- validation


def suite_query(spec: SuiteSpec, quarter: str | None) -> tuple[str, list[Any]]:
    """The suite's query, cut to the quarter's rows when a quarter is given."""
    if quarter is None or spec.period is None:
        return spec.query, []
    start, end = quarter_bounds(quarter)
    return (
        f"select * from ({spec.query}) as suite_rows "
        f"where {spec.period} >= ? and {spec.period} < ?",
        [start, end],
    )


def _read_frames(
    warehouse_path: Path, specs: list[SuiteSpec], quarter: str | None = None
) -> list[_Frame]:
    """Run each suite's query read-only; the connection is closed when this returns."""
    if not warehouse_path.is_file():
        raise FileNotFoundError(f"warehouse file not found: {warehouse_path}")
    try:
        connection = duckdb.connect(str(warehouse_path), read_only=True)
    except duckdb.Error as exc:
        raise RuntimeError(f"cannot open {warehouse_path} read-only: {exc}") from exc
    frames = []
    try:
        for spec in specs:
            try:
                sql, parameters = suite_query(spec, quarter)
                frame = connection.execute(sql, parameters).df()
            except duckdb.Error as exc:  # missing table, bad query: this suite cannot run
                message = str(exc).splitlines()[0]
                frames.append(
                    _Frame(
                        spec, error=f"{spec.relation} cannot be read in {warehouse_path}: {message}"
                    )
                )
                continue
            frames.append(_Frame(spec, frame=frame))
    finally:
        connection.close()
    return frames


def _plain(value: Any) -> Any:
    """numpy/pandas scalars -> Python values, NaN/NaT/NA -> None, timestamps -> ISO strings."""
    if getattr(value, "ndim", 0):  # numpy array
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    try:
        if value is None or value != value:  # NaN and NaT are not equal to themselves
            return None
    except (TypeError, ValueError):  # pd.NA: its truth value is ambiguous
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(TypeError, ValueError):
            value = value.item()  # numpy scalar, incl. datetime64 -> datetime
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def _columns(kwargs: dict[str, Any]) -> tuple[str, ...]:
    if "column" in kwargs:
        return (kwargs["column"],)
    if "column_A" in kwargs:
        return (kwargs["column_A"], kwargs["column_B"])
    return tuple(kwargs.get("column_list") or ())


def _exception_message(info: dict[str, Any] | None) -> str | None:
    """The message of an expectation that raised: flat, or keyed by the metric that failed."""
    if not info:
        return None
    candidates = [info, *(value for value in info.values() if isinstance(value, dict))]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            return str(candidate.get("exception_message") or "raised an exception")
    return None


def _unexpected_rows(frame: pd.DataFrame, details: dict[str, Any]) -> tuple[dict, ...]:
    """The validated rows behind a failed column expectation (GX gives their index)."""
    rows = []
    for index in (details.get("partial_unexpected_index_list") or ())[:UNEXPECTED_SAMPLE]:
        if isinstance(index, int) and 0 <= index < len(frame):
            rows.append({key: _plain(value) for key, value in frame.iloc[index].items()})
    return tuple(rows)


def _suite_report(
    spec: SuiteSpec, frame: pd.DataFrame, result: Any, order: dict[str, int]
) -> SuiteReport:
    name, rows = spec.name, len(frame)
    failed = []
    outcomes = []
    for item in sorted(
        result.results, key=lambda r: order.get(r.expectation_config.id, len(order))
    ):
        config = item.expectation_config
        details = item.result or {}
        severity = getattr(config, "severity", None)
        outcomes.append(
            ExpectationOutcome(
                expectation_type=config.type,
                columns=_columns(dict(config.kwargs)),
                success=bool(item.success),
                severity=str(getattr(severity, "value", severity) or "critical"),
                observed_value=_plain(details.get("observed_value")),
                unexpected_count=details.get("unexpected_count"),
                unexpected_rows=() if item.success else _unexpected_rows(frame, details),
                result=json.loads(json.dumps(item.to_json_dict(), default=str)),
            )
        )
        if item.success:
            continue
        exception = _exception_message(item.exception_info)
        failed.append(
            FailedExpectation(
                expectation_type=config.type,
                columns=_columns(dict(config.kwargs)),
                observed_value=_plain(details.get("observed_value")),
                unexpected_count=details.get("unexpected_count"),
                unexpected_values=tuple(
                    _plain(v) for v in (details.get("partial_unexpected_list") or ())
                )[:UNEXPECTED_SAMPLE],
                exception=exception,
                why=(config.meta or {}).get("why"),
            )
        )
    statistics = result.statistics
    return SuiteReport(
        name=name,
        success=bool(result.success),
        rows=rows,
        evaluated=int(statistics["evaluated_expectations"]),
        successful=int(statistics["successful_expectations"]),
        failed=tuple(failed),
        kind=spec.kind,
        outcomes=tuple(outcomes),
    )


def run_validation(
    warehouse_path: Path,
    gx_root: Path | None = None,
    suites: list[str] | None = None,
    quarter: str | None = None,
    tolerance_pct: float | None = None,
) -> ValidationReport:
    """Validate the warehouse against the registered suites (all, or those named).

    Reads every suite's rows first and closes the DuckDB file, then runs one GX checkpoint per
    suite, storing results and updating Data Docs under ``<gx_root>/uncommitted/``. A
    ``gx_root`` without a project (e.g. a temporary folder) is built first; an existing one
    must match the Python suites (``SuiteOutOfDateError`` otherwise).

    ``quarter`` (``2026Q2``) validates that quarter's rows of each suite (its ``period``);
    ``tolerance_pct`` is the reconciliation tolerance (default: ``tolerance_pct()``).
    """
    from great_expectations.core.run_identifier import RunIdentifier

    from expectations.suites.reconciliation import TOLERANCE
    from expectations.suites.reconciliation import tolerance_pct as default_tolerance

    started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    warehouse_path = Path(warehouse_path)
    gx_root = Path(gx_root or GX_ROOT)
    specs = _select(suites)
    if quarter is not None:
        quarter_bounds(quarter)  # a bad label fails before anything runs
    parameters = {TOLERANCE: default_tolerance() if tolerance_pct is None else tolerance_pct}
    # before GX: no connection outlives this
    frames = _read_frames(warehouse_path, specs, quarter)

    if not (gx_root / "great_expectations.yml").is_file():
        build_suites(gx_root)
    context = _open_context(gx_root)
    _check_project(context, specs, gx_root)

    # One run id for the whole call, so Data Docs group this run's suites under one name.
    run_name = f"quarter-{quarter}" if quarter else f"all-{warehouse_path.name}"
    run_id = RunIdentifier(run_name=run_name, run_time=started_at.replace(tzinfo=dt.UTC))
    reports = []
    result_ids = []
    for item in frames:
        if item.frame is None:
            reports.append(
                SuiteReport(
                    name=item.spec.name,
                    success=False,
                    rows=None,
                    error=item.error,
                    kind=item.spec.kind,
                )
            )
            continue
        suite = context.suites.get(item.spec.name)
        order = {expectation.id: i for i, expectation in enumerate(suite.expectations)}
        checkpoint = context.checkpoints.get(item.spec.name)
        result = checkpoint.run(
            batch_parameters={"dataframe": item.frame},
            expectation_parameters=parameters,
            run_id=run_id,
        )
        ((result_id, suite_result),) = result.run_results.items()
        result_ids.append(result_id)
        reports.append(_suite_report(item.spec, item.frame, suite_result, order))
    if result_ids:
        # This run's pages and the index, once.
        context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=result_ids)

    index = gx_root / "uncommitted" / "data_docs" / DATA_DOCS_SITE / "index.html"
    return ValidationReport(
        success=all(report.success for report in reports),
        suites=tuple(reports),
        data_docs=index if index.is_file() else None,
        warehouse=warehouse_path,
        quarter=quarter,
        run_name=run_name,
        started_at=started_at,
        finished_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        parameters=parameters,
    )


def build_data_docs(gx_root: Path | None = None) -> Path:
    """Rebuild the whole local Data Docs site from the stored suites and results.

    ``run_validation`` already adds its run's pages and updates the index; this is for a
    site that was deleted or should be rendered again. Returns index.html.
    """
    gx_root = Path(gx_root or GX_ROOT)
    if not (gx_root / "great_expectations.yml").is_file():
        raise FileNotFoundError(f"no GX project at {gx_root}; run build-suites first")
    _open_context(gx_root).build_data_docs(site_names=[DATA_DOCS_SITE])
    return gx_root / "uncommitted" / "data_docs" / DATA_DOCS_SITE / "index.html"


# --------------------------------------------------------------------------- CLI


def _short(value: Any, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def format_report(report: ValidationReport) -> str:
    """A compact table: one line per suite, one indented line per failed expectation."""
    scope = f"quarter {report.quarter}" if report.quarter else "all rows"
    lines = [
        f"Validation of {scope}",
        f"{'suite':<30} {'rows':>8}  {'result':<7} {'passed':>8}",
    ]
    for suite in report.suites:
        if suite.success:
            status = "OK"
        elif suite.error:
            status = "ERROR"
        else:
            status = "FAILED" if suite.has_critical_failure else "WARN"
        rows = "-" if suite.rows is None else str(suite.rows)
        passed = f"{suite.successful}/{suite.evaluated}" if suite.error is None else "-"
        lines.append(f"{suite.name:<30} {rows:>8}  {status:<7} {passed:>8}")
        if suite.error:
            lines.append(f"  ! {suite.error}")
        for failure in suite.failed:
            target = ", ".join(failure.columns) or "table"
            if failure.exception:
                detail = f"raised: {failure.exception}"
            elif failure.unexpected_count is not None:
                detail = f"{failure.unexpected_count} unexpected"
                if failure.unexpected_values:
                    detail += f", e.g. {_short(list(failure.unexpected_values))}"
            else:
                detail = f"observed {_short(failure.observed_value)}"
            lines.append(f"  - {failure.expectation_type} ({target}): {detail}")
    if report.data_docs:
        lines.append(f"Data Docs: {report.data_docs}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expectations.validate", description=__doc__)
    parser.add_argument("--gx-root", type=Path, default=None, help=f"default: {GX_ROOT}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build-suites", help="write expectations/gx/ from expectations/suites")
    commands.add_parser("build-docs", help="rebuild Data Docs from the stored results")
    run = commands.add_parser("run", help="validate a warehouse file")
    run.add_argument("--warehouse", type=Path, required=True, help="DuckDB file")
    run.add_argument("--suite", action="append", dest="suites", help="repeatable; default all")
    run.add_argument("--quarter", help="validate that quarter's rows, e.g. 2026Q2")
    run.add_argument(
        "--record", action="store_true", help="append the results to audit.validation_runs"
    )
    args = parser.parse_args(argv)

    if args.command == "build-suites":
        for path in build_suites(args.gx_root):
            print(path)
        return 0
    if args.command == "build-docs":
        print(build_data_docs(args.gx_root))
        return 0
    try:
        report = run_validation(
            args.warehouse, gx_root=args.gx_root, suites=args.suites, quarter=args.quarter
        )
        if args.record:
            from expectations.audit import record_run

            run_id = record_run(args.warehouse, report)
            print(f"Recorded in audit.validation_runs as run {run_id}")
    except (FileNotFoundError, SuiteOutOfDateError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_report(report))
    return 0 if report.success else 1


if __name__ == "__main__":
    sys.exit(main())
