-- One row per target (`policy_metrics[]` entry: priority x metric) of the latest version
-- of each Zendesk SLA policy (ranked exactly as stg_zendesk__sla_policies), so a target
-- removed since an older export is gone. `target` is in minutes, calendar or business
-- hours per `business_hours`.
with

source as (

    select * from {{ source('zendesk', 'sla_policies') }}

),

versions as (

    select
        {{ json_text('record_json', 'id') }} as sla_policy_id,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        record_json,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by sla_policy_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

unnested as (

    select
        sla_policy_id,
        {{ json_array_elements('record_json', 'policy_metrics') }} as metric_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

final as (

    select
        sla_policy_id,
        lower({{ json_text('metric_json', 'priority') }}) as priority,
        lower({{ json_text('metric_json', 'metric') }}) as metric,
        cast({{ json_text('metric_json', 'target') }} as integer) as target_minutes,
        lower({{ json_text('metric_json', 'business_hours') }}) = 'true' as is_business_hours,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

)

select * from final
