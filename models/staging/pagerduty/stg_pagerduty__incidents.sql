-- The latest version of each PagerDuty incident (by updated_at, then file name, then
-- record number: never by load order). `acknowledgements` and `assignments` are not
-- kept: PagerDuty empties them on resolve, so times come from the log entries.
with

source as (

    select * from {{ source('pagerduty', 'incidents') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as incident_id,
        cast({{ json_text('record_json', 'incident_number') }} as integer) as incident_number,
        {{ json_text('record_json', 'title') }} as title,
        {{ json_text('record_json', 'status') }} as status,
        {{ json_text('record_json', 'urgency') }} as urgency,
        {{ json_text('record_json', 'priority.id') }} as priority_id,
        {{ json_text('record_json', 'priority.summary') }} as priority_name,
        {{ json_text('record_json', 'service.id') }} as pagerduty_service_id,
        {{ json_text('record_json', 'service.summary') }} as pagerduty_service_name,
        {{ json_text('record_json', 'escalation_policy.id') }} as escalation_policy_id,
        {{ json_text('record_json', 'incident_key') }} as incident_key,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'last_status_change_at')) }} as last_status_change_at,
        {{ iso_to_utc(json_text('record_json', 'resolved_at')) }} as resolved_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by incident_id
            order by
                coalesce(updated_at, last_status_change_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        incident_id,
        incident_number,
        title,
        status,
        urgency,
        priority_id,
        priority_name,
        pagerduty_service_id,
        pagerduty_service_name,
        escalation_policy_id,
        incident_key,
        created_at,
        updated_at,
        last_status_change_at,
        resolved_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
