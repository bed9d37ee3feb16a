-- PagerDuty incidents with their response times derived from the log entries (spec §1):
--   triggered_at     first trigger_log_entry, else the incident's created_at;
--   acknowledged_at  first acknowledge_log_entry at or after the trigger (the incident's
--                    `acknowledgements` are emptied on resolve, so never used); an
--                    incident with no exported log entries falls back to PagerDuty
--                    Analytics `seconds_to_first_ack`;
--   resolved_at      last resolve_log_entry, else the incident's resolved_at when it is
--                    resolved; NULL while open.
with

incidents as (

    select * from {{ ref('stg_pagerduty__incidents') }}

),

log_entries as (

    select * from {{ ref('stg_pagerduty__log_entries') }}

),

analytics as (

    select * from {{ ref('stg_pagerduty__analytics_incidents') }}

),

summarise_log_entries as (

    select
        incident_id,
        min(case when log_entry_type = 'trigger_log_entry' then created_at end) as first_trigger_at,
        max(case when log_entry_type = 'resolve_log_entry' then created_at end) as last_resolve_at
    from log_entries
    group by incident_id

),

set_trigger_times as (

    select
        incidents.*,
        summaries.last_resolve_at,
        summaries.incident_id is not null as has_log_entries,
        coalesce(summaries.first_trigger_at, incidents.created_at) as triggered_at
    from incidents
    left join summarise_log_entries as summaries
        on incidents.incident_id = summaries.incident_id

),

find_first_acknowledgements as (

    select
        triggered.incident_id,
        min(acks.created_at) as acknowledged_at
    from set_trigger_times as triggered
    inner join log_entries as acks
        on
            triggered.incident_id = acks.incident_id
            and acks.log_entry_type = 'acknowledge_log_entry'
            and triggered.triggered_at <= acks.created_at
    group by triggered.incident_id

),

final as (

    select
        triggered.incident_id,
        triggered.incident_number,
        triggered.title,
        triggered.urgency,
        triggered.priority_name,
        triggered.pagerduty_service_id,
        triggered.pagerduty_service_name,
        triggered.incident_key,
        triggered.triggered_at,
        case
            when triggered.has_log_entries then acknowledgements.acknowledged_at
            when analytics.seconds_to_first_ack is not null
                then {{ dbt.dateadd('second', 'analytics.seconds_to_first_ack', 'triggered.triggered_at') }}
        end as acknowledged_at,
        coalesce(
            triggered.last_resolve_at,
            case
                when triggered.status = 'resolved'
                    then coalesce(triggered.resolved_at, triggered.last_status_change_at)
            end
        ) as resolved_at,
        case
            when triggered.last_resolve_at is not null then 'resolved'
            else triggered.status
        end as status,
        analytics.is_major as is_analytics_major
    from set_trigger_times as triggered
    left join find_first_acknowledgements as acknowledgements
        on triggered.incident_id = acknowledgements.incident_id
    left join analytics
        on triggered.incident_id = analytics.incident_id

)

select * from final
