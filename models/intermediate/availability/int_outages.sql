-- Outage intervals per Statuspage incident × component × service (spec §6): a component
-- is down from the update whose `affected_components` move it into a downtime status
-- (var `downtime_statuses`) until the update moving it out, else the incident's
-- `resolved_at` (NULL while unresolved). Overlaps are kept here; the availability marts
-- merge them per service and contract (interval union).
with

transitions as (

    select * from {{ ref('stg_statuspage__incident_update_components') }}

),

incidents as (

    select * from {{ ref('stg_statuspage__incidents') }}

),

service_keys as (

    select * from {{ ref('int_service_keys_unnested') }}

),

flag_downtime as (

    select
        incident_id,
        component_id,
        incident_update_id,
        transition_at,
        new_status in (
            {%- for status in var('downtime_statuses') %}
                '{{ status }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as is_down
    from transitions

),

find_state_changes as (

    -- Keep the transitions that change the down/up state of a component in an incident.
    select
        *,
        coalesce(
            lag(is_down) over (
                partition by incident_id, component_id
                order by transition_at, incident_update_id
            ),
            false
        ) as was_down
    from flag_downtime

),

pair_starts_with_ends as (

    select
        incident_id,
        component_id,
        transition_at,
        is_down,
        lead(transition_at) over (
            partition by incident_id, component_id
            order by transition_at, incident_update_id
        ) as next_change_at
    from find_state_changes
    where is_down != was_down

),

final as (

    select
        outage_starts.incident_id || ':' || outage_starts.component_id || ':'
        || cast(outage_starts.transition_at as {{ dbt.type_string() }}) as outage_id,
        outage_starts.incident_id,
        outage_starts.component_id,
        coalesce(
            service_keys.service_id, 'unmapped:statuspage:' || outage_starts.component_id
        ) as service_id,
        outage_starts.transition_at as started_at,
        coalesce(outage_starts.next_change_at, incidents.resolved_at) as ended_at,
        {{ seconds_between(
            'outage_starts.transition_at',
            'coalesce(outage_starts.next_change_at, incidents.resolved_at)',
        ) }} as duration_seconds
    from pair_starts_with_ends as outage_starts
    inner join incidents
        on outage_starts.incident_id = incidents.incident_id
    left join service_keys
        on
            service_keys.source = 'statuspage'
            and outage_starts.component_id = service_keys.source_key
    where outage_starts.is_down

)

select * from final
