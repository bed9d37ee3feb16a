-- The latest version of each ServiceNow task SLA (by sys_updated_on, then file name, then
-- record number). One row is one SLA clock of one task: the engine's own elapsed and
-- remaining time (glide_duration -> seconds), percentage of the goal and breach verdict.
with

source as (

    select * from {{ source('servicenow', 'task_sla') }}

),

renamed as (

    select
        {{ json_text('record_json', 'sys_id') }} as task_sla_sys_id,
        {{ servicenow_reference('record_json', 'task') }} as task_sys_id,
        {{ servicenow_reference('record_json', 'sla') }} as sla_sys_id,
        -- Only a display_value=all export or a {display_value, value} reference names it.
        {{ servicenow_text('record_json', 'sla.display_value') }} as sla_name,
        -- `stage` is the source's and the spec's column name, though a keyword to sqlfluff.
        {{ servicenow_text('record_json', 'stage') }} as stage,
        {{ servicenow_boolean('record_json', 'active') }} as is_active,
        {{ servicenow_boolean('record_json', 'has_breached') }} as has_breached,
        {{ utc_text_to_timestamp(json_text('record_json', 'start_time')) }} as started_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'end_time')) }} as ended_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'planned_end_time')) }} as planned_end_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'original_breach_time')) }} as original_breach_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'pause_time')) }} as paused_at,
        {{ servicenow_duration_seconds(json_text('record_json', 'pause_duration')) }}
            as pause_seconds,
        {{ servicenow_duration_seconds(json_text('record_json', 'business_pause_duration')) }}
            as business_pause_seconds,
        {{ servicenow_duration_seconds(json_text('record_json', 'duration')) }}
            as duration_seconds,
        {{ servicenow_duration_seconds(json_text('record_json', 'business_duration')) }}
            as business_duration_seconds,
        cast({{ servicenow_text('record_json', 'percentage') }} as {{ dbt.type_numeric() }}) as percentage,
        cast({{ servicenow_text('record_json', 'business_percentage') }} as {{ dbt.type_numeric() }})
            as business_percentage,
        {{ servicenow_duration_seconds(json_text('record_json', 'time_left')) }}
            as time_left_seconds,
        {{ servicenow_duration_seconds(json_text('record_json', 'business_time_left')) }}
            as business_time_left_seconds,
        {{ servicenow_text('record_json', 'timezone') }} as timezone,
        {{ servicenow_reference('record_json', 'schedule') }} as schedule_sys_id,
        {{ utc_text_to_timestamp(json_text('record_json', 'sys_created_on')) }} as created_at,
        {{ utc_text_to_timestamp(json_text('record_json', 'sys_updated_on')) }} as updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by task_sla_sys_id
            order by
                coalesce(updated_at, created_at, started_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        task_sla_sys_id,
        task_sys_id,
        sla_sys_id,
        sla_name,
        stage,
        is_active,
        has_breached,
        started_at,
        ended_at,
        planned_end_at,
        original_breach_at,
        paused_at,
        pause_seconds,
        business_pause_seconds,
        duration_seconds,
        business_duration_seconds,
        percentage,
        business_percentage,
        time_left_seconds,
        business_time_left_seconds,
        timezone,
        schedule_sys_id,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
