# The commands of the README: `make run`, `make test` and `make test-engines`. Each sets up
# what it needs: uv (installed into .tools/ when it is not on PATH) and the locked
# environment (.venv/): the default groups, plus the `postgres` group for test-engines
# (and the `spark` group for test-spark, which is not in CI yet: see the README).
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
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

# Which groups .venv holds: `uv sync` is exact, so switching removes the other's extras
# (`make test` after `make test-engines` runs on the default install again).
SYNCED := $(VENV)/.synced
SYNCED_ENGINES := $(VENV)/.synced-engines
SYNCED_SPARK := $(VENV)/.synced-spark

.PHONY: help setup setup-engines setup-spark run kpis ui test test-engines test-spark lint pytest format clean purge

help:
	@echo "make run    ingest data/landing (samples if empty) -> dbt build -> validation, print KPIs"
	@echo "            (incremental; FULL_REFRESH=1 rebuilds everything, WAIT=<s> waits for a running run)"
	@echo "make test   lint (ruff, sqlfluff) and the full test suite"
	@echo "make test-engines  the same models on a throwaway PostgreSQL, compared with DuckDB"
	@echo "make test-spark    the same models on local Apache Spark, compared with DuckDB (not in CI yet)"
	@echo "make ui     the Dagster UI on the same definitions"
	@echo "make kpis   print the headline KPIs of the current warehouse"
	@echo "make purge RETAIN_DAYS=<n>  replace personal fields of raw records older than n days by their key"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(SYNCED): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	@rm -f $(SYNCED_ENGINES) $(SYNCED_SPARK)
	@touch $@

$(SYNCED_ENGINES): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --group postgres
	@rm -f $(SYNCED) $(SYNCED_SPARK)
	@touch $@

$(SYNCED_SPARK): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --group spark
	@rm -f $(SYNCED) $(SYNCED_ENGINES)
	@touch $@

setup: $(SYNCED)

setup-engines: $(SYNCED_ENGINES)

setup-spark: $(SYNCED_SPARK)

# FULL_REFRESH=1 rebuilds every dbt model from all of raw; WAIT=<s> queues behind a run
# that is already writing the warehouse instead of stopping.
run: setup
	$(BIN)/python -m orchestration.cli run $(if $(FULL_REFRESH),--full-refresh) $(if $(WAIT),--wait $(WAIT))

kpis: setup
	$(BIN)/python -m orchestration.cli kpis

# Retention (orchestration/privacy/purge.py): RETAIN_DAYS defaults to $KPI_RETAIN_DAYS or 365.
purge: setup
	$(BIN)/python -m orchestration.privacy.purge $(if $(RETAIN_DAYS),--retain-days $(RETAIN_DAYS))

# The instance's run queue (one warehouse writer at a time) is orchestration/dagster.yaml.
ui: setup
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -m orchestration.definitions

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint models tests

pytest: setup
	$(BIN)/pytest

test: lint pytest

# PostgreSQL from Debian's `postgresql` package when missing; the test starts a throwaway
# cluster on a free loopback port and stops it (orchestration/engines/postgres.py).
test-engines: setup-engines
	$(BIN)/python -m orchestration.engines.postgres install
	$(BIN)/pytest -m "engines and not spark"

# Spark: pyspark (the `spark` group) in local mode in dbt's own process, needs Java 17;
# each fixture gets its own warehouse and Derby metastore in a temporary folder
# (orchestration/engines/spark.py).
test-spark: setup-spark
	$(BIN)/python -m orchestration.engines.spark check
	$(BIN)/pytest -m spark

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix models tests

clean:
	rm -rf target logs .pytest_cache .ruff_cache expectations/gx/uncommitted
