-- Production deployments by the reporting weekday × hour band × service they finished in
-- (spec §7): how many, and the share that caused an incident, to answer "should we
-- deploy on Friday afternoon?".
with

deployments as (

    select * from {{ ref('fct_deployments') }}

),

attributions as (

    select * from {{ ref('int_incident_attributions') }}

),

count_attributed as (

    select
        deployment_id,
        count(*) as attributed_incidents
    from attributions
    where deployment_id is not null and is_production
    group by deployment_id

),

place_deployments as (

    select
        deployments.deployment_id,
        deployments.service_id,
        {{ reporting_iso_weekday('deployments.finished_at') }} as iso_weekday,
        {{ reporting_hour('deployments.finished_at') }} as finished_hour,
        coalesce(attributed.attributed_incidents, 0) > 0 as has_attributed_incident
    from deployments
    left join count_attributed as attributed
        on deployments.deployment_id = attributed.deployment_id
    where deployments.is_production and deployments.is_success and deployments.finished_at is not null

),

band_hours as (

    select
        *,
        case
            when finished_hour < 6 then '00-06'
            when finished_hour < 12 then '06-12'
            when finished_hour < 18 then '12-18'
            else '18-24'
        end as hour_band
    from place_deployments

),

final as (

    select
        iso_weekday,
        case iso_weekday
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            else 'Sunday'
        end as weekday_name,
        hour_band,
        service_id,
        cast(count(*) as integer) as deployments,
        cast(sum(case when has_attributed_incident then 1 else 0 end) as integer) as deployments_with_incident,
        {{ pct('sum(case when has_attributed_incident then 1 else 0 end)', 'count(*)') }} as incident_share_pct
    from band_hours
    group by iso_weekday, hour_band, service_id

)

select * from final
