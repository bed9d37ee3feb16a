"""Resources shared by the assets: the warehouse paths and the dbt project/CLI."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject

from orchestration import settings


class WarehouseResource(dg.ConfigurableResource):
    """The landing folder ingest reads and the DuckDB file everything writes.

    DuckDB allows one writing process per file: assets open a connection, use it and close
    it before the next step starts (the job runs in one process, step after step).
    """

    landing_dir: str
    warehouse_path: str


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
        "dbt": DbtCliResource(project_dir=dbt_project),
    }
