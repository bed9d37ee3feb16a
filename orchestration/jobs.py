"""Jobs. `kpi_pipeline_job` is what `make run` executes: ingest -> dbt build -> validation.
`purge_personal_data_job` is the retention purge (`make purge`, monthly schedule)."""

import dagster as dg
from pydantic import Field

from orchestration.privacy.purge import default_retain_days
from orchestration.resources import WarehouseResource

# Every run that writes (or reads) the warehouse carries this tag: the instance's run
# queue (orchestration/dagster.yaml, `concurrency.runs.tag_concurrency_limits`) starts one
# such run at a time, the others wait in the queue. `make run` (outside Dagster) is kept
# out by the writer lock (orchestration/writer_lock.py), which Dagster runs take as well.
WAREHOUSE_TAG = "kpi/warehouse"
WRITER_TAGS = {WAREHOUSE_TAG: "writer"}

kpi_pipeline_job = dg.define_asset_job(
    name="kpi_pipeline_job",
    # The reports are materialised by their own schedules (orchestration/schedules.py).
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("reports"),
    description=(
        "Ingest new landing files into raw, dbt build (seeds, models, unit and data tests), "
        "then Great Expectations validation of the marts."
    ),
    # One DuckDB writer at a time: steps run one after another in one process.
    executor_def=dg.in_process_executor,
    tags=WRITER_TAGS,
)


class RetentionConfig(dg.Config):
    """How long personal data stays in raw (days); default $KPI_RETAIN_DAYS or 365."""

    retain_days: int = Field(default_factory=default_retain_days)


@dg.op(
    description=(
        "Replace the personal fields of raw records older than the retention period by their "
        "key (orchestration/privacy/purge.py); logged to audit.purge_log."
    ),
)
def purge_personal_data(
    context: dg.OpExecutionContext, config: RetentionConfig, warehouse: WarehouseResource
) -> dg.Output[int]:
    from orchestration.ingest.loader import connect
    from orchestration.privacy.purge import purge

    con = connect(warehouse.warehouse_path)
    try:
        result = purge(con, config.retain_days)
    finally:
        con.close()
    context.log.info(
        f"purge {result.purge_id}: {result.fields_purged} fields in {result.records_purged} "
        f"records older than {result.cutoff_at:%Y-%m-%d} ({result.retain_days} days)"
    )
    if result.key_source != "env":
        context.log.warning("samples-only HMAC key in use: set KPI_PII_HMAC_KEY for real data")
    return dg.Output(
        result.records_purged,
        metadata={
            "purge_id": result.purge_id,
            "retain_days": result.retain_days,
            "cutoff_at": result.cutoff_at.isoformat(sep=" "),
            "records_purged": result.records_purged,
            "fields_purged": result.fields_purged,
        },
    )


@dg.job(
    description=(
        "Retention: personal fields of raw records older than the period become their key; "
        "marts are unchanged (no rebuild needed)."
    ),
    executor_def=dg.in_process_executor,
    tags=WRITER_TAGS,
)
def purge_personal_data_job() -> None:
    purge_personal_data()
