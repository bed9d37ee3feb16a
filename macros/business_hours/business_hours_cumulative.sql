{#- Business-hours lookup (spec §4). A select over the CTE/relation `source` with every
    column of it plus `alias`: the working seconds of schedule `schedule_column` from the
    calendar's start up to the instant `at_column`, read from `calendar`
    (int_business_hours_calendar). Business seconds between a and b are the difference of
    two such lookups: cumulative(b) - cumulative(a). Each instant is one lookup into the
    calendar, never an expansion per minute or day: `default__` is an equi-join on
    (schedule, UTC day) and a range filter on the few segments of that day
    [boundary_at, next_boundary_at); `duckdb__` an ASOF join on the last boundary <= t
    (sort-merge, O(log n) per instant). NULL when the instant is NULL or outside the
    calendar's range. -#}
{% macro business_hours_cumulative(source, at_column, schedule_column, calendar, alias) -%}
    {{ return(adapter.dispatch('business_hours_cumulative', 'service_kpis')(source, at_column, schedule_column, calendar, alias)) }}
{%- endmacro %}

{% macro default__business_hours_cumulative(source, at_column, schedule_column, calendar, alias) -%}
    select
        lookup_source.*,
        lookup_calendar.cumulative_seconds + case
            when lookup_calendar.is_working
                then {{ seconds_between('lookup_calendar.boundary_at', 'lookup_source.' ~ at_column) }}
            else 0
        end as {{ alias }}
    from {{ source }} as lookup_source
    left join {{ calendar }} as lookup_calendar
        on
            lookup_source.{{ schedule_column }} = lookup_calendar.schedule_id
            and cast(lookup_source.{{ at_column }} as date) = lookup_calendar.utc_day
            and lookup_source.{{ at_column }} >= lookup_calendar.boundary_at
            and lookup_source.{{ at_column }} < lookup_calendar.next_boundary_at
{%- endmacro %}

{% macro duckdb__business_hours_cumulative(source, at_column, schedule_column, calendar, alias) -%}
    select
        lookup_source.*,
        case
            when lookup_calendar.next_boundary_at is not null
                then lookup_calendar.cumulative_seconds + case
                    when lookup_calendar.is_working
                        then {{ seconds_between('lookup_calendar.boundary_at', 'lookup_source.' ~ at_column) }}
                    else 0
                end
        end as {{ alias }}
    from {{ source }} as lookup_source
    asof left join {{ calendar }} as lookup_calendar
        on
            lookup_source.{{ schedule_column }} = lookup_calendar.schedule_id
            and lookup_source.{{ at_column }} >= lookup_calendar.boundary_at
{%- endmacro %}
