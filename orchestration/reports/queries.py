"""The SQL the reports run against the marts (DuckDB warehouse, read only).

Every figure a report prints comes out of one of these queries: the mart's own value
where the mart has the report's grain, else an SQL sum or ratio of the mart's rows (the
weekly support figures, SLA attainment per metric, credits per month) — never Python
arithmetic. Period-over-period changes are computed here too, so the renderer only
compares and prints.
"""

from __future__ import annotations

# The newest instant the warehouse has events for: a period is complete when it ends on or
# before the day after it (the sample and the fixtures stop mid-period).
DATA_THROUGH = """
select cast(max(event_at) as date) + 1 as data_through
from (
    select max(created_at) as event_at from marts.fct_tickets
    union all select max(triggered_at) from marts.fct_incidents
    union all select max(started_at) from marts.fct_release_health
)
"""

# --- weekly team report ------------------------------------------------------------------

# Production tickets (as kpi_support_performance counts them; rounded half away from zero
# on decimals, as the marts' `pct` macro does): created-side measures by
# the first group in the week created, solved-side by the solving group in the week of the
# last solve; open at the week's end = created before it and not solved by then. One row
# per period × group and an `all` row per period (grouping sets).
WEEKLY_SUPPORT = """
with

periods as (
    select 'current' as period, cast($week_start as date) as period_start
    union all
    select 'previous', cast($week_start as date) - 7
),

tickets as (
    select * from marts.fct_tickets where is_production
),

created_side as (
    select
        periods.period,
        coalesce(tickets.first_group_id, 'none') as group_id,
        count(*) as tickets_created,
        sum(case when tickets.is_escalated then 1 else 0 end) as escalated,
        avg(tickets.first_reply_seconds) as frt_seconds
    from periods
    inner join tickets
        on tickets.created_at >= periods.period_start
        and tickets.created_at < periods.period_start + 7
    group by grouping sets ((periods.period, coalesce(tickets.first_group_id, 'none')), (periods.period))
),

solved_side as (
    select
        periods.period,
        coalesce(tickets.solved_group_id, tickets.group_id, 'none') as group_id,
        count(*) as tickets_solved,
        sum(case when tickets.is_one_touch then 1 else 0 end) as one_touch,
        count(tickets.is_one_touch) as one_touch_known
    from periods
    inner join tickets
        on tickets.is_solved
        and tickets.solved_at >= periods.period_start
        and tickets.solved_at < periods.period_start + 7
    group by grouping sets (
        (periods.period, coalesce(tickets.solved_group_id, tickets.group_id, 'none')), (periods.period)
    )
),

open_side as (
    select
        periods.period,
        coalesce(tickets.group_id, 'none') as group_id,
        count(*) as backlog_end_of_week
    from periods
    inner join tickets
        on tickets.created_at < periods.period_start + 7
        and (tickets.solved_at is null or tickets.solved_at >= periods.period_start + 7)
    group by grouping sets ((periods.period, coalesce(tickets.group_id, 'none')), (periods.period))
),

keys as (
    select period, coalesce(group_id, 'all') as group_id from created_side
    union select period, coalesce(group_id, 'all') from solved_side
    union select period, coalesce(group_id, 'all') from open_side
),

per_period as (
    select
        keys.period,
        keys.group_id,
        coalesce(created_side.tickets_created, 0) as tickets_created,
        coalesce(solved_side.tickets_solved, 0) as tickets_solved,
        cast(round(cast(created_side.frt_seconds / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as frt_mean_minutes,
        cast(round(cast(100.0 * solved_side.one_touch / nullif(solved_side.one_touch_known, 0) as decimal(38, 6)), 2) as decimal(5, 2))
            as fcr_pct,
        cast(round(cast(100.0 * created_side.escalated / nullif(created_side.tickets_created, 0) as decimal(38, 6)), 2)
            as decimal(5, 2)) as escalation_rate_pct,
        coalesce(open_side.backlog_end_of_week, 0) as backlog_end_of_week
    from keys
    left join created_side
        on keys.period = created_side.period and keys.group_id = coalesce(created_side.group_id, 'all')
    left join solved_side
        on keys.period = solved_side.period and keys.group_id = coalesce(solved_side.group_id, 'all')
    left join open_side
        on keys.period = open_side.period and keys.group_id = coalesce(open_side.group_id, 'all')
)

select
    coalesce(current_week.group_id, previous_week.group_id) as group_id,
    coalesce(groups.group_name, coalesce(current_week.group_id, previous_week.group_id)) as group_name,
    current_week.tickets_created,
    previous_week.tickets_created as tickets_created_previous,
    current_week.tickets_created - previous_week.tickets_created as tickets_created_change,
    current_week.tickets_solved,
    previous_week.tickets_solved as tickets_solved_previous,
    current_week.frt_mean_minutes,
    previous_week.frt_mean_minutes as frt_mean_minutes_previous,
    current_week.frt_mean_minutes - previous_week.frt_mean_minutes as frt_mean_minutes_change,
    current_week.fcr_pct,
    previous_week.fcr_pct as fcr_pct_previous,
    current_week.fcr_pct - previous_week.fcr_pct as fcr_pct_change,
    current_week.escalation_rate_pct,
    previous_week.escalation_rate_pct as escalation_rate_pct_previous,
    current_week.escalation_rate_pct - previous_week.escalation_rate_pct as escalation_rate_pct_change,
    current_week.backlog_end_of_week,
    previous_week.backlog_end_of_week as backlog_end_of_week_previous,
    current_week.backlog_end_of_week - previous_week.backlog_end_of_week as backlog_change
from (select * from per_period where period = 'current') as current_week
full outer join (select * from per_period where period = 'previous') as previous_week
    on current_week.group_id = previous_week.group_id
left join (
    select cast(group_id as varchar) as group_id, any_value(group_name) as group_name
    from reference.support_groups where group_id is not null group by 1
) as groups
    on coalesce(current_week.group_id, previous_week.group_id) = groups.group_id
order by case when coalesce(current_week.group_id, previous_week.group_id) = 'all' then 0 else 1 end,
    group_id
"""

# The month-level thresholds that hold for the week's month (marts' own flags).
MTTR_OVER_TARGET = """
select month_start, service_id, severity, incidents, mttr_minutes, mttr_target_minutes
from marts.kpi_incident_response
where month_start = $month_start and is_mttr_over_target_30pct
order by severity, service_id
"""

DEGRADED_3_CYCLES = """
select month_start, service_id, change_failure_rate_pct, deployments
from marts.kpi_release_quality
where month_start = $month_start and is_degraded_3_cycles
order by service_id
"""

SLA_UNDER_TARGET = """
select month_start, customer_id, sla_metric, priority, measured, breached, attainment_pct
from marts.kpi_sla_compliance
where month_start = $month_start and attainment_pct < $target
order by breached desc, attainment_pct, customer_id, sla_metric, priority
"""

# --- monthly department report -----------------------------------------------------------

MONTHLY_SUPPORT = """
select
    coalesce(current_month.group_id, previous_month.group_id) as group_id,
    coalesce(groups.group_name, coalesce(current_month.group_id, previous_month.group_id)) as group_name,
    current_month.tickets_created,
    previous_month.tickets_created as tickets_created_previous,
    current_month.resolution_mean_hours,
    previous_month.resolution_mean_hours as resolution_mean_hours_previous,
    current_month.resolution_mean_hours - previous_month.resolution_mean_hours
        as resolution_mean_hours_change,
    current_month.cost_per_ticket,
    previous_month.cost_per_ticket as cost_per_ticket_previous,
    coalesce(current_month.support_cost_currency, previous_month.support_cost_currency)
        as support_cost_currency,
    current_month.fcr_pct,
    previous_month.fcr_pct as fcr_pct_previous,
    current_month.backlog_end_of_month,
    previous_month.backlog_end_of_month as backlog_end_of_month_previous
from (select * from marts.kpi_support_performance where month_start = $month_start) as current_month
full outer join (
    select * from marts.kpi_support_performance where month_start = $previous_start
) as previous_month
    on current_month.group_id = previous_month.group_id
left join (
    select cast(group_id as varchar) as group_id, any_value(group_name) as group_name
    from reference.support_groups where group_id is not null group by 1
) as groups
    on coalesce(current_month.group_id, previous_month.group_id) = groups.group_id
order by group_id
"""

CSAT_BY_SEGMENT = """
select
    coalesce(current_month.segment, previous_month.segment) as segment,
    current_month.responses,
    current_month.csat_pct,
    previous_month.responses as responses_previous,
    previous_month.csat_pct as csat_pct_previous,
    current_month.csat_pct - previous_month.csat_pct as csat_pct_change
from (
    select * from marts.kpi_customer_satisfaction
    where month_start = $month_start and survey_kind = 'csat'
) as current_month
full outer join (
    select * from marts.kpi_customer_satisfaction
    where month_start = $previous_start and survey_kind = 'csat'
) as previous_month
    on current_month.segment = previous_month.segment
order by case coalesce(current_month.segment, previous_month.segment)
    when 'all' then 0 when 'Gold' then 1 when 'Silver' then 2 when 'Bronze' then 3 else 4 end
"""

# SLA attainment per SLA metric: 100 × (measured − breached) / measured over the month's
# kpi_sla_compliance rows (the mart's grain is customer × metric × priority).
SLA_BY_METRIC = """
with per_month as (
    select
        month_start,
        sla_metric,
        sum(measured) as measured,
        sum(breached) as breached,
        cast(round(cast(100.0 * (sum(measured) - sum(breached)) / nullif(sum(measured), 0) as decimal(38, 6)), 2) as decimal(5, 2))
            as attainment_pct
    from marts.kpi_sla_compliance
    where month_start in ($month_start, $previous_start)
    group by month_start, sla_metric
)
select
    coalesce(current_month.sla_metric, previous_month.sla_metric) as sla_metric,
    current_month.measured,
    current_month.breached,
    current_month.attainment_pct,
    previous_month.measured as measured_previous,
    previous_month.attainment_pct as attainment_pct_previous
from (select * from per_month where month_start = $month_start) as current_month
full outer join (select * from per_month where month_start = $previous_start) as previous_month
    on current_month.sla_metric = previous_month.sla_metric
order by sla_metric
"""

INCIDENT_RESPONSE = """
select
    coalesce(current_month.service_id, previous_month.service_id) as service_id,
    coalesce(current_month.severity, previous_month.severity) as severity,
    current_month.incidents,
    previous_month.incidents as incidents_previous,
    current_month.mtta_minutes,
    previous_month.mtta_minutes as mtta_minutes_previous,
    current_month.mttr_minutes,
    previous_month.mttr_minutes as mttr_minutes_previous,
    current_month.mttr_minutes - previous_month.mttr_minutes as mttr_minutes_change,
    coalesce(current_month.mttr_target_minutes, previous_month.mttr_target_minutes) as mttr_target_minutes,
    current_month.is_mttr_over_target_30pct
from (select * from marts.kpi_incident_response where month_start = $month_start) as current_month
full outer join (
    select * from marts.kpi_incident_response where month_start = $previous_start
) as previous_month
    on current_month.service_id = previous_month.service_id
    and current_month.severity = previous_month.severity
order by severity, service_id
"""

INCIDENTS_PER_SERVICE = """
with per_month as (
    select month_start, service_id, sum(incidents) as incidents
    from marts.kpi_incident_response
    where month_start in ($month_start, $previous_start)
    group by month_start, service_id
)
select
    coalesce(current_month.service_id, previous_month.service_id) as service_id,
    current_month.incidents,
    previous_month.incidents as incidents_previous,
    coalesce(current_month.incidents, 0) - coalesce(previous_month.incidents, 0) as incidents_change
from (select * from per_month where month_start = $month_start) as current_month
full outer join (select * from per_month where month_start = $previous_start) as previous_month
    on current_month.service_id = previous_month.service_id
order by service_id
"""

# Production deployments that started in [period_start, period_end), worst health first.
RELEASE_HEALTH = """
select
    deployment_id, service_id, source, started_at, health_score, attributed_incidents,
    ticket_spike_ratio, csat_delta_pct, is_rolled_back, is_friday_afternoon, change_request_number
from marts.fct_release_health
where started_at >= $period_start and started_at < $period_end
order by health_score, started_at, deployment_id
"""

# --- quarterly executive brief ---------------------------------------------------------

SATISFACTION_MONTHS = """
select month_start, survey_kind, responses, nps, ces_pct, csat_pct
from marts.kpi_customer_satisfaction
where segment = 'all' and month_start >= $previous_start and month_start < $period_end
order by month_start, survey_kind
"""

RETENTION_MONTHS = """
select
    month_start, currency, customers_start, customers_retained, customer_retention_rate_pct,
    mrr_start, mrr_end_from_start_customers, net_revenue_retention_pct
from marts.kpi_customer_retention
where tier = 'all' and month_start >= $previous_start and month_start < $period_end
order by month_start, currency
"""

# Credits paid per month and currency (a sum of fct_service_credits rows), the contracts
# credited and the lowest contract uptime of the month.
CREDITS_MONTHS = """
select
    month_start,
    currency,
    count(*) as contract_months,
    sum(case when credit_amount > 0 then 1 else 0 end) as contracts_credited,
    min(uptime_pct) as lowest_uptime_pct,
    sum(credit_amount) as credits_paid,
    bool_and(is_month_closed) as is_month_closed
from marts.fct_service_credits
where month_start >= $previous_start and month_start < $period_end
group by month_start, currency
order by month_start, currency
"""

# DORA bands of each service in the quarter's last week with a row, beside the previous
# quarter's last week.
DORA_BANDS = """
with last_weeks as (
    select 'current' as period, max(week_start) as week_start from marts.kpi_dora
    where week_start >= $period_start and week_start < $period_end
    union all
    select 'previous', max(week_start) from marts.kpi_dora
    where week_start >= $previous_start and week_start < $period_start
),
banded as (
    select last_weeks.period, kpi_dora.*
    from marts.kpi_dora
    inner join last_weeks on kpi_dora.week_start = last_weeks.week_start
)
select
    coalesce(current_week.service_id, previous_week.service_id) as service_id,
    current_week.week_start,
    current_week.deployment_frequency_band,
    current_week.lead_time_band,
    current_week.change_failure_rate_band,
    current_week.failed_deployment_recovery_band,
    previous_week.week_start as week_start_previous,
    previous_week.deployment_frequency_band as deployment_frequency_band_previous,
    previous_week.change_failure_rate_band as change_failure_rate_band_previous
from (select * from banded where period = 'current') as current_week
full outer join (select * from banded where period = 'previous') as previous_week
    on current_week.service_id = previous_week.service_id
order by service_id
"""

RELEASE_QUALITY_MONTHS = """
select
    month_start, service_id, deployments, change_failure_rate_pct, rollback_rate_pct,
    attributed_incidents, mttr_minutes, is_mttr_over_target_30pct, is_degraded_3_cycles
from marts.kpi_release_quality
where month_start >= $previous_start and month_start < $period_end
order by month_start, service_id
"""

QUARTER_THRESHOLDS_MTTR = """
select month_start, service_id, severity, incidents, mttr_minutes, mttr_target_minutes
from marts.kpi_incident_response
where month_start >= $period_start and month_start < $period_end and is_mttr_over_target_30pct
order by month_start, severity, service_id
"""

QUARTER_THRESHOLDS_DEGRADED = """
select month_start, service_id, change_failure_rate_pct, deployments
from marts.kpi_release_quality
where month_start >= $period_start and month_start < $period_end and is_degraded_3_cycles
order by month_start, service_id
"""

# Services with the most incidents attributed to releases in the quarter, beside the
# previous quarter.
ATTRIBUTED_BY_SERVICE = """
with per_quarter as (
    select
        case when month_start >= $period_start then 'current' else 'previous' end as period,
        service_id,
        sum(attributed_incidents) as attributed_incidents,
        sum(deployments) as deployments
    from marts.kpi_release_quality
    where month_start >= $previous_start and month_start < $period_end
    group by 1, 2
)
select
    coalesce(current_quarter.service_id, previous_quarter.service_id) as service_id,
    current_quarter.deployments,
    current_quarter.attributed_incidents,
    previous_quarter.attributed_incidents as attributed_incidents_previous,
    coalesce(current_quarter.attributed_incidents, 0)
        - coalesce(previous_quarter.attributed_incidents, 0) as attributed_incidents_change
from (select * from per_quarter where period = 'current') as current_quarter
full outer join (select * from per_quarter where period = 'previous') as previous_quarter
    on current_quarter.service_id = previous_quarter.service_id
order by attributed_incidents_change desc, service_id
"""

MONTH_TOTALS = """
select
    (select sum(incidents) from marts.kpi_incident_response where month_start = $month_start)
        as incidents,
    (select sum(incidents) from marts.kpi_incident_response where month_start = $previous_start)
        as incidents_previous,
    (select count(*) from marts.fct_release_health
     where started_at >= $period_start and started_at < $period_end) as deployments
"""
