-- One row per schedule × working interval in UTC over the calendar's range (spec §4): each
-- weekly interval (minutes from Sunday 00:00 local) placed on every week of
-- int_business_hours_range in the schedule's own IANA zone, so DST is honoured (a
-- 09:00-17:00 day is 8 hours on both sides of a change), and removed on the schedule's
-- holidays (`end_date` inclusive, dates in the schedule's local calendar). Weeks come from
-- a number spine, never from the tickets: its size is schedules × weeks × intervals.
with

schedules as (

    select * from {{ ref('int_business_hours_schedules') }}

),

weekly_intervals as (

    select * from {{ ref('stg_zendesk__schedule_intervals') }}

),

holidays as (

    select * from {{ ref('stg_zendesk__holidays') }}

),

calendar_range as (

    select * from {{ ref('int_business_hours_range') }}

),

week_numbers as (

    {{ number_spine(4) }}

),

place_on_weeks as (

    select
        weekly_intervals.schedule_id,
        schedules.time_zone,
        cast(
            {{ dbt.dateadd(
                'day',
                'week_numbers.number * 7 + weekly_intervals.weekday',
                'calendar_range.range_start_date',
            ) }} as date
        ) as local_date,
        weekly_intervals.start_time_of_day_minutes,
        weekly_intervals.end_time_of_day_minutes
    from weekly_intervals
    inner join schedules
        on weekly_intervals.schedule_id = schedules.schedule_id
    cross join calendar_range
    inner join week_numbers
        on calendar_range.week_count > week_numbers.number

),

remove_holidays as (

    select place_on_weeks.*
    from place_on_weeks
    where not exists (
        select 1
        from holidays
        where
            holidays.schedule_id = place_on_weeks.schedule_id
            and place_on_weeks.local_date >= holidays.start_date
            and place_on_weeks.local_date <= holidays.end_date
    )

),

local_times as (

    select
        schedule_id,
        time_zone,
        local_date,
        {{ dbt.dateadd('minute', 'start_time_of_day_minutes', 'cast(local_date as ' ~ dbt.type_timestamp() ~ ')') }}
            as local_start_at,
        {{ dbt.dateadd('minute', 'end_time_of_day_minutes', 'cast(local_date as ' ~ dbt.type_timestamp() ~ ')') }}
            as local_end_at
    from remove_holidays
    where end_time_of_day_minutes > start_time_of_day_minutes

),

final as (

    select
        schedule_id,
        time_zone,
        local_date,
        {{ local_to_utc('local_start_at', 'time_zone') }} as interval_start_at,
        {{ local_to_utc('local_end_at', 'time_zone') }} as interval_end_at,
        {{ seconds_between(local_to_utc('local_start_at', 'time_zone'), local_to_utc('local_end_at', 'time_zone')) }}
            as working_seconds
    from local_times

)

select * from final
