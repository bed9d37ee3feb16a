-- One row per Statuspage scheduled maintenance × component × catalog service: the
-- announced window [scheduled_for, scheduled_until) (spec §6: overruns are not
-- maintenance). A component the catalog does not name maps to no service.
with

maintenances as (

    select * from {{ ref('stg_statuspage__scheduled_maintenances') }}

),

maintenance_components as (

    select * from {{ ref('stg_statuspage__scheduled_maintenance_components') }}

),

service_keys as (

    select * from {{ ref('int_service_keys_unnested') }}

),

final as (

    select
        maintenances.maintenance_id,
        maintenance_components.component_id,
        service_keys.service_id,
        maintenances.scheduled_for as started_at,
        maintenances.scheduled_until as ended_at
    from maintenances
    inner join maintenance_components
        on maintenances.maintenance_id = maintenance_components.maintenance_id
    inner join service_keys
        on
            service_keys.source = 'statuspage'
            and maintenance_components.component_id = service_keys.source_key
    where
        maintenances.scheduled_for is not null
        and maintenances.scheduled_until > maintenances.scheduled_for

)

select * from final
