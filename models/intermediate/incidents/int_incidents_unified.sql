-- Incidents of every alerting tool in one shape (spec §1): PagerDuty incidents, Opsgenie
-- alerts (one alert, one incident) and ServiceNow incidents. A ServiceNow incident whose
-- `correlation_id` holds a PagerDuty incident id or an Opsgenie alias is the same
-- incident: it is merged into that row (its number, `caused_by` change and priority) and
-- not counted twice; response times then come from the alerting tool. Unlinked ServiceNow
-- incidents count on their own.
with

pagerduty_incidents as (

    select * from {{ ref('int_pagerduty_incidents_timed') }}

),

opsgenie_alerts as (

    select * from {{ ref('stg_opsgenie__alerts') }}

),

servicenow_incidents as (

    select * from {{ ref('int_servicenow_incidents_timed') }}

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

link_servicenow_incidents as (

    -- The alerting-tool incident each ServiceNow incident mirrors, if any. An Opsgenie
    -- alias can recur: the alert created last before the ServiceNow incident opened (else
    -- the first one after it) is the twin.
    select
        servicenow.incident_sys_id,
        coalesce(
            'pagerduty:' || pagerduty.incident_id,
            'opsgenie:' || opsgenie.alert_id
        ) as linked_incident_id,
        row_number() over (
            partition by servicenow.incident_sys_id
            order by
                case when opsgenie.created_at <= servicenow.triggered_at then 0 else 1 end,
                abs({{ seconds_between('servicenow.triggered_at', 'opsgenie.created_at') }})
        ) as link_rank
    from servicenow_incidents as servicenow
    left join pagerduty_incidents as pagerduty
        on servicenow.correlation_id = pagerduty.incident_id
    left join opsgenie_alerts as opsgenie
        on
            servicenow.correlation_id = opsgenie.alias
            and pagerduty.incident_id is null

),

servicenow_links as (

    select
        links.linked_incident_id,
        servicenow.incident_sys_id,
        servicenow.incident_number,
        servicenow.caused_by_change_sys_id,
        servicenow.priority,
        -- Two mirrors of one incident: the first opened speaks for it.
        row_number() over (
            partition by links.linked_incident_id
            order by servicenow.triggered_at, servicenow.incident_number
        ) as mirror_rank
    from link_servicenow_incidents as links
    inner join servicenow_incidents as servicenow
        on links.incident_sys_id = servicenow.incident_sys_id
    where links.link_rank = 1 and links.linked_incident_id is not null

),

map_pagerduty as (

    select
        'pagerduty:' || incidents.incident_id as incident_id,
        'pagerduty' as source,
        incidents.incident_id as source_incident_id,
        cast(incidents.incident_number as {{ dbt.type_string() }}) as incident_number,
        incidents.title,
        incidents.pagerduty_service_id as source_service_id,
        incidents.pagerduty_service_name as source_service_name,
        coalesce(
            service_keys.service_id, 'unmapped:pagerduty:' || incidents.pagerduty_service_id
        ) as service_id,
        -- The priority decides; an incident without a (known) priority falls back to urgency.
        coalesce(by_priority.severity, by_urgency.severity) as severity,
        incidents.is_analytics_major as is_source_major,
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

map_opsgenie as (

    -- Service: a `service:<service_id>` tag naming a catalog service, else the responder
    -- team listed in the catalog's `opsgenie_teams` (by id or by name).
    select
        'opsgenie:' || alerts.alert_id as incident_id,
        'opsgenie' as source,
        alerts.alert_id as source_incident_id,
        alerts.tiny_id as incident_number,
        alerts.message as title,
        coalesce(alerts.service_tag, alerts.responder_team_id) as source_service_id,
        alerts.responder_team_name as source_service_name,
        coalesce(
            tagged.service_id,
            by_team_id.service_id,
            by_team_name.service_id,
            'unmapped:opsgenie:'
            || coalesce(alerts.service_tag, alerts.responder_team_name, alerts.responder_team_id, 'none')
        ) as service_id,
        by_priority.severity,
        cast(null as boolean) as is_source_major,
        cast(null as {{ dbt.type_string() }}) as urgency,
        alerts.priority,
        case
            when alerts.status = 'closed' then 'resolved'
            when alerts.is_acknowledged then 'acknowledged'
            else 'triggered'
        end as status,
        coalesce(nullif(alerts.alias, ''), {{ strip_digits('alerts.message') }}) as fingerprint,
        alerts.created_at as triggered_at,
        alerts.acknowledged_at,
        alerts.closed_at as resolved_at
    from opsgenie_alerts as alerts
    left join services as tagged
        on alerts.service_tag = tagged.service_id
    left join service_keys as by_team_id
        on
            by_team_id.source = 'opsgenie'
            and alerts.responder_team_id = by_team_id.source_key
    left join service_keys as by_team_name
        on
            by_team_name.source = 'opsgenie'
            and alerts.responder_team_name = by_team_name.source_key
    left join severity_map as by_priority
        on
            by_priority.source = 'opsgenie'
            and by_priority.source_field = 'priority'
            and alerts.priority = by_priority.source_value

),

map_unlinked_servicenow as (

    select
        'servicenow:' || incidents.incident_sys_id as incident_id,
        'servicenow' as source,
        incidents.incident_sys_id as source_incident_id,
        incidents.incident_number,
        incidents.short_description as title,
        incidents.cmdb_ci_sys_id as source_service_id,
        cast(null as {{ dbt.type_string() }}) as source_service_name,
        coalesce(
            service_keys.service_id,
            'unmapped:servicenow:' || coalesce(incidents.cmdb_ci_sys_id, 'none')
        ) as service_id,
        by_priority.severity,
        cast(null as boolean) as is_source_major,
        cast(null as {{ dbt.type_string() }}) as urgency,
        incidents.priority,
        incidents.status,
        {{ strip_digits('incidents.short_description') }} as fingerprint,
        incidents.triggered_at,
        incidents.acknowledged_at,
        incidents.resolved_at
    from servicenow_incidents as incidents
    left join link_servicenow_incidents as links
        on incidents.incident_sys_id = links.incident_sys_id and links.link_rank = 1
    left join service_keys
        on
            service_keys.source = 'servicenow'
            and incidents.cmdb_ci_sys_id = service_keys.source_key
    left join severity_map as by_priority
        on
            by_priority.source = 'servicenow'
            and by_priority.source_field = 'priority'
            and incidents.priority = by_priority.source_value
    where links.linked_incident_id is null

),

union_sources as (

    select * from map_pagerduty
    union all
    select * from map_opsgenie
    union all
    select * from map_unlinked_servicenow

),

add_servicenow_and_durations as (

    select
        incidents.*,
        coalesce(mirrors.incident_number, own.incident_number) as servicenow_incident_number,
        coalesce(mirrors.caused_by_change_sys_id, own.caused_by_change_sys_id) as caused_by_change_sys_id,
        incidents.severity in ('SEV1', 'SEV2') or coalesce(incidents.is_source_major, false) as is_major,
        {{ seconds_between('incidents.triggered_at', 'incidents.acknowledged_at') }} as seconds_to_ack,
        {{ seconds_between('incidents.triggered_at', 'incidents.resolved_at') }} as seconds_to_resolve,
        -- Unmapped services are counted, not dropped: production until the catalog says not.
        coalesce(services.is_production, true) as is_production
    from union_sources as incidents
    left join servicenow_links as mirrors
        on incidents.incident_id = mirrors.linked_incident_id and mirrors.mirror_rank = 1
    left join servicenow_incidents as own
        on incidents.source = 'servicenow' and incidents.source_incident_id = own.incident_sys_id
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
        servicenow_incident_number,
        caused_by_change_sys_id,
        is_production
    from add_servicenow_and_durations

)

select * from final
