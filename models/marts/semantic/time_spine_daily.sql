-- MetricFlow's daily time spine (semantic layer, issue 12): one row per calendar day from
-- 2000-01-01 through 2049-12-31. Portable SQL only (number_spine + dbt.dateadd), so the
-- project still builds on PostgreSQL and Spark.
with

day_numbers as (

    {{ number_spine(5) }}

),

final as (

    select
        cast({{ dbt.dateadd('day', 'day_numbers.number', "cast('2000-01-01' as date)") }} as date) as date_day
    from day_numbers
    -- 50 years of 365 days + 13 leap days (2000, 2004, ..., 2048) = 18,263 days.
    where day_numbers.number < 18263

)

select * from final
