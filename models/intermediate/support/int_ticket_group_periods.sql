-- One row per ticket × group interval [valid_from, valid_to) (valid_to NULL = current),
-- from the Zendesk audit history of `group_id` (the Create event gives the first group; a
-- ticket whose history starts with a Change began in that change's previous group; one
-- without any group event has its current group since creation). A JSM issue has one
-- period: its service desk project, `jira:<project key>` (JSM exports no agent group).
-- Used for the first group (escalation, created-side KPIs), the group at the last solve
-- and the group holding the backlog at a month's end (spec §2). Only tickets of
-- int_tickets_unified (audits that arrive before their ticket wait in staging).
--
-- Incremental by ticket: a run recomputes the periods of the tickets int_ticket_changes
-- brings back (loaded since the last build) and replaces all their rows.
{{ config(**incremental_by_key('ticket_id')) }}

with

changes as (

    select * from {{ ref('int_ticket_changes') }}

),

{% if is_incremental() %}
changed_tickets as (

    {{ tickets_changed_since_last_build() }}

),

{% endif %}
tickets as (

    select * from {{ ref('int_tickets_unified') }}
    {{ where_ticket_changed('ticket_id') }}

),

audit_events as (

    select * from {{ ref('stg_zendesk__ticket_audit_events') }}
    {{ where_ticket_changed('ticket_id', source='zendesk') }}

),

group_events as (

    select
        event_type,
        previous_value,
        value as group_id,
        created_at as changed_at,
        audit_id,
        event_position,
        'zendesk:' || ticket_id as ticket_id,
        row_number() over (
            partition by ticket_id order by created_at, audit_id, event_position
        ) as event_number
    from audit_events
    where field_name = 'group_id' and event_type in ('Create', 'Change')

),

initial_groups as (

    -- Tickets whose history does not open with a Create event on group_id.
    select
        tickets.ticket_id,
        tickets.created_at as changed_at,
        '0' as audit_id,
        0 as event_position,
        case when first_events.ticket_id is not null then first_events.previous_value else tickets.group_id end
            as group_id
    from tickets
    left join group_events as first_events
        on tickets.ticket_id = first_events.ticket_id and first_events.event_number = 1
    where
        tickets.source = 'zendesk'
        and (first_events.ticket_id is null or first_events.event_type <> 'Create')

),

jira_groups as (

    select
        ticket_id,
        'jira:' || {{ dbt.split_part('source_ticket_id', "'-'", 1) }} as group_id,
        created_at as changed_at,
        '0' as audit_id,
        0 as event_position
    from tickets
    where source = 'jira'

),

all_assignments as (

    select
        ticket_id,
        group_id,
        changed_at,
        audit_id,
        event_position
    from initial_groups
    union all
    select
        ticket_id,
        group_id,
        changed_at,
        audit_id,
        event_position
    from group_events
    union all
    select
        ticket_id,
        group_id,
        changed_at,
        audit_id,
        event_position
    from jira_groups

),

order_assignments as (

    select
        ticket_id,
        group_id,
        changed_at,
        row_number() over (
            partition by ticket_id order by changed_at, audit_id, event_position
        ) as period_number,
        lead(changed_at) over (
            partition by ticket_id order by changed_at, audit_id, event_position
        ) as next_changed_at
    from all_assignments

),

final as (

    select
        order_assignments.ticket_id,
        cast(order_assignments.period_number as integer) as period_number,
        order_assignments.group_id,
        order_assignments.changed_at as valid_from,
        order_assignments.next_changed_at as valid_to,
        changes._loaded_at
    from order_assignments
    inner join tickets
        on order_assignments.ticket_id = tickets.ticket_id
    left join changes
        on order_assignments.ticket_id = changes.ticket_id

)

select * from final
