-- One row per support ticket (int_tickets_unified): when it was first replied to, first
-- and last solved, and the calendar and business seconds from its creation to each (spec
-- §2, §4). Zendesk: first reply = the `fulfill` event of `reply_time` instance 1, else
-- created_at + ticket_metrics `reply_time_in_minutes.calendar`; solves = status changes to
-- `solved` in the ticket audits (the Create event counts), the last falling back to
-- ticket_metrics `solved_at`. JSM: first reply = the stop of the first completed cycle of
-- the "Time to first response" SLA field; solves = changelog changes to a status seed
-- `ticket_status_map` maps to solved (Resolved, Done), else to closed (Closed, Canceled:
-- the later Resolved -> Closed step is not a solve), the last falling back to the issue's
-- resolutiondate; `jira_reopens` = changes from a done status back to an open one.
-- Business seconds use the default schedule (int_business_hours_schedules.is_default):
-- one calendar lookup per timestamp (macro business_hours_cumulative).
--
-- Incremental by ticket: a run recomputes the tickets int_ticket_changes brings back
-- (loaded since the last build) and replaces their rows.
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

metric_events as (

    select * from {{ ref('stg_zendesk__ticket_metric_events') }}
    {{ where_ticket_changed('ticket_id', source='zendesk') }}

),

ticket_metrics as (

    select * from {{ ref('stg_zendesk__ticket_metrics') }}
    {{ where_ticket_changed('ticket_id', source='zendesk') }}

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

sla_cycles as (

    select * from {{ ref('stg_jira__sla_cycles') }}
    {% if is_incremental() %}
        where issue_id in (select jira_issues.issue_id from jira_issues)
    {% endif %}

),

status_map as (

    select * from {{ ref('ticket_status_map') }}

),

schedules as (

    select * from {{ ref('int_business_hours_schedules') }}

),

calendar as (

    select * from {{ ref('int_business_hours_calendar') }}

),

zendesk_first_fulfills as (

    select
        'zendesk:' || ticket_id as ticket_id,
        min(event_at) as fulfilled_at
    from metric_events
    where metric = 'reply_time' and instance_id = 1 and event_type = 'fulfill'
    group by ticket_id

),

zendesk_solves as (

    select
        'zendesk:' || ticket_id as ticket_id,
        min(created_at) as first_solved_at,
        max(created_at) as last_solved_at
    from audit_events
    where field_name = 'status' and event_type in ('Create', 'Change') and value = 'solved'
    group by ticket_id

),

zendesk_metrics as (

    select
        reply_time_calendar_minutes,
        solved_at,
        'zendesk:' || ticket_id as ticket_id
    from ticket_metrics

),

map_jira_changes as (

    select
        changelog_items.changed_at,
        'jira:' || jira_issues.issue_key as ticket_id,
        coalesce(from_map.status, 'open') as from_status,
        coalesce(to_map.status, 'open') as to_status
    from changelog_items
    inner join jira_issues
        on changelog_items.issue_id = jira_issues.issue_id
    left join status_map as from_map
        on from_map.source = 'jira' and lower(changelog_items.from_string) = from_map.source_status
    left join status_map as to_map
        on to_map.source = 'jira' and lower(changelog_items.to_string) = to_map.source_status
    where changelog_items.field = 'status'

),

jira_solves as (

    select
        ticket_id,
        coalesce(
            min(case when to_status = 'solved' then changed_at end),
            min(case when to_status = 'closed' then changed_at end)
        ) as first_solved_at,
        coalesce(
            max(case when to_status = 'solved' then changed_at end),
            max(case when to_status = 'closed' then changed_at end)
        ) as last_solved_at,
        sum(
            case
                when from_status in ('solved', 'closed') and to_status not in ('solved', 'closed') then 1
                else 0
            end
        ) as reopens
    from map_jira_changes
    group by ticket_id

),

rank_jira_first_responses as (

    select
        sla_cycles.stopped_at,
        'jira:' || jira_issues.issue_key as ticket_id,
        row_number() over (
            partition by sla_cycles.issue_id order by sla_cycles.cycle_number
        ) as cycle_rank
    from sla_cycles
    inner join jira_issues
        on sla_cycles.issue_id = jira_issues.issue_id
    where
        sla_cycles.sla_name = 'Time to first response'
        and not sla_cycles.is_ongoing
        and sla_cycles.stopped_at is not null

),

jira_resolutions as (

    select
        resolved_at,
        'jira:' || issue_key as ticket_id
    from jira_issues

),

default_schedule as (

    -- At most one row, even with no schedule at all (then NULL: no business time).
    select max(schedule_id) as schedule_id from schedules
    where is_default

),

combine_times as (

    select
        tickets.ticket_id,
        tickets.source,
        default_schedule.schedule_id,
        tickets.created_at,
        case
            when tickets.source = 'zendesk'
                then coalesce(
                    zendesk_first_fulfills.fulfilled_at,
                    {{ dbt.dateadd('minute', 'zendesk_metrics.reply_time_calendar_minutes', 'tickets.created_at') }}
                )
            else jira_first_responses.stopped_at
        end as first_reply_at,
        coalesce(zendesk_solves.first_solved_at, jira_solves.first_solved_at) as first_solved_at_raw,
        coalesce(
            zendesk_solves.last_solved_at,
            jira_solves.last_solved_at,
            zendesk_metrics.solved_at,
            case when tickets.status in ('solved', 'closed') then jira_resolutions.resolved_at end
        ) as solved_at,
        case
            when tickets.source = 'jira' then cast(coalesce(jira_solves.reopens, 0) as integer)
        end as jira_reopens
    from tickets
    cross join default_schedule
    left join zendesk_first_fulfills
        on tickets.ticket_id = zendesk_first_fulfills.ticket_id
    left join zendesk_metrics
        on tickets.ticket_id = zendesk_metrics.ticket_id
    left join zendesk_solves
        on tickets.ticket_id = zendesk_solves.ticket_id
    left join jira_solves
        on tickets.ticket_id = jira_solves.ticket_id
    left join rank_jira_first_responses as jira_first_responses
        on tickets.ticket_id = jira_first_responses.ticket_id and jira_first_responses.cycle_rank = 1
    left join jira_resolutions
        on tickets.ticket_id = jira_resolutions.ticket_id

),

fill_first_solves as (

    -- Without a solve in the history, the first solve is the last (the fallback).
    select
        ticket_id,
        source,
        schedule_id,
        created_at,
        first_reply_at,
        solved_at,
        jira_reopens,
        coalesce(first_solved_at_raw, solved_at) as first_solved_at
    from combine_times

),

instants as (

    -- One lookup per (ticket, timestamp): unpivoted, looked up once, pivoted back.
    select
        ticket_id,
        schedule_id,
        'created' as instant_name,
        created_at as instant_at
    from fill_first_solves
    union all
    select
        ticket_id,
        schedule_id,
        'first_reply' as instant_name,
        first_reply_at as instant_at
    from fill_first_solves
    where first_reply_at is not null
    union all
    select
        ticket_id,
        schedule_id,
        'first_solved' as instant_name,
        first_solved_at as instant_at
    from fill_first_solves
    where first_solved_at is not null
    union all
    select
        ticket_id,
        schedule_id,
        'solved' as instant_name,
        solved_at as instant_at
    from fill_first_solves
    where solved_at is not null

),

look_up_business_time as (

    {{ business_hours_cumulative('instants', 'instant_at', 'schedule_id', 'calendar', 'business_cumulative_seconds') }}

),

pivot_business_time as (

    select
        ticket_id,
        max(case when instant_name = 'created' then business_cumulative_seconds end) as created_cumulative,
        max(case when instant_name = 'first_reply' then business_cumulative_seconds end)
            as first_reply_cumulative,
        max(case when instant_name = 'first_solved' then business_cumulative_seconds end)
            as first_solved_cumulative,
        max(case when instant_name = 'solved' then business_cumulative_seconds end) as solved_cumulative
    from look_up_business_time
    group by ticket_id

),

final as (

    select
        times.ticket_id,
        times.source,
        times.schedule_id,
        times.created_at,
        times.first_reply_at,
        times.first_solved_at,
        times.solved_at,
        times.jira_reopens,
        {{ seconds_between('times.created_at', 'times.first_reply_at') }} as first_reply_seconds,
        cast(business.first_reply_cumulative - business.created_cumulative as bigint)
            as first_reply_business_seconds,
        {{ seconds_between('times.created_at', 'times.first_solved_at') }} as first_resolution_seconds,
        cast(business.first_solved_cumulative - business.created_cumulative as bigint)
            as first_resolution_business_seconds,
        {{ seconds_between('times.created_at', 'times.solved_at') }} as full_resolution_seconds,
        cast(business.solved_cumulative - business.created_cumulative as bigint)
            as full_resolution_business_seconds,
        changes._loaded_at
    from fill_first_solves as times
    left join pivot_business_time as business
        on times.ticket_id = business.ticket_id
    left join changes
        on times.ticket_id = changes.ticket_id

)

select * from final
