-- One row per service: every catalog service, and every unmapped tool service that has
-- incidents (`unmapped:<source>:<id>`), so facts never lose a row for want of a service.
with

services as (

    select * from {{ ref('stg_catalog__services') }}

),

incidents as (

    select * from {{ ref('int_incidents_unified') }}

),

find_unmapped_services as (

    select
        service_id,
        max(source_service_name) as service_name
    from incidents
    where service_id not in (select services.service_id from services)
    group by service_id

),

final as (

    select
        service_id,
        service_name,
        criticality,
        owner_team,
        is_production,
        true as is_in_catalog
    from services

    union all

    select
        service_id,
        service_name,
        cast(null as {{ dbt.type_string() }}) as criticality,
        cast(null as {{ dbt.type_string() }}) as owner_team,
        true as is_production,
        false as is_in_catalog
    from find_unmapped_services

)

select * from final
