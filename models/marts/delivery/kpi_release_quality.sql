-- Release quality per reporting month × service (spec §7), production only, each
-- deployment attempt in the month it finished: change failure rate, rollback rate, the
-- MTTR of the incidents the month's deployments caused against target, and whether the
-- change failure rate rose three months in a row.
with

deployments as (

    select * from {{ ref('fct_deployments') }}

),

attributions as (

    select * from {{ ref('int_incident_attributions') }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

finished_attempts as (

    select * from deployments
    -- finished: succeeded or failed, with a known finish (a failed GitLab deployment
    -- without its job's finished_at cannot be placed in a period)
    where is_production and status in ('success', 'failed') and finished_at is not null

),

count_attributed as (

    select
        deployment_id,
        count(*) as attributed_incidents
    from attributions
    where deployment_id is not null and is_production
    group by deployment_id

),

aggregate_months as (

    select
        {{ reporting_month_start('attempts.finished_at') }} as month_start,
        attempts.service_id,
        sum(case when attempts.is_success then 1 else 0 end) as deployments,
        count(*) as deployment_attempts,
        sum(
            case
                when
                    attempts.status = 'failed'
                    or attempts.is_rolled_back
                    or coalesce(attributed.attributed_incidents, 0) > 0
                    then 1
                else 0
            end
        ) as failed_deployment_attempts,
        sum(case when attempts.is_success and attempts.is_rollback then 1 else 0 end) as rollbacks,
        sum(case when attempts.is_rolled_back then 1 else 0 end) as rolled_back_deployments
    from finished_attempts as attempts
    left join count_attributed as attributed
        on attempts.deployment_id = attributed.deployment_id
    group by {{ reporting_month_start('attempts.finished_at') }}, attempts.service_id

),

rank_incident_targets as (

    -- Each attributed incident against its own MTTR target (seed kpi_targets, kpi
    -- mttr_minutes): the service's own row before `*`, the severity's own row before `*`.
    select
        attributions.incident_id,
        {{ reporting_month_start('attributions.deployment_finished_at') }} as month_start,
        deployments.service_id,
        attributions.seconds_to_resolve,
        targets.target_value,
        row_number() over (
            partition by attributions.incident_id
            order by
                case when targets.service_id = '*' then 1 else 0 end,
                case when targets.severity = '*' then 1 else 0 end
        ) as specificity_rank
    from attributions
    inner join finished_attempts as deployments
        on attributions.deployment_id = deployments.deployment_id
    left join kpi_targets as targets
        on
            targets.kpi = 'mttr_minutes'
            and targets.service_id in (deployments.service_id, '*')
            and targets.severity in (attributions.severity, '*')
    where attributions.is_production

),

aggregate_incidents as (

    select
        month_start,
        service_id,
        count(*) as attributed_incidents,
        avg(seconds_to_resolve) as mean_seconds_to_resolve,
        avg(case when seconds_to_resolve is not null then target_value end) as mean_target_minutes
    from rank_incident_targets
    where specificity_rank = 1
    group by month_start, service_id

),

measure_months as (

    select
        months.*,
        incidents.mean_seconds_to_resolve,
        incidents.mean_target_minutes,
        100.0 * months.failed_deployment_attempts / nullif(months.deployment_attempts, 0)
            as change_failure_rate,
        100.0 * months.rolled_back_deployments / nullif(months.deployments, 0) as rollback_rate,
        coalesce(incidents.attributed_incidents, 0) as attributed_incidents
    from aggregate_months as months
    left join aggregate_incidents as incidents
        on months.month_start = incidents.month_start and months.service_id = incidents.service_id

),

look_back as (

    select
        *,
        lag(month_start, 1) over (partition by service_id order by month_start) as month_1_before,
        lag(month_start, 3) over (partition by service_id order by month_start) as month_3_before,
        lag(change_failure_rate, 1) over (partition by service_id order by month_start) as cfr_1_before,
        lag(change_failure_rate, 2) over (partition by service_id order by month_start) as cfr_2_before,
        lag(change_failure_rate, 3) over (partition by service_id order by month_start) as cfr_3_before
    from measure_months

),

final as (

    select
        month_start,
        service_id,
        cast(deployments as integer) as deployments,
        cast(deployment_attempts as integer) as deployment_attempts,
        cast(failed_deployment_attempts as integer) as failed_deployment_attempts,
        cast({{ round_2('change_failure_rate') }} as decimal(5, 2)) as change_failure_rate_pct,
        cast(rollbacks as integer) as rollbacks,
        cast(rolled_back_deployments as integer) as rolled_back_deployments,
        cast({{ round_2('rollback_rate') }} as decimal(5, 2)) as rollback_rate_pct,
        cast(attributed_incidents as integer) as attributed_incidents,
        {{ seconds_to_minutes('mean_seconds_to_resolve') }} as mttr_minutes,
        {{ round_2('mean_target_minutes') }} as mttr_target_minutes,
        -- Compared on the unrounded mean; NULL without a resolved incident or a target.
        mean_seconds_to_resolve / 60.0 > 1.3 * mean_target_minutes as is_mttr_over_target_30pct,
        -- Rose in each of the last three month-over-month steps, over four consecutive
        -- months with deployments (three rows back is exactly three months back).
        coalesce(
            month_3_before = {{ dbt.dateadd('month', -3, 'month_start') }}
            and change_failure_rate > cfr_1_before
            and cfr_1_before > cfr_2_before
            and cfr_2_before > cfr_3_before,
            false
        ) as is_degraded_3_cycles
    from look_back

)

select * from final
