"""Thin Dagster assets: ingest (orchestration/ingest), dbt models, validation."""
