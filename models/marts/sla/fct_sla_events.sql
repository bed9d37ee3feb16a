-- One row per ticket × SLA metric × instance (spec §5). Zendesk: the policy and target
-- from the latest `apply_sla` event of the ticket × metric × instance; the clock starts
-- at its first `activate` (else at the apply_sla) and stops at its first `fulfill`;
-- elapsed time is computed here from the ticket's clock periods (int_ticket_clock_periods:
-- paused statuses removed, calendar or business seconds per the policy), as R(stop) −
-- R(start), two lookups per clock. A clock still running is measured up to the latest
-- loaded ticket data, a ticket update or a metric event (`as_of`): breached if it is past
-- its target by then. The source's
-- verdict (a `breach` event with deleted = false) stays beside ours. JSM SLA cycles and
-- ServiceNow task SLAs carry their own elapsed time (taken as given); ServiceNow's goal
-- is elapsed × 100 / percentage (the engine's own ratio), JSM's its goalDuration.
--
-- Incremental by ticket (source + ticket_id: all rows of a ticket are replaced together):
-- a run recomputes the tickets loaded since the last build (int_ticket_changes; for
-- ServiceNow, tasks with task SLA records loaded since), plus every Zendesk ticket with a
-- clock still running, whose elapsed time moves with the latest loaded data (`as_of`).
{{ config(**incremental_by_key(['source', 'ticket_id'])) }}

with

changes as (

    select * from {{ ref('int_ticket_changes') }}

),

{% if is_incremental() %}
watermark as (

    select coalesce(max(built._loaded_at), {{ load_time_floor() }}) as loaded_at
    from {{ this }} as built

),

changed_tickets as (

    select changes.ticket_id
    from changes
    cross join watermark
    where changes._loaded_at > watermark.loaded_at
    union all
    select 'zendesk:' || built.ticket_id as ticket_id
    from {{ this }} as built
    where built.source = 'zendesk' and built.stopped_at is null

),

{% endif %}
metric_events as (

    select * from {{ ref('stg_zendesk__ticket_metric_events') }}
    {% if is_incremental() %}
        where 'zendesk:' || ticket_id in (select changed_tickets.ticket_id from changed_tickets)
    {% endif %}

),

audit_events as (

    select * from {{ ref('stg_zendesk__ticket_audit_events') }}
    {% if is_incremental() %}
        where 'zendesk:' || ticket_id in (select changed_tickets.ticket_id from changed_tickets)
    {% endif %}

),

tickets as (

    select * from {{ ref('int_tickets_unified') }}

),

clock_periods as (

    select * from {{ ref('int_ticket_clock_periods') }}
    {% if is_incremental() %}
        where ticket_id in (select changed_tickets.ticket_id from changed_tickets)
    {% endif %}

),

calendar as (

    select * from {{ ref('int_business_hours_calendar') }}

),

jira_cycles as (

    select * from {{ ref('stg_jira__sla_cycles') }}

),

jira_issues as (

    select * from {{ ref('stg_jira__issues') }}

),

task_slas as (

    select * from {{ ref('stg_servicenow__task_slas') }}

),

{% if is_incremental() %}
changed_tasks as (

    select distinct task_slas.task_sys_id
    from task_slas
    cross join watermark
    where task_slas._loaded_at > watermark.loaded_at

),

{% endif %}

newest_metric_event as (

    -- every event, not only the changed tickets': the horizon is the same in a full build
    select max(event_at) as event_at from {{ ref('stg_zendesk__ticket_metric_events') }}

),

as_of as (

    -- The newest loaded ticket data: a ticket update or a metric event, whichever came
    -- later (events can be exported before the ticket pages that update their tickets).
    select greatest(max(tickets.updated_at), max(newest_metric_event.event_at)) as as_of_at
    from tickets
    cross join newest_metric_event

),

name_zendesk_metrics as (

    select
        *,
        case
            when metric = 'reply_time' and instance_id = 1 then 'first_reply_time'
            when metric = 'reply_time' then 'next_reply_time'
            when metric = 'resolution_time' then 'total_resolution_time'
            else metric
        end as sla_metric
    from metric_events
    where metric <> 'group_ownership_time'

),

rank_policies as (

    select
        ticket_id,
        metric,
        instance_id,
        sla_metric,
        event_at as applied_at,
        sla_target_minutes,
        sla_is_business_hours,
        sla_policy_title,
        row_number() over (
            partition by ticket_id, metric, instance_id
            order by event_at desc, metric_event_id desc
        ) as policy_rank
    from name_zendesk_metrics
    where event_type = 'apply_sla'

),

summarise_clock_events as (

    select
        ticket_id,
        metric,
        instance_id,
        min(case when event_type = 'activate' then event_at end) as activated_at,
        min(case when event_type = 'fulfill' then event_at end) as fulfilled_at,
        max(case when event_type = 'breach' and not is_deleted then 1 else 0 end) as source_breaches
    from name_zendesk_metrics
    group by ticket_id, metric, instance_id

),

priority_changes as (

    select
        ticket_id,
        value as priority,
        created_at
    from audit_events
    where field_name = 'priority' and event_type in ('Create', 'Change')

),

zendesk_clocks as (

    select
        policies.ticket_id,
        policies.sla_metric,
        policies.instance_id,
        policies.applied_at,
        policies.sla_policy_title as policy_title,
        policies.sla_target_minutes as target_minutes,
        clock_events.fulfilled_at as stopped_at,
        coalesce(policies.sla_is_business_hours, false) as is_business_hours,
        coalesce(clock_events.activated_at, policies.applied_at) as started_at,
        coalesce(clock_events.fulfilled_at, as_of.as_of_at) as measured_to_at,
        clock_events.source_breaches = 1 as source_is_breached
    from rank_policies as policies
    cross join as_of
    left join summarise_clock_events as clock_events
        on
            policies.ticket_id = clock_events.ticket_id
            and policies.metric = clock_events.metric
            and policies.instance_id = clock_events.instance_id
    where policies.policy_rank = 1

),

rank_priorities as (

    -- The ticket's priority when the policy was applied (the audit history), else now.
    select
        clocks.ticket_id,
        clocks.sla_metric,
        clocks.instance_id,
        priority_changes.priority,
        row_number() over (
            partition by clocks.ticket_id, clocks.sla_metric, clocks.instance_id
            order by priority_changes.created_at desc
        ) as priority_rank
    from zendesk_clocks as clocks
    inner join priority_changes
        on
            clocks.ticket_id = priority_changes.ticket_id
            and clocks.applied_at >= priority_changes.created_at

),

instants as (

    select
        'zendesk:' || ticket_id as unified_ticket_id,
        ticket_id,
        sla_metric,
        instance_id,
        'start' as instant_name,
        started_at as instant_at
    from zendesk_clocks
    union all
    select
        'zendesk:' || ticket_id as unified_ticket_id,
        ticket_id,
        sla_metric,
        instance_id,
        'stop' as instant_name,
        measured_to_at as instant_at
    from zendesk_clocks
    where measured_to_at is not null

),

locate_periods as (

    -- The clock period holding each instant (valid_from <= t < valid_to, or open).
    select
        instants.*,
        periods.schedule_id,
        periods.valid_from,
        periods.is_running,
        periods.running_seconds_before,
        periods.running_business_seconds_before,
        periods.valid_from_business_cumulative
    from instants
    inner join clock_periods as periods
        on
            instants.unified_ticket_id = periods.ticket_id
            and instants.sla_metric = periods.metric
            and instants.instant_at >= periods.valid_from
            and (periods.valid_to is null or instants.instant_at < periods.valid_to)

),

look_up_business_time as (

    {{ business_hours_cumulative(
        'locate_periods', 'instant_at', 'schedule_id', 'calendar', 'business_cumulative_seconds',
    ) }}

),

measure_running_time as (

    select
        ticket_id,
        sla_metric,
        instance_id,
        instant_name,
        running_seconds_before + case
            when is_running then {{ seconds_between('valid_from', 'instant_at') }} else 0
        end as running_seconds,
        running_business_seconds_before + case
            when is_running then business_cumulative_seconds - valid_from_business_cumulative else 0
        end as running_business_seconds
    from look_up_business_time

),

pivot_running_time as (

    select
        ticket_id,
        sla_metric,
        instance_id,
        max(case when instant_name = 'stop' then running_seconds end)
        - max(case when instant_name = 'start' then running_seconds end) as elapsed_seconds,
        max(case when instant_name = 'stop' then running_business_seconds end)
        - max(case when instant_name = 'start' then running_business_seconds end)
            as elapsed_business_seconds
    from measure_running_time
    group by ticket_id, sla_metric, instance_id

),

zendesk_events as (

    select
        'zendesk' as source,
        clocks.ticket_id,
        clocks.sla_metric,
        clocks.instance_id,
        clocks.policy_title,
        clocks.target_minutes,
        clocks.is_business_hours,
        clocks.started_at,
        clocks.stopped_at,
        case
            when clocks.is_business_hours then running_time.elapsed_business_seconds
            else running_time.elapsed_seconds
        end as elapsed_seconds,
        clocks.source_is_breached,
        coalesce(priorities.priority, tickets.priority) as priority,
        tickets.organization_id,
        changes._loaded_at
    from zendesk_clocks as clocks
    left join pivot_running_time as running_time
        on
            clocks.ticket_id = running_time.ticket_id
            and clocks.sla_metric = running_time.sla_metric
            and clocks.instance_id = running_time.instance_id
    left join rank_priorities as priorities
        on
            clocks.ticket_id = priorities.ticket_id
            and clocks.sla_metric = priorities.sla_metric
            and clocks.instance_id = priorities.instance_id
            and priorities.priority_rank = 1
    left join tickets
        on tickets.ticket_id = 'zendesk:' || clocks.ticket_id
    left join changes
        on changes.ticket_id = 'zendesk:' || clocks.ticket_id

),

jira_events as (

    select
        'jira' as source,
        jira_issues.issue_key as ticket_id,
        jira_cycles.sla_name as sla_metric,
        jira_cycles.cycle_number as instance_id,
        jira_cycles.sla_name as policy_title,
        cast(jira_cycles.goal_seconds / 60 as bigint) as target_minutes,
        cast(null as boolean) as is_business_hours,
        jira_cycles.started_at,
        jira_cycles.stopped_at,
        jira_cycles.elapsed_seconds,
        jira_cycles.is_breached as source_is_breached,
        tickets.priority,
        tickets.organization_id,
        changes._loaded_at
    from jira_cycles
    inner join jira_issues
        on jira_cycles.issue_id = jira_issues.issue_id
    left join tickets
        on tickets.ticket_id = 'jira:' || jira_issues.issue_key
    left join changes
        on changes.ticket_id = 'jira:' || jira_issues.issue_key
    {% if is_incremental() %}
        where 'jira:' || jira_issues.issue_key in (select changed_tickets.ticket_id from changed_tickets)
    {% endif %}

),

servicenow_events as (

    select
        'servicenow' as source,
        task_sys_id as ticket_id,
        'servicenow:' || sla_sys_id as sla_metric,
        cast(
            row_number() over (partition by task_sys_id, sla_sys_id order by started_at, task_sla_sys_id)
            as integer
        ) as instance_id,
        sla_name as policy_title,
        case
            when schedule_sys_id is not null and business_percentage > 0
                then cast(round(business_duration_seconds * 100.0 / business_percentage / 60.0) as bigint)
            when schedule_sys_id is null and percentage > 0
                then cast(round(duration_seconds * 100.0 / percentage / 60.0) as bigint)
        end as target_minutes,
        schedule_sys_id is not null as is_business_hours,
        started_at,
        ended_at as stopped_at,
        case when schedule_sys_id is not null then business_duration_seconds else duration_seconds end
            as elapsed_seconds,
        has_breached as source_is_breached,
        cast(null as {{ dbt.type_string() }}) as priority,
        cast(null as {{ dbt.type_string() }}) as organization_id,
        -- the task's latest SLA record load: its rows are recomputed together
        max(_loaded_at) over (partition by task_sys_id) as _loaded_at
    from task_slas
    {% if is_incremental() %}
        where task_sys_id in (select changed_tasks.task_sys_id from changed_tasks)
    {% endif %}

),

combine_sources as (

    select * from zendesk_events
    union all
    select * from jira_events
    union all
    select * from servicenow_events

),

final as (

    select
        source,
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        sla_metric,
        cast(instance_id as integer) as instance_id,
        policy_title,
        cast(target_minutes as integer) as target_minutes,
        is_business_hours,
        started_at,
        stopped_at,
        {{ seconds_to_minutes('elapsed_seconds') }} as elapsed_minutes,
        case
            when elapsed_seconds is null or target_minutes is null then null
            else elapsed_seconds > target_minutes * 60
        end as is_breached,
        source_is_breached,
        {{ reporting_month_start('started_at') }} as month_start,
        priority,
        organization_id,
        _loaded_at
    from combine_sources

)

select * from final
