-- One row per catalog service × elementary period [started_at, ended_at) in which its
-- state is constant and something is going on: an outage (int_outages; an open outage
-- ends at int_statuspage_loaded_through), an outage of an excluded incident
-- (stg_sla__exclusions, source statuspage) or its own scheduled maintenance.
--   is_maintenance: inside one of the service's announced maintenance windows;
--   is_down:        an outage of a non-excluded incident, outside its maintenance;
--   is_excluded:    only excluded outages, outside its maintenance.
-- Overlaps are merged by a sweep, not summed: every interval edge is +1/-1 on a counter,
-- the running counters (window sum in time order) say which kinds are active between one
-- edge and the next. Set-based: one sort per service, no range joins.
with

outages as (

    select * from {{ ref('int_outages') }}

),

maintenance_windows as (

    select * from {{ ref('int_maintenance_windows') }}

),

exclusions as (

    select * from {{ ref('stg_sla__exclusions') }}

),

loaded_through as (

    select * from {{ ref('int_statuspage_loaded_through') }}

),

classify_outages as (

    select
        outages.service_id,
        outages.started_at,
        coalesce(outages.ended_at, loaded_through.loaded_through_at) as ended_at,
        exclusions.incident_id is not null as is_excluded
    from outages
    cross join loaded_through
    left join exclusions
        on exclusions.source = 'statuspage' and outages.incident_id = exclusions.incident_id

),

list_edges as (

    select
        service_id,
        started_at as edge_at,
        case when is_excluded then 0 else 1 end as down_delta,
        case when is_excluded then 1 else 0 end as excluded_delta,
        0 as maintenance_delta
    from classify_outages
    where ended_at > started_at
    union all
    select
        service_id,
        ended_at as edge_at,
        case when is_excluded then 0 else -1 end as down_delta,
        case when is_excluded then -1 else 0 end as excluded_delta,
        0 as maintenance_delta
    from classify_outages
    where ended_at > started_at
    union all
    select
        service_id,
        started_at as edge_at,
        0 as down_delta,
        0 as excluded_delta,
        1 as maintenance_delta
    from maintenance_windows
    union all
    select
        service_id,
        ended_at as edge_at,
        0 as down_delta,
        0 as excluded_delta,
        -1 as maintenance_delta
    from maintenance_windows

),

sum_edges as (

    select
        service_id,
        edge_at,
        sum(down_delta) as down_delta,
        sum(excluded_delta) as excluded_delta,
        sum(maintenance_delta) as maintenance_delta
    from list_edges
    group by service_id, edge_at

),

run_counters as (

    select
        service_id,
        edge_at,
        lead(edge_at) over (partition by service_id order by edge_at) as next_edge_at,
        sum(down_delta) over (
            partition by service_id order by edge_at rows between unbounded preceding and current row
        ) as active_outages,
        sum(excluded_delta) over (
            partition by service_id order by edge_at rows between unbounded preceding and current row
        ) as active_excluded_outages,
        sum(maintenance_delta) over (
            partition by service_id order by edge_at rows between unbounded preceding and current row
        ) as active_maintenances
    from sum_edges

),

final as (

    select
        service_id,
        edge_at as started_at,
        next_edge_at as ended_at,
        active_maintenances > 0 as is_maintenance,
        active_outages > 0 and active_maintenances = 0 as is_down,
        active_excluded_outages > 0 and active_outages = 0 and active_maintenances = 0 as is_excluded
    from run_counters
    where
        next_edge_at is not null
        and (active_outages > 0 or active_excluded_outages > 0 or active_maintenances > 0)

)

select * from final
