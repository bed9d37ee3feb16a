-- One row per incident with the deployment that caused it, if any (spec §7). First
-- ServiceNow: the incident's `caused_by` change request, through its number, to the
-- successful production deployments that quote it (CHANGE_REQUEST parameter or CHG… in
-- their description/payload); the latest one finished by the trigger wins (else the
-- earliest after it). Else the latest successful production deployment of the incident's
-- service finished before the incident triggered, at most `attribution_window_hours`
-- before (the edge counts). Otherwise the incident is unattributed (deployment_id NULL):
-- not every incident is caused by a release.
with

incidents as (

    select * from {{ ref('int_incidents_unified') }}

),

deployments as (

    select * from {{ ref('int_deployments_unified') }}

),

change_requests as (

    select * from {{ ref('stg_servicenow__change_requests') }}

),

production_deployments as (

    select
        deployment_id,
        service_id,
        change_request_number,
        finished_at
    from deployments
    where is_production and is_success and finished_at is not null

),

rank_by_caused_by as (

    select
        incidents.incident_id,
        production_deployments.deployment_id,
        production_deployments.finished_at,
        row_number() over (
            partition by incidents.incident_id
            order by
                case when production_deployments.finished_at <= incidents.triggered_at then 0 else 1 end,
                case
                    when production_deployments.finished_at <= incidents.triggered_at
                        then {{ seconds_between('production_deployments.finished_at', 'incidents.triggered_at') }}
                    else {{ seconds_between('incidents.triggered_at', 'production_deployments.finished_at') }}
                end,
                production_deployments.deployment_id desc
        ) as match_rank
    from incidents
    inner join change_requests
        on incidents.caused_by_change_sys_id = change_requests.change_request_sys_id
    inner join production_deployments
        on change_requests.change_number = production_deployments.change_request_number

),

rank_by_window as (

    select
        incidents.incident_id,
        production_deployments.deployment_id,
        production_deployments.finished_at,
        row_number() over (
            partition by incidents.incident_id
            order by production_deployments.finished_at desc, production_deployments.deployment_id desc
        ) as match_rank
    from incidents
    inner join production_deployments
        on
            incidents.service_id = production_deployments.service_id
            and incidents.triggered_at > production_deployments.finished_at
            and {{ dbt.dateadd(
                'hour',
                -1 * var('attribution_window_hours'),
                'incidents.triggered_at',
            ) }} <= production_deployments.finished_at

),

final as (

    select
        incidents.incident_id,
        incidents.service_id,
        incidents.is_production,
        incidents.severity,
        incidents.triggered_at,
        incidents.resolved_at,
        incidents.seconds_to_resolve,
        coalesce(by_caused_by.deployment_id, by_window.deployment_id) as deployment_id,
        case
            when by_caused_by.deployment_id is not null then 'caused_by'
            when by_window.deployment_id is not null then 'deployment_window'
        end as attribution_method,
        coalesce(by_caused_by.finished_at, by_window.finished_at) as deployment_finished_at,
        {{ seconds_between(
            'coalesce(by_caused_by.finished_at, by_window.finished_at)',
            'incidents.resolved_at',
        ) }} as seconds_from_deployment_to_resolve
    from incidents
    left join rank_by_caused_by as by_caused_by
        on incidents.incident_id = by_caused_by.incident_id and by_caused_by.match_rank = 1
    left join rank_by_window as by_window
        on incidents.incident_id = by_window.incident_id and by_window.match_rank = 1

)

select * from final
