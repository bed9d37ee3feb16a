-- The latest version of each Statuspage scheduled maintenance (by updated_at, then file
-- name, then record number). `scheduled_for` -> `scheduled_until` is the announced
-- window, the only part that counts as maintenance (kpi-definitions.md §6: overruns are
-- not maintenance). Times converted from their offsets to UTC.
with

source as (

    select * from {{ source('statuspage', 'scheduled_maintenances') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as maintenance_id,
        coalesce(
            {{ json_text('record_json', 'page_id') }},
            {{ json_text('_file_context', 'page.id') }}
        ) as page_id,
        {{ json_text('record_json', 'name') }} as maintenance_name,
        lower({{ json_text('record_json', 'status') }}) as status,
        lower({{ json_text('record_json', 'impact') }}) as impact,
        {{ iso_to_utc(json_text('record_json', 'scheduled_for')) }} as scheduled_for,
        {{ iso_to_utc(json_text('record_json', 'scheduled_until')) }} as scheduled_until,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'started_at')) }} as started_at,
        {{ iso_to_utc(json_text('record_json', 'resolved_at')) }} as resolved_at,
        {{ json_text('record_json', 'shortlink') }} as shortlink,
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
    from renamed

),

final as (

    select
        maintenance_id,
        page_id,
        maintenance_name,
        status,
        impact,
        scheduled_for,
        scheduled_until,
        created_at,
        updated_at,
        started_at,
        resolved_at,
        shortlink,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
