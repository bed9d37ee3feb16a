-- One row per ticket × status interval [valid_from, valid_to) (valid_to NULL = current),
-- from the status history: Zendesk audit events on `status` (the Create event gives the
-- first status), JSM changelog items on `status` (the first item's `from` status runs
-- from the issue's creation). A ticket without exported history has one period, its
-- current status since creation. Used for backlog and paused SLA clocks (spec §2, §4).
-- Only tickets of int_tickets_unified: audit or changelog pages that arrive before their
-- ticket's export wait in staging (its relationships test warns) until the ticket lands.
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

jira_issues as (

    select * from {{ ref('stg_jira__issues') }}
    {{ where_ticket_changed('issue_key', source='jira') }}

),

changelog_items as (

    select * from {{ ref('stg_jira__changelog_items') }}
    {% if is_incremental() %}
        where issue_id in (select jira_issues.issue_id from jira_issues)
    {% endif %}

),

status_map as (

    select * from {{ ref('ticket_status_map') }}

),

zendesk_changes as (

    select
        'zendesk:' || ticket_id as ticket_id,
        value as status,
        created_at as changed_at,
        cast(audit_id as {{ dbt.type_string() }}) as change_order
    from audit_events
    where field_name = 'status' and event_type in ('Create', 'Change') and value is not null

),

rank_jira_changes as (

    select
        changelog_items.*,
        row_number() over (
            partition by changelog_items.issue_id
            order by changelog_items.changed_at, changelog_items.history_id
        ) as change_number
    from changelog_items
    where changelog_items.field = 'status'

),

jira_changes as (

    -- The status before the first transition, from the issue's creation.
    select
        'jira:' || jira_issues.issue_key as ticket_id,
        lower(first_changes.from_string) as source_status,
        jira_issues.created_at as changed_at,
        '0' as change_order
    from rank_jira_changes as first_changes
    inner join jira_issues
        on first_changes.issue_id = jira_issues.issue_id
    where first_changes.change_number = 1

    union all

    select
        'jira:' || jira_issues.issue_key as ticket_id,
        lower(changes.to_string) as source_status,
        changes.changed_at,
        cast(changes.history_id as {{ dbt.type_string() }}) as change_order
    from rank_jira_changes as changes
    inner join jira_issues
        on changes.issue_id = jira_issues.issue_id

),

map_jira_statuses as (

    select
        jira_changes.ticket_id,
        coalesce(status_map.status, 'open') as status,
        jira_changes.changed_at,
        jira_changes.change_order
    from jira_changes
    left join status_map
        on status_map.source = 'jira' and jira_changes.source_status = status_map.source_status

),

tickets_without_history as (

    select
        tickets.ticket_id,
        tickets.status,
        tickets.created_at as changed_at,
        '0' as change_order
    from tickets
    where
        tickets.ticket_id not in (select zendesk_changes.ticket_id from zendesk_changes)
        and tickets.ticket_id not in (select map_jira_statuses.ticket_id from map_jira_statuses)

),

all_changes as (

    select * from zendesk_changes
    union all
    select * from map_jira_statuses
    union all
    select * from tickets_without_history

),

order_changes as (

    select
        ticket_id,
        status,
        changed_at,
        lead(changed_at) over (partition by ticket_id order by changed_at, change_order) as next_changed_at,
        row_number() over (partition by ticket_id order by changed_at, change_order) as change_number
    from all_changes

),

final as (

    select
        order_changes.ticket_id,
        cast(order_changes.change_number as integer) as period_number,
        order_changes.status,
        order_changes.changed_at as valid_from,
        order_changes.next_changed_at as valid_to,
        changes._loaded_at,
        order_changes.next_changed_at is null as is_current
    from order_changes
    inner join tickets
        on order_changes.ticket_id = tickets.ticket_id
    left join changes
        on order_changes.ticket_id = changes.ticket_id

)

select * from final
