-- The latest version of each ServiceNow change request (by sys_updated_on, then file
-- name, then record number). Codes stay codes (state '-5'..'4', risk '1'..'4'); planned
-- window from start_date/end_date, actual work from work_start/work_end.
with

source as (

    select * from {{ source('servicenow', 'change_request') }}

),

renamed as (

    select
        {{ json_text('record_json', 'sys_id') }} as change_request_sys_id,
        {{ servicenow_text('record_json', 'number') }} as change_number,
        lower({{ servicenow_text('record_json', 'type') }}) as change_type,
        {{ servicenow_text('record_json', 'state') }} as state,
        {{ servicenow_text('record_json', 'phase') }} as phase,
        {{ servicenow_text('record_json', 'approval') }} as approval,
        {{ servicenow_text('record_json', 'risk') }} as risk,
        {{ servicenow_text('record_json', 'impact') }} as impact,
        {{ servicenow_text('record_json', 'priority') }} as priority,
        {{ servicenow_text('record_json', 'short_description') }} as short_description,
        {{ servicenow_text('record_json', 'description') }} as description,
        {{ utc_text_to_timestamp(json_text('record_json', 'start_date')) }} as planned_start_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'end_date')) }} as planned_end_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'work_start')) }} as work_started_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'work_end')) }} as work_ended_at,
        {{ servicenow_text('record_json', 'close_code') }} as close_code,
        {{ servicenow_text('record_json', 'close_notes') }} as close_notes,
        {{ servicenow_reference('record_json', 'cmdb_ci') }} as cmdb_ci_sys_id,
        {{ servicenow_reference('record_json', 'business_service') }} as business_service_sys_id,
        {{ servicenow_reference('record_json', 'assignment_group') }} as assignment_group_sys_id,
        {{ utc_text_to_timestamp(json_text('record_json', 'opened_at')) }} as opened_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'sys_created_on')) }} as created_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'sys_updated_on')) }} as updated_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'closed_at')) }} as closed_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by change_request_sys_id
            order by
                coalesce(updated_at, created_at, opened_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        change_request_sys_id,
        change_number,
        change_type,
        state,
        phase,
        approval,
        risk,
        impact,
        priority,
        short_description,
        description,
        planned_start_at,
        planned_end_at,
        work_started_at,
        work_ended_at,
        close_code,
        close_notes,
        cmdb_ci_sys_id,
        business_service_sys_id,
        assignment_group_sys_id,
        opened_at,
        created_at,
        updated_at,
        closed_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
