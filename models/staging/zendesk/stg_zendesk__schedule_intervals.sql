-- One row per weekly working interval (`intervals[]`) of the latest version of each
-- Zendesk schedule (ranked exactly as stg_zendesk__schedules). `start_time`/`end_time`
-- are minutes since Sunday 00:00 in the schedule's local time (0-10080); an interval
-- never crosses a day boundary, so its day is the start's: Mon 09:00-17:00 is 1980-2460,
-- weekday 1 (0 = Sunday), 540-1020 minutes into the day. An interval ending at midnight
-- ends at 1440 minutes into its own day, not at 0 of the next.
with

source as (

    select * from {{ source('zendesk', 'schedules') }}

),

versions as (

    select
        {{ json_text('record_json', 'id') }} as schedule_id,
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
    from versions

),

unnested as (

    select
        schedule_id,
        {{ json_array_elements('record_json', 'intervals') }} as interval_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

minutes_read as (

    select
        schedule_id,
        cast({{ json_text('interval_json', 'start_time') }} as integer) as start_minute,
        cast({{ json_text('interval_json', 'end_time') }} as integer) as end_minute,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

),

days_derived as (

    select
        *,
        cast(floor(start_minute / 1440.0) as integer) as weekday  -- noqa: RF04
    from minutes_read

),

times_derived as (

    select
        *,
        start_minute - weekday * 1440 as start_time_of_day_minutes,
        end_minute - weekday * 1440 as end_time_of_day_minutes
    from days_derived

),

final as (

    select
        schedule_id,
        start_minute,
        end_minute,
        weekday,
        start_time_of_day_minutes,
        end_time_of_day_minutes,
        _file_path,
        _record_number,
        _loaded_at
    from times_derived

)

select * from final
