"""Where things are: the project root, the landing folder and the warehouse file.

`KPI_LANDING_DIR` (default `data/landing`) and `KPI_WAREHOUSE_PATH` (default
`data/warehouse.duckdb`) are read from the environment; relative paths are relative to the
project root, so `make run` behaves the same from any working directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LANDING_DIR = "data/landing"
DEFAULT_WAREHOUSE_PATH = "data/warehouse.duckdb"


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


def landing_dir() -> Path:
    return _resolve(os.environ.get("KPI_LANDING_DIR") or DEFAULT_LANDING_DIR)


def warehouse_path() -> Path:
    return _resolve(os.environ.get("KPI_WAREHOUSE_PATH") or DEFAULT_WAREHOUSE_PATH)


def export_paths() -> None:
    """Pin both paths as absolute values in the environment, so that dbt (a subprocess that
    reads `KPI_WAREHOUSE_PATH` in profiles.yml) and Python agree on the same file."""
    os.environ["KPI_LANDING_DIR"] = str(landing_dir())
    os.environ["KPI_WAREHOUSE_PATH"] = str(warehouse_path())
    # dagster-dbt runs `dbt` from PATH: make it the one installed beside this interpreter,
    # also when the environment's python is called without activating it.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
