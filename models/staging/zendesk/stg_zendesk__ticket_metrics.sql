-- The latest version of each Zendesk ticket metric record (by updated_at, then file name,
-- then record number). Durations come as `{calendar, business}` minute objects: each
-- becomes two integer columns, NULL when the object, or the clock in it, is missing or
-- null (whether Zendesk sends null or 0 for a ticket not yet replied to or solved is
-- unconfirmed: both are kept as sent).
with

source as (

    select * from {{ source('zendesk', 'ticket_metrics') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as ticket_metric_id,
        {{ json_text('record_json', 'ticket_id') }} as ticket_id,
        {{ json_bigint('record_json', 'replies') }} as replies,
        {{ json_bigint('record_json', 'reopens') }} as reopens,
        {{ json_bigint('record_json', 'assignee_stations') }} as assignee_stations,
        {{ json_bigint('record_json', 'group_stations') }} as group_stations,
        {{ json_bigint('record_json', 'reply_time_in_minutes.calendar') }}
            as reply_time_calendar_minutes,
        {{ json_bigint('record_json', 'reply_time_in_minutes.business') }}
            as reply_time_business_minutes,
        {{ json_bigint('record_json', 'first_resolution_time_in_minutes.calendar') }}
            as first_resolution_time_calendar_minutes,
        {{ json_bigint('record_json', 'first_resolution_time_in_minutes.business') }}
            as first_resolution_time_business_minutes,
        {{ json_bigint('record_json', 'full_resolution_time_in_minutes.calendar') }}
            as full_resolution_time_calendar_minutes,
        {{ json_bigint('record_json', 'full_resolution_time_in_minutes.business') }}
            as full_resolution_time_business_minutes,
        {{ json_bigint('record_json', 'agent_wait_time_in_minutes.calendar') }}
            as agent_wait_time_calendar_minutes,
        {{ json_bigint('record_json', 'agent_wait_time_in_minutes.business') }}
            as agent_wait_time_business_minutes,
        {{ json_bigint('record_json', 'requester_wait_time_in_minutes.calendar') }}
            as requester_wait_time_calendar_minutes,
        {{ json_bigint('record_json', 'requester_wait_time_in_minutes.business') }}
            as requester_wait_time_business_minutes,
        {{ json_bigint('record_json', 'on_hold_time_in_minutes.calendar') }}
            as on_hold_time_calendar_minutes,
        {{ json_bigint('record_json', 'on_hold_time_in_minutes.business') }}
            as on_hold_time_business_minutes,
        {{ json_bigint('record_json', 'reply_time_in_seconds.calendar') }}
            as reply_time_calendar_seconds,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'assigned_at')) }} as assigned_at,
        {{ iso_to_utc(json_text('record_json', 'initially_assigned_at')) }}
            as initially_assigned_at,
        {{ iso_to_utc(json_text('record_json', 'solved_at')) }} as solved_at,
        {{ iso_to_utc(json_text('record_json', 'status_updated_at')) }} as status_updated_at,
        {{ iso_to_utc(json_text('record_json', 'latest_comment_added_at')) }}
            as latest_comment_added_at,
        {{ iso_to_utc(json_text('record_json', 'requester_updated_at')) }} as requester_updated_at,
        {{ iso_to_utc(json_text('record_json', 'assignee_updated_at')) }} as assignee_updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_metric_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        ticket_metric_id,
        ticket_id,
        replies,
        reopens,
        assignee_stations,
        group_stations,
        reply_time_calendar_minutes,
        reply_time_business_minutes,
        first_resolution_time_calendar_minutes,
        first_resolution_time_business_minutes,
        full_resolution_time_calendar_minutes,
        full_resolution_time_business_minutes,
        agent_wait_time_calendar_minutes,
        agent_wait_time_business_minutes,
        requester_wait_time_calendar_minutes,
        requester_wait_time_business_minutes,
        on_hold_time_calendar_minutes,
        on_hold_time_business_minutes,
        reply_time_calendar_seconds,
        created_at,
        updated_at,
        assigned_at,
        initially_assigned_at,
        solved_at,
        status_updated_at,
        latest_comment_added_at,
        requester_updated_at,
        assignee_updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
