-- The latest version of each Zendesk business-hours schedule (by updated_at, else
-- created_at, then file name, then record number). `time_zone` is the Rails/Zendesk name
-- as exported ("Pacific Time (US & Canada)", "London"), mapped to its IANA name by seed
-- `timezone_map` downstream (kpi-definitions.md §4). The weekly intervals are one row
-- each in stg_zendesk__schedule_intervals, the holidays in stg_zendesk__holidays.
-- `_content_loaded_at`: when the winning copy's record (its intervals included) was first
-- loaded; a later export repeating it unchanged keeps it.
with

source as (

    select * from {{ source('zendesk', 'schedules') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as schedule_id,
        {{ json_text('record_json', 'name') }} as schedule_name,
        {{ json_text('record_json', 'time_zone') }} as time_zone,
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
            partition by schedule_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

find_content_loads as (

    {{ with_content_loaded_at('ranked', 'schedule_id', 'record_json') }}

),

final as (

    select
        schedule_id,
        schedule_name,
        time_zone,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at,
        _content_loaded_at
    from find_content_loads
    where version_rank = 1

)

select * from final
