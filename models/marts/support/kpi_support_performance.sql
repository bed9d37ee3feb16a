-- Support performance KPIs per reporting month × group (spec §2), production tickets only
-- (a ticket of a non-production service stays in fct_tickets). Created-side measures
-- (tickets_created, first reply, escalation, complaints, proactive tickets) fall in the
-- month created and count by the ticket's first group; solved-side measures
-- (tickets_solved, resolution times, FCR, reopens) in the month of the last solve, by the
-- group at that solve, for tickets solved or closed now; the backlog is read from the
-- status and group periods at the month's last instant. One row for every month from the
-- first to the last month with tickets × every group seen on a ticket or a support cost
-- (zeros where nothing happened); `group_id` is `none` for tickets without a group.
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

status_periods as (

    select * from {{ ref('int_ticket_status_periods') }}

),

group_periods as (

    select * from {{ ref('int_ticket_group_periods') }}

),

support_costs as (

    select * from {{ ref('stg_finance__support_costs') }}

),

month_numbers as (

    {{ number_spine(3) }}

),

production_tickets as (

    select
        *,
        coalesce(first_group_id, 'none') as created_group_id,
        coalesce(solved_group_id, first_group_id, 'none') as solving_group_id
    from tickets
    where is_production

),

bound_months as (

    select
        min(created_month_start) as first_month_start,
        max(
            case
                when solved_month_start > created_month_start then solved_month_start
                else created_month_start
            end
        ) as last_month_start
    from production_tickets

),

months as (

    select
        cast({{ dbt.dateadd('month', 'month_numbers.number', 'bound_months.first_month_start') }} as date)
            as month_start
    from bound_months
    inner join month_numbers
        on
            month_numbers.number
            <= {{ dbt.datediff('bound_months.first_month_start', 'bound_months.last_month_start', 'month') }}

),

month_ends as (

    -- The first instant after the month (UTC): "at the month's last instant" is just before.
    select
        month_start,
        {{ local_to_utc(
            'cast(' ~ dbt.dateadd('month', 1, 'month_start') ~ ' as ' ~ dbt.type_timestamp() ~ ')',
            "'" ~ var('reporting_timezone') ~ "'",
        ) }} as month_end_at
    from months

),

kpi_groups as (

    select created_group_id as group_id from production_tickets
    union
    select solving_group_id as group_id from production_tickets
    union
    select group_id from support_costs

),

created_side as (

    select
        created_month_start as month_start,
        created_group_id as group_id,
        count(*) as tickets_created,
        avg(first_reply_seconds) as frt_mean_seconds,
        {{ percentile_cont('first_reply_seconds', 0.5) }} as frt_p50_seconds,
        {{ percentile_cont('first_reply_seconds', 0.9) }} as frt_p90_seconds,
        avg(first_reply_business_seconds) as frt_business_mean_seconds,
        sum(case when is_escalated then 1 else 0 end) as escalated,
        sum(case when is_complaint then 1 else 0 end) as complaints_created,
        sum(case when is_complaint and is_solved then 1 else 0 end) as complaints_solved,
        sum(case when is_proactive then 1 else 0 end) as proactive_tickets,
        sum(case when is_proactive_answered then 1 else 0 end) as proactive_answered
    from production_tickets
    group by created_month_start, created_group_id

),

solved_side as (

    select
        solved_month_start as month_start,
        solving_group_id as group_id,
        count(*) as tickets_solved,
        avg(full_resolution_seconds) as resolution_mean_seconds,
        avg(full_resolution_business_seconds) as resolution_business_mean_seconds,
        sum(case when is_one_touch then 1 else 0 end) as one_touch,
        count(is_one_touch) as one_touch_known,
        sum(case when is_reopened then 1 else 0 end) as reopened,
        count(reopens) as reopens_known
    from production_tickets
    where is_solved and solved_at is not null
    group by solved_month_start, solving_group_id

),

backlog_tickets as (

    -- Created before the month's end and, at its last instant, not solved or closed.
    select
        month_ends.month_start,
        production_tickets.ticket_id,
        coalesce(group_periods.group_id, production_tickets.created_group_id) as group_id
    from production_tickets
    inner join month_ends
        on production_tickets.created_at < month_ends.month_end_at
    inner join status_periods
        on
            production_tickets.ticket_id = status_periods.ticket_id
            and month_ends.month_end_at > status_periods.valid_from
            and (status_periods.valid_to is null or month_ends.month_end_at <= status_periods.valid_to)
    left join group_periods
        on
            production_tickets.ticket_id = group_periods.ticket_id
            and month_ends.month_end_at > group_periods.valid_from
            and (group_periods.valid_to is null or month_ends.month_end_at <= group_periods.valid_to)
    where status_periods.status not in ('solved', 'closed')

),

backlog as (

    select
        month_start,
        coalesce(group_id, 'none') as group_id,
        count(distinct ticket_id) as backlog_end_of_month
    from backlog_tickets
    group by month_start, coalesce(group_id, 'none')

),

final as (

    select
        months.month_start,
        kpi_groups.group_id,
        cast(coalesce(created_side.tickets_created, 0) as integer) as tickets_created,
        cast(coalesce(solved_side.tickets_solved, 0) as integer) as tickets_solved,
        {{ seconds_to_minutes('created_side.frt_mean_seconds') }} as frt_mean_minutes,
        {{ seconds_to_minutes('created_side.frt_p50_seconds') }} as frt_p50_minutes,
        {{ seconds_to_minutes('created_side.frt_p90_seconds') }} as frt_p90_minutes,
        {{ seconds_to_minutes('created_side.frt_business_mean_seconds') }} as frt_business_mean_minutes,
        cast(round(cast(solved_side.resolution_mean_seconds / 3600.0 as decimal(38, 6)), 2) as decimal(18, 2))
            as resolution_mean_hours,
        cast(
            round(cast(solved_side.resolution_business_mean_seconds / 3600.0 as decimal(38, 6)), 2)
            as decimal(18, 2)
        ) as resolution_business_mean_hours,
        {{ pct('solved_side.one_touch', 'solved_side.one_touch_known') }} as fcr_pct,
        {{ pct('created_side.escalated', 'created_side.tickets_created') }} as escalation_rate_pct,
        {{ pct('solved_side.reopened', 'solved_side.reopens_known') }} as reopen_rate_pct,
        cast(coalesce(backlog.backlog_end_of_month, 0) as integer) as backlog_end_of_month,
        cast(support_costs.amount as decimal(18, 2)) as support_cost,
        support_costs.currency as support_cost_currency,
        cast(
            round(cast(support_costs.amount / nullif(created_side.tickets_created, 0) as decimal(38, 6)), 2)
            as decimal(18, 2)
        ) as cost_per_ticket,
        cast(
            round(cast(support_costs.amount / nullif(solved_side.tickets_solved, 0) as decimal(38, 6)), 2)
            as decimal(18, 2)
        ) as cost_per_resolution,
        cast(coalesce(created_side.complaints_created, 0) as integer) as complaints_created,
        {{ pct('created_side.complaints_solved', 'created_side.complaints_created') }} as complaints_resolved_pct,
        cast(coalesce(created_side.proactive_tickets, 0) as integer) as proactive_tickets,
        {{ pct('created_side.proactive_answered', 'created_side.proactive_tickets') }}
            as proactive_engagement_rate_pct
    from months
    cross join kpi_groups
    left join created_side
        on months.month_start = created_side.month_start and kpi_groups.group_id = created_side.group_id
    left join solved_side
        on months.month_start = solved_side.month_start and kpi_groups.group_id = solved_side.group_id
    left join backlog
        on months.month_start = backlog.month_start and kpi_groups.group_id = backlog.group_id
    left join support_costs
        on months.month_start = support_costs.month_start and kpi_groups.group_id = support_costs.group_id

)

select * from final
