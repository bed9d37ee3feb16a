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
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

# Which groups .venv holds: `uv sync` is exact, so switching removes the other's extras
# (`make test` after `make test-engines` runs on the default install again).
SYNCED := $(VENV)/.synced
SYNCED_ENGINES := $(VENV)/.synced-engines

.PHONY: help setup setup-engines setup-spark run kpis ui test test-engines test-spark lint pytest format clean purge

help:
	@echo "make run    ingest data/landing (samples if empty) -> dbt build -> validation, print KPIs"
	@echo "make test   lint (ruff, sqlfluff) and the full test suite"
	@echo "make test-engines  the same models on a throwaway PostgreSQL and on local Apache Spark, compared with DuckDB"
	@echo "make test-spark    only the Apache Spark part of test-engines"
	@echo "make ui     the Dagster UI on the same definitions"
	@echo "make kpis   print the headline KPIs of the current warehouse"
	@echo "make purge RETAIN_DAYS=<n>  replace personal fields of raw records older than n days by their key"

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

run: setup
	$(BIN)/python -m orchestration.cli run

kpis: setup
	$(BIN)/python -m orchestration.cli kpis

# Retention (orchestration/privacy/purge.py): RETAIN_DAYS defaults to $KPI_RETAIN_DAYS or 365.
purge: setup
	$(BIN)/python -m orchestration.privacy.purge $(if $(RETAIN_DAYS),--retain-days $(RETAIN_DAYS))

ui: setup
	@mkdir -p $(DAGSTER_HOME)
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
# Spark: pyspark (the `spark` group) in local mode in dbt's own process, needs Java 17;
# each fixture gets its own warehouse and Derby metastore in a temporary folder
# (orchestration/engines/spark.py).
test-engines: setup-engines
	$(BIN)/python -m orchestration.engines.postgres install
	$(BIN)/python -m orchestration.engines.spark check
	$(BIN)/pytest -m engines

test-spark: setup-engines
	$(BIN)/python -m orchestration.engines.spark check
	$(BIN)/pytest -m spark

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix models tests

clean:
	rm -rf target logs .pytest_cache .ruff_cache expectations/gx/uncommitted
