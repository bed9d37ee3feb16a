"""Deterministic sample exports for the landing folder (stdlib only, no Dagster).

`orchestration.samples.generate.generate(out_dir, seed, scale)` writes what the tools
would export: the service catalog CSV and PagerDuty incident and log entry pages.
"""
