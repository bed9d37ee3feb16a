-- DORA metrics per reporting ISO week × service (spec §7), production only. Deployment
-- measures fall in the week the deployment finished, time to restore in the week the
-- incident triggered; every week × service with a finished production attempt or a
-- production incident has a row. Each metric's band comes from seed `dora_bands`.
with

deployments as (

    select * from {{ ref('fct_deployments') }}

),

attributions as (

    select * from {{ ref('int_incident_attributions') }}

),

incidents as (

    select * from {{ ref('fct_incidents') }}

),

dora_bands as (

    select * from {{ ref('dora_bands') }}

),

type_dora_bands as (

    -- Bounds are text in the seed so an empty (open) bound stays NULL everywhere.
    select
        metric,
        band,
        band_rank,
        inclusive_bound,
        cast(nullif(trim(lower_bound), '') as decimal(18, 6)) as lower_bound,
        cast(nullif(trim(upper_bound), '') as decimal(18, 6)) as upper_bound
    from dora_bands

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

aggregate_deployments as (

    select
        {{ reporting_week_start('attempts.finished_at') }} as week_start,
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
        -- fct lead time is set only on successful deployments that are not rollbacks
        {{ percentile_cont('attempts.lead_time_seconds', 0.5) }} as p50_lead_time_seconds
    from finished_attempts as attempts
    left join count_attributed as attributed
        on attempts.deployment_id = attributed.deployment_id
    group by {{ reporting_week_start('attempts.finished_at') }}, attempts.service_id

),

aggregate_recoveries as (

    -- Failed deployment recovery: incident resolved − deployment finished, in the week
    -- the deployment finished.
    select
        {{ reporting_week_start('attributions.deployment_finished_at') }} as week_start,
        deployments.service_id,
        {{ percentile_cont('attributions.seconds_from_deployment_to_resolve', 0.5) }} as p50_recovery_seconds
    from attributions
    inner join finished_attempts as deployments
        on attributions.deployment_id = deployments.deployment_id
    where attributions.is_production and attributions.seconds_from_deployment_to_resolve is not null
    group by {{ reporting_week_start('attributions.deployment_finished_at') }}, deployments.service_id

),

aggregate_incidents as (

    select
        {{ reporting_week_start('triggered_at') }} as week_start,
        service_id,
        count(*) as incidents,
        {{ percentile_cont('seconds_to_resolve', 0.5) }} as p50_seconds_to_resolve
    from incidents
    where is_production
    group by {{ reporting_week_start('triggered_at') }}, service_id

),

spine as (

    select
        week_start,
        service_id
    from aggregate_deployments
    union
    select
        week_start,
        service_id
    from aggregate_incidents

),

measure_weeks as (

    select
        spine.week_start,
        spine.service_id,
        coalesce(deployed.deployments, 0) as deployments,
        coalesce(deployed.deployment_attempts, 0) as deployment_attempts,
        coalesce(deployed.failed_deployment_attempts, 0) as failed_deployment_attempts,
        coalesce(deployed.deployments, 0) / 7.0 as deployment_frequency_per_day,
        deployed.p50_lead_time_seconds / 3600.0 as lead_time_p50_hours,
        100.0 * deployed.failed_deployment_attempts / nullif(deployed.deployment_attempts, 0)
            as change_failure_rate_pct,
        recoveries.p50_recovery_seconds / 3600.0 as failed_deployment_recovery_p50_hours,
        coalesce(incidents.incidents, 0) as incidents,
        incidents.p50_seconds_to_resolve / 3600.0 as time_to_restore_p50_hours
    from spine
    left join aggregate_deployments as deployed
        on spine.week_start = deployed.week_start and spine.service_id = deployed.service_id
    left join aggregate_recoveries as recoveries
        on spine.week_start = recoveries.week_start and spine.service_id = recoveries.service_id
    left join aggregate_incidents as incidents
        on spine.week_start = incidents.week_start and spine.service_id = incidents.service_id

),

final as (

    select
        weeks.week_start,
        weeks.service_id,
        cast(weeks.deployments as integer) as deployments,
        {{ round_2('weeks.deployment_frequency_per_day') }} as deployment_frequency_per_day,
        {{ round_2('weeks.lead_time_p50_hours') }} as lead_time_p50_hours,
        cast(weeks.deployment_attempts as integer) as deployment_attempts,
        cast(weeks.failed_deployment_attempts as integer) as failed_deployment_attempts,
        cast({{ round_2('weeks.change_failure_rate_pct') }} as decimal(5, 2)) as change_failure_rate_pct,
        {{ round_2('weeks.failed_deployment_recovery_p50_hours') }} as failed_deployment_recovery_p50_hours,
        cast(weeks.incidents as integer) as incidents,
        {{ round_2('weeks.time_to_restore_p50_hours') }} as time_to_restore_p50_hours,
        frequency_band.band as deployment_frequency_band,
        lead_time_band.band as lead_time_band,
        failure_band.band as change_failure_rate_band,
        recovery_band.band as failed_deployment_recovery_band
    from measure_weeks as weeks
    left join type_dora_bands as frequency_band
        on
            frequency_band.metric = 'deployment_frequency_per_day'
            and {{ dora_band_matches('weeks.deployment_frequency_per_day', 'frequency_band') }}
    left join type_dora_bands as lead_time_band
        on
            lead_time_band.metric = 'lead_time_hours'
            and {{ dora_band_matches('weeks.lead_time_p50_hours', 'lead_time_band') }}
    left join type_dora_bands as failure_band
        on
            failure_band.metric = 'change_failure_rate_pct'
            and {{ dora_band_matches('weeks.change_failure_rate_pct', 'failure_band') }}
    left join type_dora_bands as recovery_band
        on
            recovery_band.metric = 'failed_deployment_recovery_hours'
            and {{ dora_band_matches('weeks.failed_deployment_recovery_p50_hours', 'recovery_band') }}

)

select * from final
