-- The latest Analytics version of each PagerDuty incident (by the analytics refresh
-- `updated_at`, then file name, then record number). Analytics times carry no offset:
-- they are wall-clock times in the page envelope's `time_zone` (kept in `_file_context`),
-- converted here to UTC, DST-aware. A page without a zone (JSON Lines of the records)
-- falls back to the API default `Etc/UTC`; `time_zone` stays NULL so a test can warn.
with

source as (

    select * from {{ source('pagerduty', 'analytics_incidents') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as incident_id,
        {{ json_bigint('record_json', 'incident_number') }} as incident_number,
        {{ json_text('record_json', 'description') }} as description,
        {{ json_text('record_json', 'status') }} as status,
        {{ json_text('record_json', 'urgency') }} as urgency,
        {{ json_text('record_json', 'priority_id') }} as priority_id,
        {{ json_text('record_json', 'priority_name') }} as priority_name,
        lower({{ json_text('record_json', 'major') }}) = 'true' as is_major,
        {{ json_text('record_json', 'service_id') }} as pagerduty_service_id,
        {{ json_text('record_json', 'service_name') }} as service_name,
        {{ json_text('record_json', 'team_id') }} as team_id,
        {{ json_text('record_json', 'team_name') }} as team_name,
        {{ json_text('record_json', 'escalation_policy_id') }} as escalation_policy_id,
        {{ json_text('record_json', 'resolved_by_user_id') }} as resolved_by_user_id,
        {{ json_bigint('record_json', 'seconds_to_first_ack') }} as seconds_to_first_ack,
        {{ json_bigint('record_json', 'seconds_to_resolve') }} as seconds_to_resolve,
        {{ json_bigint('record_json', 'seconds_to_engage') }} as seconds_to_engage,
        {{ json_bigint('record_json', 'seconds_to_mobilize') }} as seconds_to_mobilize,
        lower({{ json_text('record_json', 'auto_resolved') }}) = 'true' as is_auto_resolved,
        {{ json_bigint('record_json', 'escalation_count') }} as escalation_count,
        nullif(trim({{ json_text('record_json', 'created_at') }}), '') as created_at_text,
        nullif(trim({{ json_text('record_json', 'resolved_at') }}), '') as resolved_at_text,
        nullif(trim({{ json_text('record_json', 'updated_at') }}), '') as updated_at_text,
        nullif(trim({{ json_text('_file_context', 'time_zone') }}), '') as time_zone,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

converted as (

    select
        *,
        {{ naive_or_offset_to_utc('created_at_text', "coalesce(time_zone, 'Etc/UTC')") }} as created_at,
        {{ naive_or_offset_to_utc('resolved_at_text', "coalesce(time_zone, 'Etc/UTC')") }} as resolved_at,
        {{ naive_or_offset_to_utc('updated_at_text', "coalesce(time_zone, 'Etc/UTC')") }} as updated_at
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by incident_id
            order by
                coalesce(updated_at, resolved_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from converted

),

final as (

    select
        incident_id,
        incident_number,
        description,
        status,
        urgency,
        priority_id,
        priority_name,
        is_major,
        pagerduty_service_id,
        service_name,
        team_id,
        team_name,
        escalation_policy_id,
        resolved_by_user_id,
        created_at,
        resolved_at,
        seconds_to_first_ack,
        seconds_to_resolve,
        seconds_to_engage,
        seconds_to_mobilize,
        is_auto_resolved,
        escalation_count,
        updated_at,
        time_zone,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
