-- One row per update (`incident_updates[]`) of the latest version of each Statuspage
-- incident (ranked exactly as stg_statuspage__incidents), so an update repeated across
-- exports appears once and an update deleted since an older export is gone.
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
        {{ json_array_elements('record_json', 'incident_updates') }} as update_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

final as (

    select
        {{ json_text('update_json', 'id') }} as incident_update_id,
        incident_id,
        lower({{ json_text('update_json', 'status') }}) as status,
        {{ json_text('update_json', 'body') }} as body,
        {{ iso_to_utc(json_text('update_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('update_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('update_json', 'display_at')) }} as display_at,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

)

select * from final
