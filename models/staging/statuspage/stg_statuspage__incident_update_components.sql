-- One row per `affected_components` entry of each update of the latest version of each
-- Statuspage incident: a component's status transition (old_status -> new_status) at
-- the update's display_at, else its created_at. The source of downtime
-- (kpi-definitions.md §6): an outage starts at a transition into a downtime status and
-- ends at the transition out of it.
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

updates_unnested as (

    select
        incident_id,
        {{ json_array_elements('record_json', 'incident_updates') }} as update_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

updates_timed as (

    select
        {{ json_text('update_json', 'id') }} as incident_update_id,
        incident_id,
        coalesce(
            {{ iso_to_utc(json_text('update_json', 'display_at')) }},
            {{ iso_to_utc(json_text('update_json', 'created_at')) }}
        ) as transition_at,
        update_json,
        _file_path,
        _record_number,
        _loaded_at
    from updates_unnested

),

components_unnested as (

    select
        incident_update_id,
        incident_id,
        transition_at,
        {{ json_array_elements('update_json', 'affected_components') }} as component_json,
        _file_path,
        _record_number,
        _loaded_at
    from updates_timed

),

final as (

    select
        incident_update_id,
        incident_id,
        {{ json_text('component_json', 'code') }} as component_id,
        {{ json_text('component_json', 'name') }} as component_name,
        lower({{ json_text('component_json', 'old_status') }}) as old_status,
        lower({{ json_text('component_json', 'new_status') }}) as new_status,
        transition_at,
        _file_path,
        _record_number,
        _loaded_at
    from components_unnested

)

select * from final
