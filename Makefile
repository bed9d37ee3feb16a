# The commands of the README: `make run`, `make test` and `make test-engines`. Each sets up
# what it needs: uv (installed into .tools/ when it is not on PATH) and the locked
# environment (.venv/): the default groups, plus the `postgres` and `spark` groups for
# test-engines (and test-spark, its Spark part alone).
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
# uv cannot download Python here: use the machine's CPython 3.11.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON ?= 3.11
# Install packages with their bytecode: every run starts Python, Dagster, dbt (a second
# process) and Great Expectations, and where .pyc files cannot be written (a read-only
# install, PYTHONDONTWRITEBYTECODE) each start compiled them again, ~6 s per `make run`.
export UV_COMPILE_BYTECODE := 1
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

# Which groups .venv holds: `uv sync` is exact, so switching removes the other's extras
# (`make test` after `make test-engines` runs on the default install again).
SYNCED := $(VENV)/.synced
SYNCED_ENGINES := $(VENV)/.synced-engines

.PHONY: help setup setup-engines setup-spark setup-chromium run kpis docs reports ui test test-engines test-spark lint pytest format clean purge audit-verify evidence bench bench-days

help:
	@echo "make run    ingest data/landing (samples if empty) -> dbt build -> validation, print KPIs"
	@echo "            (incremental; FULL_REFRESH=1 rebuilds everything, WAIT=<s> waits for a running run)"
	@echo "make test   lint (ruff, sqlfluff) and the full test suite"
	@echo "make test-engines  the same models on a throwaway PostgreSQL and on local Apache Spark, compared with DuckDB"
	@echo "make test-spark    only the Apache Spark part of test-engines"
	@echo "make ui     the Dagster UI on the same definitions"
	@echo "make kpis   print the headline KPIs of the current warehouse"
	@echo "make docs   the dbt docs site (KPI definitions, lineage) -> data/exports/docs/index.html"
	@echo "make reports  the latest weekly, monthly and quarterly reports (HTML) of the current warehouse"
	@echo "make purge RETAIN_DAYS=<n>  replace personal fields of raw records older than n days by their key"
	@echo "make audit-verify  recompute the hash chain of audit.validation_runs, name any changed row"
	@echo "make evidence QUARTER=2026Q2  validate the quarter and write data/exports/audit/evidence_<Q>.zip"
	@echo "make bench SCALE=hundredth  generate exports at a scale (large, tenth, hundredth or a number),"
	@echo "            run the pipeline into a fresh warehouse, measure it: benchmarks/results/<date>-<scale>.md"
	@echo "make bench-days SCALE=10  first run, then each of the two newest days' exports added, each timed"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(SYNCED): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	@rm -f $(SYNCED_ENGINES)
	@touch $@

$(SYNCED_ENGINES): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --group postgres --group spark
	@rm -f $(SYNCED)
	@touch $@

setup: $(SYNCED)

setup-engines: $(SYNCED_ENGINES)

setup-spark: setup-engines

# FULL_REFRESH=1 rebuilds every dbt model from all of raw; WAIT=<s> queues behind a run
# that is already writing the warehouse instead of stopping.
run: setup
	$(BIN)/python -m orchestration.cli run $(if $(FULL_REFRESH),--full-refresh) $(if $(WAIT),--wait $(WAIT))

kpis: setup
	$(BIN)/python -m orchestration.cli kpis

# `dbt docs generate --static`: one self-contained page, catalog from the warehouse when it
# exists (orchestration/docs.py). KPI_EXPORTS_DIR moves the folder.
docs: setup
	$(BIN)/python -m orchestration.docs

# Into $KPI_EXPORTS_DIR/reports/<cadence>/ (default data/exports); CADENCE= and PERIOD= pick one.
reports: setup
	$(BIN)/python -m orchestration.reports $(if $(CADENCE),--cadence $(CADENCE)) $(if $(PERIOD),--period $(PERIOD))

# The report tests render each page in a headless Chromium: Debian's `chromium` package,
# installed with apt-get when missing (orchestration/reports/browser.py).
setup-chromium: setup
	$(BIN)/python -m orchestration.reports.browser install

# Retention (orchestration/privacy/purge.py): RETAIN_DAYS defaults to $KPI_RETAIN_DAYS or 365.
purge: setup
	$(BIN)/python -m orchestration.privacy.purge $(if $(RETAIN_DAYS),--retain-days $(RETAIN_DAYS))

# The warehouse is $KPI_WAREHOUSE_PATH (default data/warehouse.duckdb), as for `make run`.
audit-verify: setup
	$(BIN)/python -m expectations.audit verify

evidence: setup
	@test -n "$(QUARTER)" || { echo "usage: make evidence QUARTER=2026Q2"; exit 2; }
	$(BIN)/python -m orchestration.exports.evidence --quarter $(QUARTER)

# benchmarks/README.md: SCALE=large|tenth|hundredth|<generator scale>; work folder
# data/bench/<scale>/ (deleted first). BENCH_ARGS passes more options (--skip-incremental, ...).
bench: setup
	@test -n "$(SCALE)" || { echo "usage: make bench SCALE=hundredth|tenth|large|<number>"; exit 2; }
	$(BIN)/python -m benchmarks.run --scale $(SCALE) $(BENCH_ARGS)

# One more day's exports against the first full run, each a `make run` of its own
# (benchmarks/day_runs.py): SCALE= (default 10), DAYS=2026-06-29,2026-07-01 (default: the two newest).
bench-days: setup
	$(BIN)/python -m benchmarks.day_runs --scale $(or $(SCALE),10) $(if $(DAYS),--days $(DAYS)) $(BENCH_ARGS)

# The instance's run queue (one warehouse writer at a time) is orchestration/dagster.yaml.
ui: setup
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -m orchestration.definitions

# benchmarks/lower_bound.sql is plain DuckDB SQL, not a dbt model: linted with the raw
# templater (benchmarks/.sqlfluff lifts the 50 kB file-size limit for it).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint models tests
	$(BIN)/sqlfluff lint --templater raw benchmarks/lower_bound.sql

pytest: setup setup-chromium
	$(BIN)/pytest

test: lint pytest

# PostgreSQL from Debian's `postgresql` package when missing; the test starts a throwaway
# cluster on a free loopback port and stops it (orchestration/engines/postgres.py).
# Spark: pyspark (the `spark` group) in local mode in dbt's own process, needs Java 17
# (installed from Debian's openjdk-17-jre-headless when missing);
# each fixture gets its own warehouse and Derby metastore in a temporary folder
# (orchestration/engines/spark.py).
test-engines: setup-engines
	$(BIN)/python -m orchestration.engines.postgres install
	$(BIN)/python -m orchestration.engines.spark install
	$(BIN)/pytest -m engines

test-spark: setup-engines
	$(BIN)/python -m orchestration.engines.spark install
	$(BIN)/pytest -m spark

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix models tests

clean:
	rm -rf target logs .pytest_cache .ruff_cache expectations/gx/uncommitted
