-- One row per support ticket (int_tickets_unified): when a record it is computed from was
-- last loaded (`_loaded_at`, the latest of its own records, its requester's and
-- submitter's roles, its organization's contracts, and the reference data every ticket
-- uses). The incremental ticket models (int_ticket_status_periods, _group_periods,
-- _clock_periods, int_tickets_timed, fct_tickets, fct_sla_events) recompute the tickets
-- loaded since their last build: a reopened ticket, a late audit, a changed user role or
-- contract each bring their tickets back, and a new schedule, holiday, group or catalog
-- service, or a ticket created before all others (the calendar's start), brings every
-- ticket back. Snapshots repeat records unchanged (users, groups, schedules, the monthly
-- contracts): for those the time is when the winning copy's content was first loaded
-- (`_content_loaded_at`, macro with_content_loaded_at; for users `_role_loaded_at`, the one
-- user field the ticket models read), so a repeat brings no ticket back. A schedule's
-- intervals come from its record, so its content time covers them. The catalog is current
-- state (a service missing from the latest file is gone): any new catalog file counts.
with

tickets as (

    select * from {{ ref('int_tickets_unified') }}

),

zendesk_tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}

),

audit_events as (

    select * from {{ ref('stg_zendesk__ticket_audit_events') }}

),

metric_events as (

    select * from {{ ref('stg_zendesk__ticket_metric_events') }}

),

ticket_metrics as (

    select * from {{ ref('stg_zendesk__ticket_metrics') }}

),

jira_issues as (

    select * from {{ ref('stg_jira__issues') }}

),

users as (

    select * from {{ ref('stg_zendesk__users') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

contract_versions as (

    select * from {{ ref('int_contract_versions') }}

),

zendesk_groups as (

    select * from {{ ref('stg_zendesk__groups') }}

),

services as (

    select * from {{ ref('stg_catalog__services') }}

),

schedules as (

    select * from {{ ref('stg_zendesk__schedules') }}

),

holidays as (

    select * from {{ ref('stg_zendesk__holidays') }}

),

union_ticket_record_loads as (

    select
        'zendesk:' || ticket_id as ticket_id,
        _loaded_at
    from zendesk_tickets
    union all
    select
        'jira:' || issue_key as ticket_id,
        _loaded_at
    from jira_issues

),

union_record_loads as (

    select
        ticket_id,
        _loaded_at
    from union_ticket_record_loads
    union all
    select
        'zendesk:' || ticket_id as ticket_id,
        max(_loaded_at) as _loaded_at
    from audit_events
    group by ticket_id
    union all
    select
        'zendesk:' || ticket_id as ticket_id,
        max(_loaded_at) as _loaded_at
    from metric_events
    group by ticket_id
    union all
    select
        'zendesk:' || ticket_id as ticket_id,
        _loaded_at
    from ticket_metrics

),

aggregate_record_loads as (

    select
        ticket_id,
        max(_loaded_at) as _loaded_at
    from union_record_loads
    group by ticket_id

),

aggregate_organization_loads as (

    -- Every organization a changed contract was ever linked to (its old and new links).
    select
        contract_versions.zendesk_organization_id as organization_id,
        max(contracts._content_loaded_at) as _loaded_at
    from contract_versions
    inner join contracts
        on contract_versions.contract_id = contracts.contract_id
    where contract_versions.zendesk_organization_id is not null
    group by contract_versions.zendesk_organization_id

),

earliest_ticket_loads as (

    -- The business-hours calendar starts from the earliest ticket (int_business_hours_range):
    -- an earlier ticket moves the start of every cumulative count that
    -- int_ticket_clock_periods stores, so its ticket record (not its audits or metric
    -- events, which do not move the calendar) brings every ticket back.
    select max(ticket_records._loaded_at) as _loaded_at
    from tickets
    inner join union_ticket_record_loads as ticket_records
        on tickets.ticket_id = ticket_records.ticket_id
    where tickets.created_at = (select min(earliest.created_at) from tickets as earliest)

),

union_reference_loads as (

    select _loaded_at from earliest_ticket_loads
    union all
    select max(_content_loaded_at) as _loaded_at from zendesk_groups
    union all
    select max(_loaded_at) as _loaded_at from services
    union all
    select max(_content_loaded_at) as _loaded_at from schedules
    union all
    select max(_loaded_at) as _loaded_at from holidays

),

aggregate_reference_loads as (

    select max(_loaded_at) as _loaded_at from union_reference_loads

),

combine as (

    select
        tickets.ticket_id,
        tickets.source,
        tickets.source_ticket_id,
        record_loads._loaded_at as records_loaded_at,
        requesters._role_loaded_at as requester_loaded_at,
        submitters._role_loaded_at as submitter_loaded_at,
        organization_loads._loaded_at as organization_loaded_at,
        reference_loads._loaded_at as reference_loaded_at
    from tickets
    cross join aggregate_reference_loads as reference_loads
    left join aggregate_record_loads as record_loads
        on tickets.ticket_id = record_loads.ticket_id
    left join users as requesters
        on tickets.source = 'zendesk' and tickets.requester_id = requesters.user_id
    left join users as submitters
        on tickets.source = 'zendesk' and tickets.submitter_id = submitters.user_id
    left join aggregate_organization_loads as organization_loads
        on tickets.source = 'zendesk' and tickets.organization_id = organization_loads.organization_id

),

final as (

    select
        ticket_id,
        source,
        source_ticket_id,
        -- greatest() treats NULL differently by engine: a floor instead of NULL.
        greatest(
            coalesce(records_loaded_at, {{ load_time_floor() }}),
            coalesce(requester_loaded_at, {{ load_time_floor() }}),
            coalesce(submitter_loaded_at, {{ load_time_floor() }}),
            coalesce(organization_loaded_at, {{ load_time_floor() }}),
            coalesce(reference_loaded_at, {{ load_time_floor() }})
        ) as _loaded_at
    from combine

)

select * from final
