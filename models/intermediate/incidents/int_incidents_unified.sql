-- Incidents of every alerting tool in one shape (PagerDuty now; Opsgenie and ServiceNow
-- join this union as their sources arrive): catalog service, normalized severity,
-- recurrence fingerprint and the response durations of spec §1.
with

pagerduty_incidents as (

    select * from {{ ref('int_pagerduty_incidents_timed') }}

),

service_keys as (

    select * from {{ ref('int_service_keys_unnested') }}

),

services as (

    select * from {{ ref('stg_catalog__services') }}

),

severity_map as (

    select * from {{ ref('severity_map') }}

),

map_pagerduty as (

    select
        'pagerduty:' || incidents.incident_id as incident_id,
        'pagerduty' as source,
        incidents.incident_id as source_incident_id,
        incidents.incident_number,
        incidents.title,
        incidents.pagerduty_service_id as source_service_id,
        incidents.pagerduty_service_name as source_service_name,
        coalesce(
            service_keys.service_id, 'unmapped:pagerduty:' || incidents.pagerduty_service_id
        ) as service_id,
        -- The priority decides; an incident without a (known) priority falls back to urgency.
        coalesce(by_priority.severity, by_urgency.severity) as severity,
        incidents.urgency,
        incidents.priority_name as priority,
        incidents.status,
        coalesce(nullif(incidents.incident_key, ''), {{ strip_digits('incidents.title') }}) as fingerprint,
        incidents.triggered_at,
        incidents.acknowledged_at,
        incidents.resolved_at
    from pagerduty_incidents as incidents
    left join service_keys
        on
            service_keys.source = 'pagerduty'
            and incidents.pagerduty_service_id = service_keys.source_key
    left join severity_map as by_priority
        on
            by_priority.source = 'pagerduty'
            and by_priority.source_field = 'priority'
            and incidents.priority_name = by_priority.source_value
    left join severity_map as by_urgency
        on
            by_urgency.source = 'pagerduty'
            and by_urgency.source_field = 'urgency'
            and incidents.urgency = by_urgency.source_value

),

add_durations as (

    select
        incidents.*,
        incidents.severity in ('SEV1', 'SEV2') as is_major,
        {{ seconds_between(
            'incidents.triggered_at',
            'incidents.acknowledged_at',
        ) }} as seconds_to_ack,
        {{ seconds_between(
            'incidents.triggered_at',
            'incidents.resolved_at',
        ) }} as seconds_to_resolve,
        -- Unmapped services are counted, not dropped: production until the catalog says not.
        coalesce(services.is_production, true) as is_production
    from map_pagerduty as incidents
    left join services
        on incidents.service_id = services.service_id

),

final as (

    select
        incident_id,
        source,
        source_incident_id,
        incident_number,
        title,
        service_id,
        source_service_id,
        source_service_name,
        severity,
        is_major,
        urgency,
        priority,
        status,
        fingerprint,
        triggered_at,
        acknowledged_at,
        resolved_at,
        seconds_to_ack,
        seconds_to_resolve,
        is_production
    from add_durations

)

select * from final
