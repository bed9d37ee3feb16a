-- Spec §6: an incident without component transitions causes no downtime. Listed for
-- review (warn): the status page may have been updated without marking components.
{{ config(severity='warn') }}

with

incidents as (

    select * from {{ ref('stg_statuspage__incidents') }}

),

transitions as (

    select * from {{ ref('stg_statuspage__incident_update_components') }}

),

final as (

    select
        incidents.incident_id,
        incidents.incident_name,
        incidents.impact,
        incidents.created_at
    from incidents
    left join transitions
        on incidents.incident_id = transitions.incident_id
    where transitions.incident_id is null

)

select * from final
