"""`python -m orchestration.docs`: what `make docs` calls.

Runs `dbt docs generate --static` and writes the single self-contained page (every model,
source and column with its description — each KPI's definition comes from the doc blocks
in `models/marts/<domain>/_<domain>__docs.md` — and the lineage graph from the raw
sources to the marts) to `<exports dir>/docs/index.html` (`KPI_EXPORTS_DIR`, default
`data/exports`). It opens offline in a browser: no server, no CDN.

The catalog (column types, row counts) is read from the warehouse at `KPI_WAREHOUSE_PATH`
when that file exists, after `make run`. Without it the site is built from the project
alone (the in-memory `lint` target, an empty catalog): definitions and lineage are the
same, and no empty warehouse file is created. With `DBT_TARGET` set to another engine
(e.g. `postgres`) the catalog comes from that target. dbt opens the warehouse read-write, so run
it when no pipeline run holds the file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration import settings
from orchestration.exports.finance import exports_dir

# Its own target folder: the pipeline's manifest (and the semantic manifest `mf` reads)
# in target/ stay those of the last run.
DOCS_TARGET = "target/docs"


def docs_dir() -> Path:
    return exports_dir() / "docs"


def generate_docs(output_dir: Path | None = None) -> Path:
    """Generate the static docs site; returns the path of its `index.html`."""
    settings.export_paths()
    warehouse = settings.warehouse_path()
    target_path = settings.PROJECT_ROOT / DOCS_TARGET
    command = [
        str(Path(sys.executable).parent / "dbt"),
        "docs",
        "generate",
        "--static",
        "--project-dir",
        str(settings.PROJECT_ROOT),
        "--profiles-dir",
        str(settings.PROJECT_ROOT),
        "--target-path",
        str(target_path),
    ]
    engine_target = os.environ.get("DBT_TARGET", "duckdb")
    if engine_target != "duckdb":
        print(f"Catalog from the `{engine_target}` target")
        command += ["--target", engine_target]
    elif warehouse.exists():
        print(f"Catalog from the warehouse {warehouse}")
        command += ["--target", "duckdb"]
    else:
        print(f"No warehouse at {warehouse}: the docs come from the project alone")
        print("(run `make run` first for the warehouse's column types)")
        command += ["--target", "lint", "--empty-catalog"]
    result = subprocess.run(command, cwd=settings.PROJECT_ROOT, env=os.environ.copy())
    if result.returncode != 0:
        raise SystemExit(
            f"dbt docs generate failed (exit {result.returncode}): see the dbt output above"
        )
    page = target_path / "static_index.html"
    if not page.exists():
        raise SystemExit(f"dbt docs generate wrote no {page}")
    output = output_dir or docs_dir()
    output.mkdir(parents=True, exist_ok=True)
    index = output / "index.html"
    shutil.copyfile(page, index)
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.docs", description=__doc__.split("\n")[0])
    parser.parse_args(argv)
    index = generate_docs()
    print(f"Docs site: {index}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
