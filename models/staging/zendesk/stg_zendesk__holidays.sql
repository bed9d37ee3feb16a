-- The current holidays of each Zendesk business-hours schedule (`start_date` to
-- `end_date`, both inclusive, dates in the schedule's local calendar).
--
-- The schedule is the record's `schedule_id` when the exporter added one, else the one
-- the file name carries (`schedule-<id>_*.json`, in `_file_context`). A holidays export
-- (GET /schedules/{id}/holidays) is the schedule's whole list and holidays carry no update
-- stamp, so a schedule's holidays are those of its latest file (by file name) that lists
-- it: a holiday deleted in Zendesk disappears with the next export. Within that file the
-- last row of a holiday id wins.
with

source as (

    select * from {{ source('zendesk', 'holidays') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as holiday_id,
        coalesce(
            {{ json_text('record_json', 'schedule_id') }},
            {{ json_text('_file_context', 'schedule_id') }}
        ) as schedule_id,
        {{ json_text('record_json', 'name') }} as holiday_name,
        cast({{ json_text('record_json', 'start_date') }} as date) as start_date,
        cast({{ json_text('record_json', 'end_date') }} as date) as end_date,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        _file_path = max(_file_path) over (partition by schedule_id) as is_latest_file,
        row_number() over (
            partition by schedule_id, holiday_id
            order by _file_path desc, _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        holiday_id,
        schedule_id,
        holiday_name,
        start_date,
        end_date,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where is_latest_file and version_rank = 1

)

select * from final
