-- One row per contract × version × month in force (int_contract_months) with the
-- availability of the contract's covered services (the version's `service_ids`) inside
-- the days in force, in milliseconds (spec §6):
--   downtime   = union over the covered services of (outage − that service's maintenance)
--   maintenance = (union of the covered services' maintenance) − downtime
--   excluded   = (union of their excluded outages outside own maintenance) − downtime
-- The per-service periods (int_service_availability_periods) are clipped to the window
-- and merged across services by the same +1/-1 sweep: time counts once however many
-- services or incidents overlap. A month without any period has zeros.
with

contract_months as (

    select * from {{ ref('int_contract_months') }}

),

service_periods as (

    select * from {{ ref('int_service_availability_periods') }}

),

positions as (

    {{ integer_spine(50) }}

),

covered_services as (

    select distinct
        contract_months.contract_id,
        contract_months.version_number,
        contract_months.month_start,
        trim({{ list_item('contract_months.service_ids', "';'", 'positions.position') }}) as service_id
    from contract_months
    cross join positions
    where contract_months.service_ids is not null

),

clip_periods as (

    select
        contract_months.contract_id,
        contract_months.version_number,
        contract_months.month_start,
        service_periods.is_down,
        service_periods.is_excluded,
        service_periods.is_maintenance,
        case
            when service_periods.started_at > contract_months.window_start_at then service_periods.started_at
            else contract_months.window_start_at
        end as started_at,
        case
            when service_periods.ended_at < contract_months.window_end_at then service_periods.ended_at
            else contract_months.window_end_at
        end as ended_at
    from contract_months
    inner join covered_services
        on
            contract_months.contract_id = covered_services.contract_id
            and contract_months.version_number = covered_services.version_number
            and contract_months.month_start = covered_services.month_start
    inner join service_periods
        on
            covered_services.service_id = service_periods.service_id
            and contract_months.window_end_at > service_periods.started_at
            and contract_months.window_start_at < service_periods.ended_at
    where covered_services.service_id is not null and covered_services.service_id <> ''

),

list_edges as (

    select
        contract_id,
        version_number,
        month_start,
        started_at as edge_at,
        case when is_down then 1 else 0 end as down_delta,
        case when is_excluded then 1 else 0 end as excluded_delta,
        case when is_maintenance then 1 else 0 end as maintenance_delta
    from clip_periods
    union all
    select
        contract_id,
        version_number,
        month_start,
        ended_at as edge_at,
        case when is_down then -1 else 0 end as down_delta,
        case when is_excluded then -1 else 0 end as excluded_delta,
        case when is_maintenance then -1 else 0 end as maintenance_delta
    from clip_periods

),

sum_edges as (

    select
        contract_id,
        version_number,
        month_start,
        edge_at,
        sum(down_delta) as down_delta,
        sum(excluded_delta) as excluded_delta,
        sum(maintenance_delta) as maintenance_delta
    from list_edges
    group by contract_id, version_number, month_start, edge_at

),

run_counters as (

    select
        contract_id,
        version_number,
        month_start,
        edge_at,
        lead(edge_at) over (
            partition by contract_id, version_number, month_start order by edge_at
        ) as next_edge_at,
        sum(down_delta) over (
            partition by contract_id, version_number, month_start
            order by edge_at rows between unbounded preceding and current row
        ) as active_down,
        sum(excluded_delta) over (
            partition by contract_id, version_number, month_start
            order by edge_at rows between unbounded preceding and current row
        ) as active_excluded,
        sum(maintenance_delta) over (
            partition by contract_id, version_number, month_start
            order by edge_at rows between unbounded preceding and current row
        ) as active_maintenance
    from sum_edges

),

measure_pieces as (

    select
        contract_id,
        version_number,
        month_start,
        active_down,
        active_excluded,
        active_maintenance,
        {{ dbt.datediff('edge_at', 'next_edge_at', 'millisecond') }} as piece_ms  -- noqa: LT05
    from run_counters
    where next_edge_at is not null

),

sum_pieces as (

    select
        contract_id,
        version_number,
        month_start,
        sum(case when active_down > 0 then piece_ms else 0 end) as downtime_ms,
        sum(case when active_down = 0 and active_maintenance > 0 then piece_ms else 0 end)
            as maintenance_ms,
        sum(case when active_down = 0 and active_excluded > 0 then piece_ms else 0 end)
            as excluded_downtime_ms
    from measure_pieces
    group by contract_id, version_number, month_start

),

final as (

    select
        contract_months.contract_id,
        contract_months.version_number,
        contract_months.customer_id,
        contract_months.zendesk_organization_id,
        contract_months.tier,
        contract_months.service_ids,
        contract_months.monthly_fee,
        contract_months.currency,
        contract_months.timezone,
        contract_months.month_start,
        contract_months.first_day_in_force,
        contract_months.last_day_in_force,
        contract_months.days_in_force,
        contract_months.days_in_month,
        contract_months.window_start_at,
        contract_months.window_end_at,
        contract_months.month_end_at,
        cast(
            {{ dbt.datediff(
                'contract_months.window_start_at', 'contract_months.window_end_at', 'millisecond',
            ) }} as bigint
        ) as in_force_ms,
        cast(coalesce(sum_pieces.downtime_ms, 0) as bigint) as downtime_ms,
        cast(coalesce(sum_pieces.maintenance_ms, 0) as bigint) as maintenance_ms,
        cast(coalesce(sum_pieces.excluded_downtime_ms, 0) as bigint) as excluded_downtime_ms
    from contract_months
    left join sum_pieces
        on
            contract_months.contract_id = sum_pieces.contract_id
            and contract_months.version_number = sum_pieces.version_number
            and contract_months.month_start = sum_pieces.month_start

)

select * from final
