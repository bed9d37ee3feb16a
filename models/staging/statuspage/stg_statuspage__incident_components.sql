-- One row per component listed on the latest version of each Statuspage incident
-- (`components[]`, ranked exactly as stg_statuspage__incidents), with the component's
-- status as of that export.
with

source as (

    select * from {{ source('statuspage', 'incidents') }}

),

versions as (

    select
        {{ json_text('record_json', 'id') }} as incident_id,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'resolved_at')) }} as resolved_at,
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
            partition by incident_id
            order by
                coalesce(updated_at, resolved_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

unnested as (

    select
        incident_id,
        {{ json_array_elements('record_json', 'components') }} as component_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

final as (

    select
        incident_id,
        {{ json_text('component_json', 'id') }} as component_id,
        {{ json_text('component_json', 'name') }} as component_name,
        lower({{ json_text('component_json', 'status') }}) as status,
        {{ json_text('component_json', 'group_id') }} as component_group_id,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

)

select * from final
