-- One row per support ticket of Zendesk and Jira Service Management (spec §2), every
-- service including non-production ones (`is_production = false`), with its reply and
-- solve times (calendar and business, int_tickets_timed), groups (int_ticket_group_periods),
-- customer (the Zendesk organization's contract in force when the ticket was created) and
-- the flags the support KPIs count.
--
-- Incremental by ticket: a run recomputes the tickets whose records (or the users,
-- contracts and reference data they depend on) were loaded since the last build
-- (int_ticket_changes) and replaces their rows, so a ticket reopened months later
-- changes its row, and an incremental history equals a full rebuild.
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

timed as (

    select * from {{ ref('int_tickets_timed') }}
    {{ where_ticket_changed('ticket_id') }}

),

group_periods as (

    select * from {{ ref('int_ticket_group_periods') }}
    {{ where_ticket_changed('ticket_id') }}

),

status_periods as (

    select * from {{ ref('int_ticket_status_periods') }}
    {{ where_ticket_changed('ticket_id') }}

),

ticket_metrics as (

    select * from {{ ref('stg_zendesk__ticket_metrics') }}

),

audit_events as (

    select * from {{ ref('stg_zendesk__ticket_audit_events') }}

),

users as (

    select * from {{ ref('stg_zendesk__users') }}

),

zendesk_groups as (

    select * from {{ ref('stg_zendesk__groups') }}

),

support_groups as (

    select * from {{ ref('support_groups') }}

),

contract_versions as (

    select * from {{ ref('int_contract_versions') }}

),

services as (

    select * from {{ ref('stg_catalog__services') }}

),

rank_group_tiers as (

    -- A seed row naming the group id wins over one naming the group (sample set-ups draw
    -- new ids, names stay). Tier L1 < L2 < L3.
    select
        zendesk_groups.group_id,
        support_groups.tier,
        row_number() over (
            partition by zendesk_groups.group_id
            order by case when nullif(support_groups.group_id, '') is not null then 0 else 1 end
        ) as match_rank
    from zendesk_groups
    inner join support_groups
        on
            zendesk_groups.group_id = support_groups.group_id
            or (
                nullif(support_groups.group_id, '') is null
                and zendesk_groups.group_name = support_groups.group_name
            )

),

group_tiers as (

    select
        group_id,
        tier,
        cast(
            case tier when 'L1' then 1 when 'L2' then 2 when 'L3' then 3 end as integer
        ) as tier_level
    from rank_group_tiers
    where match_rank = 1

),

first_groups as (

    select
        ticket_id,
        group_id
    from group_periods
    where period_number = 1

),

rank_solve_groups as (

    -- The group in effect at the last solve.
    select
        group_periods.ticket_id,
        group_periods.group_id,
        row_number() over (
            partition by group_periods.ticket_id order by group_periods.period_number desc
        ) as recency_rank
    from group_periods
    inner join timed
        on group_periods.ticket_id = timed.ticket_id
    where group_periods.valid_from <= timed.solved_at

),

escalations as (

    select
        group_periods.ticket_id,
        max(case when later_tiers.tier_level > first_tiers.tier_level then 1 else 0 end) as is_escalated
    from group_periods
    inner join first_groups
        on group_periods.ticket_id = first_groups.ticket_id
    inner join group_tiers as first_tiers
        on first_groups.group_id = first_tiers.group_id
    inner join group_tiers as later_tiers
        on group_periods.group_id = later_tiers.group_id
    group by group_periods.ticket_id

),

pending_answers as (

    -- The requester answered: a status change from pending back to open.
    select distinct later_periods.ticket_id
    from status_periods as later_periods
    inner join status_periods as earlier_periods
        on
            later_periods.ticket_id = earlier_periods.ticket_id
            and later_periods.period_number = earlier_periods.period_number + 1
    where earlier_periods.status = 'pending' and later_periods.status = 'open'

),

requester_comments as (

    select distinct 'zendesk:' || audit_events.ticket_id as ticket_id
    from audit_events
    inner join tickets
        on 'zendesk:' || audit_events.ticket_id = tickets.ticket_id
    where
        audit_events.event_type in ('Comment', 'VoiceComment')
        and coalesce(audit_events.comment_author_id, audit_events.author_id) = tickets.requester_id

),

rank_contracts as (

    -- The contract in force on the ticket's creation day (in the contract's zone); one per
    -- organization at a time, the latest-starting winning an overlap.
    select
        tickets.ticket_id,
        contract_versions.contract_id,
        contract_versions.customer_id,
        contract_versions.tier,
        row_number() over (
            partition by tickets.ticket_id
            order by contract_versions.start_date desc, contract_versions.valid_from desc
        ) as contract_rank
    from tickets
    inner join contract_versions
        on
            tickets.source = 'zendesk'
            and tickets.organization_id = contract_versions.zendesk_organization_id
            and contract_versions.valid_from <= cast(
                {{ utc_to_local('tickets.created_at', "coalesce(nullif(contract_versions.timezone, ''), 'UTC')") }}
                as date
            )
            and (
                contract_versions.valid_to is null
                or contract_versions.valid_to >= cast(
                    {{ utc_to_local('tickets.created_at', "coalesce(nullif(contract_versions.timezone, ''), 'UTC')") }}
                    as date
                )
            )

),

combine as (

    select
        tickets.ticket_id,
        tickets.source,
        tickets.source_ticket_id,
        tickets.status,
        tickets.priority,
        tickets.ticket_type,
        tickets.channel,
        tickets.service_id,
        coalesce(services.is_production, true) as is_production,
        tickets.organization_id,
        contracts.customer_id,
        contracts.contract_id,
        contracts.tier as customer_tier,
        coalesce(tickets.group_id, first_groups.group_id) as group_id,
        first_groups.group_id as first_group_id,
        solve_groups.group_id as solved_group_id,
        tickets.requester_id,
        tickets.submitter_id,
        tickets.tags,
        tickets.created_at,
        timed.first_reply_at,
        timed.first_solved_at,
        timed.solved_at,
        timed.schedule_id,
        timed.first_reply_seconds,
        timed.first_reply_business_seconds,
        timed.first_resolution_seconds,
        timed.first_resolution_business_seconds,
        timed.full_resolution_seconds,
        timed.full_resolution_business_seconds,
        ticket_metrics.replies,
        coalesce(ticket_metrics.reopens, timed.jira_reopens) as reopens,
        tickets.status in ('solved', 'closed') as is_solved,
        coalesce(escalations.is_escalated = 1, false)
        or ';' || coalesce(tickets.tags, '') || ';' like '%;escalated;%' as is_escalated,
        (
            {%- for tag in var('complaint_tags') %}
                ';' || coalesce(tickets.tags, '') || ';' like '%;{{ tag }};%'{% if not loop.last %} or{% endif %}
            {%- endfor %}
        ) as is_complaint,
        case
            when tickets.source = 'zendesk'
                then coalesce(
                    tickets.submitter_id <> tickets.requester_id
                    and submitters.role in ('agent', 'admin')
                    and coalesce(requesters.role, 'end-user') not in ('agent', 'admin'),
                    false
                )
        end as is_proactive,
        pending_answers.ticket_id is not null or requester_comments.ticket_id is not null as has_requester_answer,
        changes._loaded_at
    from tickets
    inner join timed
        on tickets.ticket_id = timed.ticket_id
    left join services
        on tickets.service_id = services.service_id
    left join rank_contracts as contracts
        on tickets.ticket_id = contracts.ticket_id and contracts.contract_rank = 1
    left join first_groups
        on tickets.ticket_id = first_groups.ticket_id
    left join rank_solve_groups as solve_groups
        on tickets.ticket_id = solve_groups.ticket_id and solve_groups.recency_rank = 1
    left join ticket_metrics
        on tickets.source = 'zendesk' and tickets.source_ticket_id = ticket_metrics.ticket_id
    left join escalations
        on tickets.ticket_id = escalations.ticket_id
    left join users as submitters
        on tickets.submitter_id = submitters.user_id
    left join users as requesters
        on tickets.requester_id = requesters.user_id
    left join pending_answers
        on tickets.ticket_id = pending_answers.ticket_id
    left join requester_comments
        on tickets.ticket_id = requester_comments.ticket_id
    left join changes
        on tickets.ticket_id = changes.ticket_id

),

final as (

    select
        ticket_id,
        source,
        source_ticket_id,
        status,
        priority,
        ticket_type,
        channel,
        service_id,
        is_production,
        organization_id,
        customer_id,
        contract_id,
        customer_tier,
        group_id,
        first_group_id,
        solved_group_id,
        requester_id,
        submitter_id,
        tags,
        created_at,
        first_reply_at,
        first_solved_at,
        solved_at,
        schedule_id,
        first_reply_seconds,
        first_reply_business_seconds,
        first_resolution_seconds,
        first_resolution_business_seconds,
        full_resolution_seconds,
        full_resolution_business_seconds,
        cast(replies as integer) as replies,
        cast(reopens as integer) as reopens,
        is_solved,
        -- Solved or closed with at most one reply and no reopen; NULL where replies or
        -- reopens are unknown (JSM exports no reply count).
        case
            when not is_solved then false
            when replies is null or reopens is null then null
            else replies <= 1 and reopens = 0
        end as is_one_touch,
        is_escalated,
        reopens >= 1 as is_reopened,
        is_complaint,
        is_proactive,
        case when is_proactive then has_requester_answer when not is_proactive then false end
            as is_proactive_answered,
        {{ reporting_month_start('created_at') }} as created_month_start,
        {{ reporting_month_start('solved_at') }} as solved_month_start,
        _loaded_at
    from combine

)

select * from final
