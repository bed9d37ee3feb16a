-- One row per successful production deployment (spec §7): what followed it in the
-- `post_release_window_hours` after it finished (attributed incidents, support tickets
-- and CSAT of its service) against the 14 days before, and a health score built from them.
{% set window_hours = var('post_release_window_hours') %}
with

deployments as (

    select * from {{ ref('fct_deployments') }}

),

attributions as (

    select * from {{ ref('int_incident_attributions') }}

),

tickets as (

    select * from {{ ref('int_tickets_unified') }}

),

ratings as (

    select * from {{ ref('stg_zendesk__satisfaction_ratings') }}

),

releases as (

    select
        *,
        {{ dbt.dateadd('hour', window_hours, 'finished_at') }} as window_end_at,
        {{ dbt.dateadd('day', -14, 'finished_at') }} as baseline_start_at
    from deployments
    where is_production and is_success and finished_at is not null

),

count_incidents as (

    select
        deployment_id,
        count(*) as attributed_incidents
    from attributions
    where deployment_id is not null
    group by deployment_id

),

count_tickets as (

    -- Tickets of the service created in [finished, finished + window) and in the 14 days
    -- [finished − 14 d, finished) before it.
    select
        releases.deployment_id,
        sum(case when tickets.created_at >= releases.finished_at then 1 else 0 end) as tickets_in_window,
        sum(case when tickets.created_at < releases.finished_at then 1 else 0 end) as tickets_before
    from releases
    inner join tickets
        on
            releases.service_id = tickets.service_id
            and releases.baseline_start_at <= tickets.created_at
            and releases.window_end_at > tickets.created_at
    group by releases.deployment_id

),

rate_tickets as (

    -- Zendesk CSAT answers (good or bad) of the service's tickets, by when they were rated.
    select
        tickets.service_id,
        ratings.created_at,
        ratings.score
    from ratings
    inner join tickets
        on tickets.source = 'zendesk' and ratings.ticket_id = tickets.source_ticket_id
    where ratings.score in ('good', 'bad') and tickets.service_id is not null

),

count_ratings as (

    select
        releases.deployment_id,
        sum(case when rated.created_at >= releases.finished_at then 1 else 0 end) as ratings_in_window,
        sum(
            case when rated.created_at >= releases.finished_at and rated.score = 'good' then 1 else 0 end
        ) as good_in_window,
        sum(case when rated.created_at < releases.finished_at then 1 else 0 end) as ratings_before,
        sum(
            case when rated.created_at < releases.finished_at and rated.score = 'good' then 1 else 0 end
        ) as good_before
    from releases
    inner join rate_tickets as rated
        on
            releases.service_id = rated.service_id
            and releases.baseline_start_at <= rated.created_at
            and releases.window_end_at > rated.created_at
    group by releases.deployment_id

),

measure_releases as (

    select
        releases.*,
        coalesce(incidents.attributed_incidents, 0) as attributed_incidents,
        coalesce(ticket_counts.tickets_in_window, 0) as tickets_in_window,
        coalesce(ticket_counts.tickets_before, 0) as tickets_before,
        -- The mean of the same-length windows over the 14 days before: the 14-day count
        -- scaled to one window (14 × 24 h / window = 7 windows of 48 h).
        coalesce(ticket_counts.tickets_before, 0) * {{ window_hours }} / (14 * 24.0) as ticket_baseline_mean,
        100.0 * rating_counts.good_in_window / nullif(rating_counts.ratings_in_window, 0) as csat_window_pct,
        100.0 * rating_counts.good_before / nullif(rating_counts.ratings_before, 0) as csat_before_pct,
        {{ reporting_iso_weekday('releases.finished_at') }} = 5
        and {{ reporting_hour('releases.finished_at') }} >= 12 as is_friday_afternoon
    from releases
    left join count_incidents as incidents
        on releases.deployment_id = incidents.deployment_id
    left join count_tickets as ticket_counts
        on releases.deployment_id = ticket_counts.deployment_id
    left join count_ratings as rating_counts
        on releases.deployment_id = rating_counts.deployment_id

),

score_releases as (

    select
        *,
        tickets_in_window / nullif(ticket_baseline_mean, 0) as ticket_spike_ratio_unrounded,
        csat_window_pct - csat_before_pct as csat_delta_unrounded
    from measure_releases

),

final as (

    select
        deployment_id,
        source,
        service_id,
        environment,
        sha,
        started_at,
        finished_at,
        duration_seconds,
        is_rollback,
        is_rolled_back,
        change_request_number,
        change_type,
        cast(attributed_incidents as integer) as attributed_incidents,
        cast(tickets_in_window as integer) as tickets_in_window,
        cast(tickets_before as integer) as tickets_before_14d,
        {{ round_2('ticket_baseline_mean') }} as ticket_baseline_mean,
        {{ round_2('ticket_spike_ratio_unrounded') }} as ticket_spike_ratio,
        cast({{ round_2('csat_window_pct') }} as decimal(5, 2)) as csat_window_pct,
        cast({{ round_2('csat_before_pct') }} as decimal(5, 2)) as csat_before_pct,
        cast({{ round_2('csat_delta_unrounded') }} as decimal(5, 2)) as csat_delta_pct,
        is_friday_afternoon,
        -- 100, less 40 with an attributed incident, 25 when rolled back, 10 per unit the
        -- ticket spike ratio exceeds 1 (at most 20) and 0.5 per point CSAT fell (at most 15).
        cast({{ round_2(
            '100'
            ~ ' - case when attributed_incidents > 0 then 40 else 0 end'
            ~ ' - case when is_rolled_back then 25 else 0 end'
            ~ ' - coalesce(least(20, greatest(0, 10 * (ticket_spike_ratio_unrounded - 1))), 0)'
            ~ ' - coalesce(least(15, greatest(0, -0.5 * csat_delta_unrounded)), 0)'
        ) }} as decimal(5, 2)) as health_score
    from score_releases

)

select * from final
