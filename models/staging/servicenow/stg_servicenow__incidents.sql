-- The latest version of each ServiceNow incident (by sys_updated_on, then file name, then
-- record number: never by load order). Values arrive as strings (display_value=false):
-- times are UTC text, durations epoch-offset dates, references {link, value} or a bare
-- sys_id, and "" means not set (NULL here).
with

source as (

    select * from {{ source('servicenow', 'incident') }}

),

renamed as (

    select
        {{ json_text('record_json', 'sys_id') }} as incident_sys_id,
        {{ servicenow_text('record_json', 'number') }} as incident_number,
        coalesce(
            {{ servicenow_text('record_json', 'state') }},
            {{ servicenow_text('record_json', 'incident_state') }}
        ) as state,
        {{ servicenow_text('record_json', 'priority') }} as priority,
        {{ servicenow_text('record_json', 'impact') }} as impact,
        {{ servicenow_text('record_json', 'urgency') }} as urgency,
        {{ servicenow_text('record_json', 'short_description') }} as short_description,
        {{ servicenow_text('record_json', 'category') }} as category,
        {{ servicenow_text('record_json', 'subcategory') }} as subcategory,
        {{ servicenow_text('record_json', 'contact_type') }} as contact_type,
        {{ servicenow_text('record_json', 'hold_reason') }} as hold_reason,
        {{ utc_text_to_timestamp(json_text('record_json', 'opened_at')) }} as opened_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'resolved_at')) }} as resolved_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'closed_at')) }} as closed_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'reopened_time')) }} as reopened_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'sys_created_on')) }} as created_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'sys_updated_on')) }} as updated_at,
        {{ servicenow_reference('record_json', 'cmdb_ci') }} as cmdb_ci_sys_id,
        {{ servicenow_reference('record_json', 'business_service') }} as business_service_sys_id,
        {{ servicenow_reference('record_json', 'assignment_group') }} as assignment_group_sys_id,
        {{ servicenow_reference('record_json', 'assigned_to') }} as assigned_to_sys_id,
        {{ servicenow_reference('record_json', 'resolved_by') }} as resolved_by_sys_id,
        {{ servicenow_reference('record_json', 'caused_by') }} as caused_by_change_sys_id,
        {{ servicenow_reference('record_json', 'rfc') }} as rfc_change_sys_id,
        {{ servicenow_reference('record_json', 'problem_id') }} as problem_sys_id,
        nullif(trim({{ json_text('record_json', 'correlation_id') }}), '') as correlation_id,
        {{ servicenow_text('record_json', 'correlation_display') }} as correlation_display,
        {{ servicenow_text('record_json', 'close_code') }} as close_code,
        cast({{ servicenow_text('record_json', 'reassignment_count') }} as {{ dbt.type_int() }})
            as reassignment_count,
        cast({{ servicenow_text('record_json', 'reopen_count') }} as {{ dbt.type_int() }}) as reopen_count,
        {{ servicenow_boolean('record_json', 'made_sla') }} as made_sla,
        coalesce(
            cast({{ servicenow_text('record_json', 'business_stc') }} as {{ dbt.type_bigint() }}),
            {{ servicenow_duration_seconds(json_text('record_json', 'business_duration')) }}
        ) as business_seconds,
        coalesce(
            cast({{ servicenow_text('record_json', 'calendar_stc') }} as {{ dbt.type_bigint() }}),
            {{ servicenow_duration_seconds(json_text('record_json', 'calendar_duration')) }}
        ) as calendar_seconds,
        {{ servicenow_text('record_json', 'major_incident_state') }} as major_incident_state,
        -- NULL when the export has no major_incident_state field (the Major Incident
        -- Management plugin is not active); "" (never proposed) is not major.
        case
            when {{ json_text('record_json', 'major_incident_state') }} is null then null
            when {{ json_text('record_json', 'major_incident_state') }} = 'accepted' then true
            else false
        end as is_major_incident,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by incident_sys_id
            order by
                coalesce(updated_at, created_at, opened_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        incident_sys_id,
        incident_number,
        state,
        priority,
        impact,
        urgency,
        short_description,
        category,
        subcategory,
        contact_type,
        hold_reason,
        opened_at,
        resolved_at,
        closed_at,
        reopened_at,
        created_at,
        updated_at,
        cmdb_ci_sys_id,
        business_service_sys_id,
        assignment_group_sys_id,
        assigned_to_sys_id,
        resolved_by_sys_id,
        caused_by_change_sys_id,
        rfc_change_sys_id,
        problem_sys_id,
        correlation_id,
        correlation_display,
        close_code,
        reassignment_count,
        reopen_count,
        made_sla,
        business_seconds,
        calendar_seconds,
        major_incident_state,
        is_major_incident,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
