-- ServiceNow incidents with the times of spec §1: triggered at `opened_at`, acknowledged
-- at the first audited state change to 2 (In Progress) at or after opening — NULL when
-- sys_audit is not exported — and resolved at `resolved_at`. Canceled incidents (state 8)
-- were never incidents and are left out.
with

incidents as (

    select * from {{ ref('stg_servicenow__incidents') }}

),

audits as (

    select * from {{ ref('stg_servicenow__audits') }}

),

find_first_acknowledgements as (

    select
        incidents.incident_sys_id,
        min(audits.created_at) as acknowledged_at
    from incidents
    inner join audits
        on
            incidents.incident_sys_id = audits.document_sys_id
            and audits.table_name = 'incident'
            and audits.field_name in ('state', 'incident_state')
            and audits.new_value = '2'
            and incidents.opened_at <= audits.created_at
    group by incidents.incident_sys_id

),

final as (

    select
        incidents.incident_sys_id,
        incidents.incident_number,
        incidents.short_description,
        incidents.state,
        incidents.priority,
        incidents.cmdb_ci_sys_id,
        incidents.caused_by_change_sys_id,
        incidents.correlation_id,
        incidents.opened_at as triggered_at,
        acknowledgements.acknowledged_at,
        incidents.resolved_at,
        case
            when incidents.state in ('6', '7') then 'resolved'
            when acknowledgements.acknowledged_at is not null then 'acknowledged'
            else 'triggered'
        end as status
    from incidents
    left join find_first_acknowledgements as acknowledgements
        on incidents.incident_sys_id = acknowledgements.incident_sys_id
    where incidents.state != '8'

)

select * from final
