-- Incident response KPIs per reporting month × service × severity (spec §1), production
-- incidents only, each incident in the month it triggered.
with

incidents as (

    select * from {{ ref('fct_incidents') }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

aggregate_incidents as (

    select
        month_start,
        service_id,
        severity,
        count(*) as incidents,
        count(acknowledged_at) as acknowledged,
        count(resolved_at) as resolved,
        sum(case when is_recurrence then 1 else 0 end) as recurrences,
        avg(seconds_to_ack) as mean_seconds_to_ack,
        avg(seconds_to_resolve) as mean_seconds_to_resolve,
        {{ percentile_cont('seconds_to_ack', 0.5) }} as p50_seconds_to_ack,
        {{ percentile_cont('seconds_to_ack', 0.9) }} as p90_seconds_to_ack,
        {{ percentile_cont('seconds_to_resolve', 0.5) }} as p50_seconds_to_resolve,
        {{ percentile_cont('seconds_to_resolve', 0.9) }} as p90_seconds_to_resolve
    from incidents
    where is_production
    group by month_start, service_id, severity

),

rank_mttr_targets as (

    -- The most specific target wins: the service's own row before `*`, then the
    -- severity's own row before `*`.
    select
        aggregated.month_start,
        aggregated.service_id,
        aggregated.severity,
        targets.target_value,
        row_number() over (
            partition by aggregated.month_start, aggregated.service_id, aggregated.severity
            order by
                case when targets.service_id = '*' then 1 else 0 end,
                case when targets.severity = '*' then 1 else 0 end
        ) as specificity_rank
    from aggregate_incidents as aggregated
    inner join kpi_targets as targets
        on
            targets.kpi = 'mttr_minutes'
            and targets.service_id in (aggregated.service_id, '*')
            and targets.severity in (aggregated.severity, '*')

),

final as (

    select
        aggregated.month_start,
        aggregated.service_id,
        aggregated.severity,
        cast(aggregated.incidents as integer) as incidents,
        cast(aggregated.acknowledged as integer) as acknowledged,
        cast(aggregated.resolved as integer) as resolved,
        {{ seconds_to_minutes('aggregated.mean_seconds_to_ack') }} as mtta_minutes,
        {{ seconds_to_minutes('aggregated.mean_seconds_to_resolve') }} as mttr_minutes,
        {{ seconds_to_minutes('aggregated.p50_seconds_to_ack') }} as tta_p50_minutes,
        {{ seconds_to_minutes('aggregated.p90_seconds_to_ack') }} as tta_p90_minutes,
        {{ seconds_to_minutes('aggregated.p50_seconds_to_resolve') }} as ttr_p50_minutes,
        {{ seconds_to_minutes('aggregated.p90_seconds_to_resolve') }} as ttr_p90_minutes,
        {{ pct('aggregated.recurrences', 'aggregated.incidents') }} as recurrence_rate_pct,
        cast(targets.target_value as decimal(18, 2)) as mttr_target_minutes,
        -- Compared on the unrounded mean; NULL when there is no resolved incident or target.
        aggregated.mean_seconds_to_resolve / 60.0 > 1.3 * targets.target_value as is_mttr_over_target_30pct
    from aggregate_incidents as aggregated
    left join rank_mttr_targets as targets
        on
            aggregated.month_start = targets.month_start
            and aggregated.service_id = targets.service_id
            and aggregated.severity = targets.severity
            and targets.specificity_rank = 1

)

select * from final
