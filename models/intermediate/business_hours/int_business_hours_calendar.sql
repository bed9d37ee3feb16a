-- The business-hours calendar (spec §4): one row per schedule × segment
-- [boundary_at, next_boundary_at) in UTC, where the boundaries are every working interval's
-- start and end and every UTC midnight of the range. Segments cover the range without gap
-- or overlap, so every instant of it falls in exactly one segment of each schedule, and no
-- segment crosses a UTC midnight (`utc_day` is a hash key for the range lookup).
-- `cumulative_seconds` is the working time of the schedule from the range's start to
-- `boundary_at`; the working seconds up to any t in a segment are
--   cumulative_seconds + (is_working ? t - boundary_at : 0),
-- and business seconds between a and b are that at b minus that at a (macro
-- `business_hours_cumulative`). The last boundary (end of the range) has no next one.
with

intervals as (

    select * from {{ ref('int_business_hours_intervals') }}

),

schedules as (

    select * from {{ ref('int_business_hours_schedules') }}

),

calendar_range as (

    select * from {{ ref('int_business_hours_range') }}

),

day_numbers as (

    {{ number_spine(4) }}

),

midnights as (

    select
        schedules.schedule_id,
        cast(
            {{ dbt.dateadd('day', 'day_numbers.number', 'calendar_range.range_start_date') }}
            as {{ dbt.type_timestamp() }}
        ) as boundary_at,
        0 as working_delta
    from schedules
    cross join calendar_range
    inner join day_numbers
        on calendar_range.day_count >= day_numbers.number

),

all_boundaries as (

    select
        schedule_id,
        interval_start_at as boundary_at,
        1 as working_delta
    from intervals
    union all
    select
        schedule_id,
        interval_end_at as boundary_at,
        -1 as working_delta
    from intervals
    union all
    select
        schedule_id,
        boundary_at,
        working_delta
    from midnights

),

merge_boundaries as (

    select
        schedule_id,
        boundary_at,
        sum(working_delta) as working_delta
    from all_boundaries
    group by schedule_id, boundary_at

),

mark_working as (

    -- Working from a boundary on while more intervals have started than ended.
    select
        schedule_id,
        boundary_at,
        lead(boundary_at) over (partition by schedule_id order by boundary_at) as next_boundary_at,
        sum(working_delta) over (
            partition by schedule_id order by boundary_at rows between unbounded preceding and current row
        ) > 0 as is_working
    from merge_boundaries

),

measure_segments as (

    select
        *,
        case
            when is_working then {{ seconds_between('boundary_at', 'next_boundary_at') }} else 0
        end as segment_seconds
    from mark_working

),

final as (

    select
        schedule_id,
        boundary_at,
        next_boundary_at,
        cast(boundary_at as date) as utc_day,
        is_working,
        cast(segment_seconds as bigint) as segment_seconds,
        cast(
            coalesce(
                sum(segment_seconds) over (
                    partition by schedule_id
                    order by boundary_at
                    rows between unbounded preceding and 1 preceding
                ),
                0
            ) as bigint
        ) as cumulative_seconds
    from measure_segments

)

select * from final
