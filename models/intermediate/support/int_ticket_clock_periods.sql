-- One row per ticket × clock metric × status period (int_ticket_status_periods), saying
-- whether the metric's clock runs in that period (spec §4, seed `sla_pause_statuses`:
-- first_reply_time, next_reply_time, total_resolution_time and periodic_update_time never
-- pause; agent_work_time stops in pending and hold; requester_wait_time and
-- pausable_update_time stop in pending), and how much running time, calendar and business
-- (the default schedule), the period and all earlier periods of the ticket hold.
--
-- For reuse (fct_sla_events): the running time of a metric from a to b is R(b) - R(a),
-- with R(t), for the period p holding t (valid_from <= t < valid_to, or valid_to NULL):
--   calendar: p.running_seconds_before + (p.is_running ? t - p.valid_from : 0)
--   business: p.running_business_seconds_before
--             + (p.is_running ? cumulative(t) - p.valid_from_business_cumulative : 0)
-- where cumulative(t) is one lookup of macro business_hours_cumulative. Two lookups per
-- clock, whatever its length or number of pauses. The open last period (valid_to NULL)
-- has NULL period seconds.
--
-- Incremental by ticket: a run recomputes the clocks of the tickets int_ticket_changes
-- brings back and replaces all their rows. The cumulative business seconds stored here
-- count from the calendar's first day, which moves only when an earlier ticket arrives:
-- int_ticket_changes then brings every ticket back (fct_sla_events subtracts a lookup
-- made in its own run from them).
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
status_periods as (

    select * from {{ ref('int_ticket_status_periods') }}
    {{ where_ticket_changed('ticket_id') }}

),

pause_statuses as (

    select * from {{ ref('sla_pause_statuses') }}

),

schedules as (

    select * from {{ ref('int_business_hours_schedules') }}

),

calendar as (

    select * from {{ ref('int_business_hours_calendar') }}

),

metrics as (

    select distinct metric from pause_statuses

),

default_schedule as (

    select max(schedule_id) as schedule_id from schedules
    where is_default

),

periods_scheduled as (

    select
        status_periods.*,
        default_schedule.schedule_id
    from status_periods
    cross join default_schedule

),

look_up_valid_from as (

    {{ business_hours_cumulative(
        'periods_scheduled', 'valid_from', 'schedule_id', 'calendar', 'valid_from_business_cumulative'
    ) }}

),

look_up_valid_to as (

    {{ business_hours_cumulative(
        'look_up_valid_from', 'valid_to', 'schedule_id', 'calendar', 'valid_to_business_cumulative'
    ) }}

),

flag_pauses as (

    select
        periods.ticket_id,
        metrics.metric,
        periods.period_number,
        periods.status,
        periods.valid_from,
        periods.valid_to,
        periods.schedule_id,
        periods.valid_from_business_cumulative,
        periods.valid_to_business_cumulative,
        not exists (
            select 1
            from pause_statuses
            where pause_statuses.metric = metrics.metric and pause_statuses.status = periods.status
        ) as is_running
    from look_up_valid_to as periods
    cross join metrics

),

measure_periods as (

    select
        *,
        case
            when not is_running then 0
            else {{ seconds_between('valid_from', 'valid_to') }}
        end as running_seconds,
        case
            when not is_running then 0
            else valid_to_business_cumulative - valid_from_business_cumulative
        end as running_business_seconds
    from flag_pauses

),

final as (

    select
        measure_periods.ticket_id,
        measure_periods.metric,
        cast(measure_periods.period_number as integer) as period_number,
        measure_periods.status,
        measure_periods.valid_from,
        measure_periods.valid_to,
        measure_periods.is_running,
        measure_periods.schedule_id,
        cast(measure_periods.valid_from_business_cumulative as bigint) as valid_from_business_cumulative,
        cast(measure_periods.running_seconds as bigint) as running_seconds,
        cast(measure_periods.running_business_seconds as bigint) as running_business_seconds,
        cast(
            coalesce(
                sum(measure_periods.running_seconds) over (
                    partition by measure_periods.ticket_id, measure_periods.metric
                    order by measure_periods.period_number
                    rows between unbounded preceding and 1 preceding
                ),
                0
            ) as bigint
        ) as running_seconds_before,
        cast(
            coalesce(
                sum(measure_periods.running_business_seconds) over (
                    partition by measure_periods.ticket_id, measure_periods.metric
                    order by measure_periods.period_number
                    rows between unbounded preceding and 1 preceding
                ),
                0
            ) as bigint
        ) as running_business_seconds_before,
        changes._loaded_at
    from measure_periods
    left join changes
        on measure_periods.ticket_id = changes.ticket_id

)

select * from final
