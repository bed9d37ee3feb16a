-- One row per component (`components[]`) of the latest version of each Statuspage
-- scheduled maintenance (ranked exactly as stg_statuspage__scheduled_maintenances): the
-- components under maintenance during its announced window.
with

source as (

    select * from {{ source('statuspage', 'scheduled_maintenances') }}

),

versions as (

    select
        {{ json_text('record_json', 'id') }} as maintenance_id,
        {{ iso_to_utc(json_text('record_json', 'scheduled_for')) }} as scheduled_for,
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
            partition by maintenance_id
            order by
                coalesce(updated_at, resolved_at, created_at, scheduled_for) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

unnested as (

    select
        maintenance_id,
        {{ json_array_elements('record_json', 'components') }} as component_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

final as (

    select
        maintenance_id,
        {{ json_text('component_json', 'id') }} as component_id,
        {{ json_text('component_json', 'name') }} as component_name,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

)

select * from final
