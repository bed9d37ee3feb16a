-- The latest version of each Zendesk SLA policy (by updated_at, else created_at, then
-- file name, then record number: never by load order). `filter` (the conditions that
-- pick the tickets a policy applies to) stays JSON text; the targets are one row per
-- priority x metric in stg_zendesk__sla_policy_metrics.
with

source as (

    select * from {{ source('zendesk', 'sla_policies') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as sla_policy_id,
        {{ json_text('record_json', 'title') }} as title,
        {{ json_text('record_json', 'description') }} as description,
        cast({{ json_text('record_json', 'position') }} as integer) as position,
        {{ json_text('record_json', 'filter') }} as filter_json,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
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
    from renamed

),

final as (

    select
        sla_policy_id,
        title,
        description,
        position,
        filter_json,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
