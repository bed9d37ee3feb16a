"""Resources shared by the assets: the warehouse paths and the dbt project/CLI."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from orchestration import settings


class WarehouseResource(dg.ConfigurableResource):
    """The landing folder ingest reads and the DuckDB file everything writes.

    DuckDB allows one writing process per file: assets open a connection, use it and close
    it before the next step starts (the job runs in one process, step after step). While a
    step uses this resource it holds the warehouse's writer lock (orchestration/
    writer_lock.py): a step of a run that finds `make run` (or another process) writing
    waits up to `lock_wait_seconds` for it, then fails naming that process.
    """

    landing_dir: str
    warehouse_path: str
    lock_wait_seconds: int = 3600

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseResource]:
        from orchestration.writer_lock import describe_holder, warehouse_writer

        run_id = context.run_id or "-"
        job = context.dagster_run.job_name if context.dagster_run else "dagster"

        def announce(holder: dict[str, object]) -> None:
            context.log.warning(f"waiting for the warehouse writer: {describe_holder(holder)}")

        with warehouse_writer(
            self.warehouse_path,
            command=f"dagster run {run_id} ({job})",
            wait_seconds=self.lock_wait_seconds,
            on_wait=announce,
        ):
            yield self


class DbtCli(DbtCliResource):
    """dagster-dbt's CLI resource, told the dbt version instead of asking `dbt --version`
    before every invocation (a subprocess that also queries PyPI for the latest release:
    about 3 s per run). `dbt` is the one installed beside this interpreter
    (settings.export_paths), so the version is the one imported here."""

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        """No in-process dbt adapter. dagster-dbt builds one before every invocation
        (loading the project and profile again, ~2 s of a run) only for
        `fetch_row_counts()`/`fetch_column_metadata()`, which these assets do not call;
        the invocation takes `adapter=None`."""
        return None


settings.export_paths()

dbt_project = DbtProject(project_dir=settings.PROJECT_ROOT, profiles_dir=settings.PROJECT_ROOT)
# `dagster dev` re-parses the project on start; `make run` prepares it before importing.
dbt_project.prepare_if_dev()


def build_resources() -> dict[str, object]:
    return {
        "warehouse": WarehouseResource(
            landing_dir=str(settings.landing_dir()),
            warehouse_path=str(settings.warehouse_path()),
        ),
        "dbt": DbtCli(project_dir=dbt_project),
    }
