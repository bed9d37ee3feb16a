"""Jobs. `kpi_pipeline_job` is what `make run` executes: ingest -> dbt build -> validation."""

import dagster as dg

kpi_pipeline_job = dg.define_asset_job(
    name="kpi_pipeline_job",
    selection=dg.AssetSelection.all(),
    description=(
        "Ingest new landing files into raw, dbt build (seeds, models, unit and data tests), "
        "then Great Expectations validation of the marts."
    ),
    # One DuckDB writer at a time: steps run one after another in one process.
    executor_def=dg.in_process_executor,
)
