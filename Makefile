# The two commands of the README: `make run` and `make test`. Both set up what they need:
# uv (installed into .tools/ when it is not on PATH) and the locked environment (.venv/).
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

.PHONY: help setup run kpis ui test lint pytest format clean

help:
	@echo "make run    ingest data/landing (samples if empty) -> dbt build -> validation, print KPIs"
	@echo "make test   lint (ruff, sqlfluff) and the full test suite"
	@echo "make ui     the Dagster UI on the same definitions"
	@echo "make kpis   print the headline KPIs of the current warehouse"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	@touch $@

setup: $(VENV)/.synced

run: setup
	$(BIN)/python -m orchestration.cli run

kpis: setup
	$(BIN)/python -m orchestration.cli kpis

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

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix models tests

clean:
	rm -rf target logs .pytest_cache .ruff_cache expectations/gx/uncommitted
