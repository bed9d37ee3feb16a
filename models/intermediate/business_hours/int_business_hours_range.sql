-- One row: the dates the business-hours calendar covers, from the data (not a spine per
-- ticket): from the Sunday on or before two days before the earliest ticket's creation
-- (two days absorb any zone's offset) to two days after the latest ticket update plus var
-- `business_hours_margin_days` (so clocks still running can be evaluated). `week_count`
-- and `day_count` size the week and day spines of the calendar models.
{%- set range_days = dbt.datediff('range_start_date', 'range_end_date', 'day') %}

with

tickets as (

    select * from {{ ref('int_tickets_unified') }}

),

bound_tickets as (

    select
        cast(min(created_at) as date) as first_ticket_date,
        cast(max(coalesce(updated_at, created_at)) as date) as last_ticket_date
    from tickets

),

pad_dates as (

    select
        cast({{ dbt.dateadd('day', -2, 'first_ticket_date') }} as date) as padded_start_date,
        cast(
            {{ dbt.dateadd('day', var('business_hours_margin_days') + 2, 'last_ticket_date') }} as date
        ) as range_end_date
    from bound_tickets

),

align_to_sunday as (

    -- 1970-01-04 was a Sunday: whole days since then, modulo 7, is the day of the week.
    select
        cast(
            {{ dbt.dateadd(
                'day',
                '-1 * mod(' ~ dbt.datediff("cast('1970-01-04' as date)", 'padded_start_date', 'day') ~ ', 7)',
                'padded_start_date',
            ) }} as date
        ) as range_start_date,
        range_end_date
    from pad_dates

),

final as (

    select
        range_start_date,
        range_end_date,
        cast({{ range_days }} + 1 as integer) as day_count,
        cast(floor({{ range_days }} / 7.0) + 1 as integer) as week_count
    from align_to_sunday
    where range_start_date is not null

)

select * from final
