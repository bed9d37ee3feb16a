"""Each ingest test gets its own landing folder and DuckDB file under ``tmp_path``."""

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.loader import connect


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    return folder


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(warehouse)
    yield connection
    connection.close()
