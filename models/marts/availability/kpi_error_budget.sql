-- Error budgets (spec §6): one row per production catalog service × day (reporting time
-- zone), from the first Statuspage outage day to the day of the latest loaded Statuspage
-- data. Downtime is int_service_availability_periods.is_down (outage of a non-excluded
-- incident outside the service's own maintenance). SLO from seed slo_targets (the
-- service's row, else `*`): error budget = (1 − SLO) × window_days × 1440 minutes;
-- budget_remaining_pct = 100 × (budget − downtime in the window_days ending with the
-- day) / budget. Burn rate over w at instant t = downtime in [t − w, t) / w / (1 − SLO).
--
-- Method (bounded, set-based): downtime in a trailing window, f_w(t), never decreases
-- while the service is down and never increases while it is up, for every w at once. So
-- at any instant t of a day, every f_w(t) is at most its value at the same instant t*:
-- the end of the down period holding t (or the day's end, if it lasts past it), or,
-- when the service is up at t, the day's start or the end of the last down period of
-- the day before t. The peak burn of each window in the day, and whether some moment has
-- both the 1 h and 5 min burns over 14.4 (is_fast_burn) or both the 6 h and 30 min burns
-- over 6 (is_slow_burn), are therefore exact when evaluated at these candidate instants
-- only: the day's start, its end and every end of a down period inside it. Each
-- candidate reads the down periods of the 3 days before it; thresholds are compared on
-- integers (100 × downtime_ms > rate × (100 − SLO) × window_ms), burn rates shown with
-- 2 decimals.

with

services as (

    select * from {{ ref('stg_catalog__services') }}

),

slo_targets as (

    select * from {{ ref('slo_targets') }}

),

service_periods as (

    select * from {{ ref('int_service_availability_periods') }}

),

outages as (

    select * from {{ ref('int_outages') }}

),

loaded_through as (

    select * from {{ ref('int_statuspage_loaded_through') }}

),

day_numbers as (

    {{ number_spine(4) }}

),

down_periods as (

    select
        service_id,
        started_at,
        ended_at
    from service_periods
    where is_down

),

bound_days as (

    select
        cast({{ utc_to_local('min(outages.started_at)', "'" ~ var('reporting_timezone') ~ "'") }} as date) as first_day,
        cast(
            {{ utc_to_local('max(loaded_through.loaded_through_at)', "'" ~ var('reporting_timezone') ~ "'") }} as date
        ) as last_day
    from outages
    cross join loaded_through

),

spread_days as (

    select
        cast({{ dbt.dateadd('day', 'day_numbers.number', 'bound_days.first_day') }} as date) as day  -- noqa: RF04
    from bound_days
    inner join day_numbers
        on day_numbers.number <= {{ dbt.datediff('bound_days.first_day', 'bound_days.last_day', 'day') }}

),

pick_slos as (

    select
        services.service_id,
        coalesce(own_target.objective_pct, default_target.objective_pct) as objective_pct,
        coalesce(own_target.window_days, default_target.window_days, 30) as window_days
    from services
    left join slo_targets as own_target
        on services.service_id = own_target.service_id
    left join slo_targets as default_target
        on default_target.service_id = '*'
    where services.is_production

),

service_days as (

    select
        pick_slos.service_id,
        pick_slos.objective_pct,
        pick_slos.window_days,
        spread_days.day,
        {{ local_to_utc('spread_days.day', "'" ~ var('reporting_timezone') ~ "'") }} as day_start_at,
        {{ local_to_utc(dbt.dateadd('day', 1, 'spread_days.day'), "'" ~ var('reporting_timezone') ~ "'") }}
            as day_end_at,
        {{ local_to_utc(
            dbt.dateadd('day', '1 - pick_slos.window_days', 'spread_days.day'), "'" ~ var('reporting_timezone') ~ "'",
        ) }} as window_start_at
    from pick_slos
    cross join spread_days
    where pick_slos.objective_pct is not null

),

list_candidates as (

    select
        service_id,
        day,
        day_start_at as candidate_at
    from service_days
    union
    select
        service_id,
        day,
        day_end_at as candidate_at
    from service_days
    union
    select
        service_days.service_id,
        service_days.day,
        down_periods.ended_at as candidate_at
    from service_days
    inner join down_periods
        on
            service_days.service_id = down_periods.service_id
            and service_days.day_start_at < down_periods.ended_at
            and service_days.day_end_at > down_periods.ended_at

),

measure_candidates as (

    -- Downtime in each trailing window ending at the candidate instant.
    select
        list_candidates.service_id,
        list_candidates.day,
        list_candidates.candidate_at,
        sum(
            {{ interval_overlap_ms(
                'down_periods.started_at', 'down_periods.ended_at',
                dbt.dateadd('second', -300, 'list_candidates.candidate_at'), 'list_candidates.candidate_at',
            ) }}
        ) as down_5m_ms,
        sum(
            {{ interval_overlap_ms(
                'down_periods.started_at', 'down_periods.ended_at',
                dbt.dateadd('second', -1800, 'list_candidates.candidate_at'), 'list_candidates.candidate_at',
            ) }}
        ) as down_30m_ms,
        sum(
            {{ interval_overlap_ms(
                'down_periods.started_at', 'down_periods.ended_at',
                dbt.dateadd('second', -3600, 'list_candidates.candidate_at'), 'list_candidates.candidate_at',
            ) }}
        ) as down_1h_ms,
        sum(
            {{ interval_overlap_ms(
                'down_periods.started_at', 'down_periods.ended_at',
                dbt.dateadd('second', -21600, 'list_candidates.candidate_at'), 'list_candidates.candidate_at',
            ) }}
        ) as down_6h_ms,
        sum(
            {{ interval_overlap_ms(
                'down_periods.started_at', 'down_periods.ended_at',
                dbt.dateadd('second', -86400, 'list_candidates.candidate_at'), 'list_candidates.candidate_at',
            ) }}
        ) as down_1d_ms,
        sum(
            {{ interval_overlap_ms(
                'down_periods.started_at', 'down_periods.ended_at',
                dbt.dateadd('second', -259200, 'list_candidates.candidate_at'), 'list_candidates.candidate_at',
            ) }}
        ) as down_3d_ms
    from list_candidates
    left join down_periods
        on
            list_candidates.service_id = down_periods.service_id
            and list_candidates.candidate_at > down_periods.started_at
            and {{ dbt.dateadd('second', -259200, 'list_candidates.candidate_at') }} < down_periods.ended_at
    group by list_candidates.service_id, list_candidates.day, list_candidates.candidate_at

),

flag_candidates as (

    select
        measure_candidates.*,
        service_days.objective_pct,
        case
            when
                100 * coalesce(measure_candidates.down_1h_ms, 0) > 14.4 * (100 - service_days.objective_pct) * 3600000
                and 100 * coalesce(measure_candidates.down_5m_ms, 0)
                > 14.4 * (100 - service_days.objective_pct) * 300000
                then 1
            else 0
        end as is_fast_burn_at,
        case
            when
                100 * coalesce(measure_candidates.down_6h_ms, 0) > 6 * (100 - service_days.objective_pct) * 21600000
                and 100 * coalesce(measure_candidates.down_30m_ms, 0)
                > 6 * (100 - service_days.objective_pct) * 1800000
                then 1
            else 0
        end as is_slow_burn_at
    from measure_candidates
    inner join service_days
        on measure_candidates.service_id = service_days.service_id and measure_candidates.day = service_days.day

),

peak_days as (

    select
        service_id,
        day,
        max(down_5m_ms) as peak_down_5m_ms,
        max(down_30m_ms) as peak_down_30m_ms,
        max(down_1h_ms) as peak_down_1h_ms,
        max(down_6h_ms) as peak_down_6h_ms,
        max(down_1d_ms) as peak_down_1d_ms,
        max(down_3d_ms) as peak_down_3d_ms,
        max(is_fast_burn_at) as fast_burns,
        max(is_slow_burn_at) as slow_burns
    from flag_candidates
    group by service_id, day

),

measure_days as (

    -- Downtime inside the day and inside the SLO window ending with the day.
    select
        service_days.service_id,
        service_days.day,
        sum(
            {{ interval_overlap_ms(
                'down_periods.started_at', 'down_periods.ended_at', 'service_days.day_start_at', 'service_days.day_end_at',
            ) }}
        ) as day_down_ms,
        sum(
            {{ interval_overlap_ms(
                'down_periods.started_at', 'down_periods.ended_at',
                'service_days.window_start_at', 'service_days.day_end_at',
            ) }}
        ) as window_down_ms
    from service_days
    left join down_periods
        on
            service_days.service_id = down_periods.service_id
            and service_days.day_end_at > down_periods.started_at
            and service_days.window_start_at < down_periods.ended_at
    group by service_days.service_id, service_days.day

),

final as (

    select
        service_days.service_id,
        service_days.day,
        cast(service_days.objective_pct as decimal(7, 4)) as slo_pct,
        cast(service_days.window_days as integer) as window_days,
        cast(
            round(cast((100 - service_days.objective_pct) * service_days.window_days * 1440 / 100 as decimal(38, 6)), 2)
            as decimal(18, 2)
        ) as error_budget_minutes,
        {{ seconds_to_minutes('coalesce(measure_days.day_down_ms, 0) / 1000.0') }} as downtime_minutes,
        {{ seconds_to_minutes('coalesce(measure_days.window_down_ms, 0) / 1000.0') }} as window_downtime_minutes,
        cast(
            round(
                cast(
                    100.0 * (
                        (100 - service_days.objective_pct) * service_days.window_days * 864000
                        - coalesce(measure_days.window_down_ms, 0)
                    ) / ((100 - service_days.objective_pct) * service_days.window_days * 864000) as decimal(38, 6)
                ),
                2
            ) as decimal(18, 2)
        ) as budget_remaining_pct,
        cast(
            round(
                cast(
                    100.0 * peak_days.peak_down_5m_ms
                    / (300000 * (100 - service_days.objective_pct)) as decimal(38, 6)
                ),
                2
            ) as decimal(18, 2)
        ) as burn_rate_5m,
        cast(
            round(
                cast(
                    100.0 * peak_days.peak_down_30m_ms
                    / (1800000 * (100 - service_days.objective_pct)) as decimal(38, 6)
                ),
                2
            ) as decimal(18, 2)
        ) as burn_rate_30m,
        cast(
            round(
                cast(
                    100.0 * peak_days.peak_down_1h_ms
                    / (3600000 * (100 - service_days.objective_pct)) as decimal(38, 6)
                ),
                2
            ) as decimal(18, 2)
        ) as burn_rate_1h,
        cast(
            round(
                cast(
                    100.0 * peak_days.peak_down_6h_ms
                    / (21600000 * (100 - service_days.objective_pct)) as decimal(38, 6)
                ),
                2
            ) as decimal(18, 2)
        ) as burn_rate_6h,
        cast(
            round(
                cast(
                    100.0 * peak_days.peak_down_1d_ms
                    / (86400000 * (100 - service_days.objective_pct)) as decimal(38, 6)
                ),
                2
            ) as decimal(18, 2)
        ) as burn_rate_1d,
        cast(
            round(
                cast(
                    100.0 * peak_days.peak_down_3d_ms
                    / (259200000 * (100 - service_days.objective_pct)) as decimal(38, 6)
                ),
                2
            ) as decimal(18, 2)
        ) as burn_rate_3d,
        peak_days.fast_burns = 1 as is_fast_burn,
        peak_days.slow_burns = 1 as is_slow_burn
    from service_days
    inner join peak_days
        on service_days.service_id = peak_days.service_id and service_days.day = peak_days.day
    inner join measure_days
        on service_days.service_id = measure_days.service_id and service_days.day = measure_days.day

)

select * from final
