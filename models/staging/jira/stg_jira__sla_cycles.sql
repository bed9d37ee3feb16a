-- One row per SLA cycle of each SLA field of the latest version of each Jira issue (key
-- issue_id + sla_field_id + cycle_number): the completed cycles in the order Jira lists
-- them, then the ongoing cycle last. SLA fields are `customfield_<n>` whose ids differ per
-- site, so they are found by shape: any custom field whose value has a `name` and
-- `completedCycles` and/or `ongoingCycle`. Values come from `epochMillis` / `millis` only,
-- never from the localised `friendly` text. `remainingTime` goes negative after a breach.
-- A field that is null (no SLA applies) or has no cycle yet gives no row.
with

source as (

    select * from {{ source('jira', 'issues') }}

),

versions as (

    select
        {{ json_text('record_json', 'id') }} as issue_id,
        {{ iso_to_utc(json_text('record_json', 'fields.created')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'fields.updated')) }} as updated_at,
        record_json,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by issue_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

field_names as (

    select
        issue_id,
        {{ json_text('record_json', 'fields') }} as fields_json,
        {{ json_object_member_keys('record_json', 'fields') }} as field_id,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

custom_fields as (

    select
        issue_id,
        field_id,
        {{ json_member('fields_json', 'field_id') }} as field_json,
        _file_path,
        _record_number,
        _loaded_at
    from field_names
    where field_id like 'customfield%'

),

sla_fields as (

    select *
    from custom_fields
    where
        {{ json_text('field_json', 'name') }} is not null
        and (
            {{ json_text('field_json', 'completedCycles') }} is not null
            or {{ json_text('field_json', 'ongoingCycle') }} is not null
        )

),

completed_cycles as (

    select
        issue_id,
        field_id,
        field_json,
        {{ json_array_numbered_elements('field_json', 'completedCycles', 'cycle_json', 'cycle_position') }},
        _file_path,
        _record_number,
        _loaded_at
    from sla_fields
    where {{ json_text('field_json', 'completedCycles') }} like '[%'

),

cycles as (

    select
        issue_id,
        field_id,
        field_json,
        cycle_json,
        cast(cycle_position as {{ dbt.type_int() }}) as cycle_position,
        false as is_ongoing,
        _file_path,
        _record_number,
        _loaded_at
    from completed_cycles

    union all

    select
        issue_id,
        field_id,
        field_json,
        {{ json_text('field_json', 'ongoingCycle') }} as cycle_json,
        null as cycle_position,
        true as is_ongoing,
        _file_path,
        _record_number,
        _loaded_at
    from sla_fields
    where {{ json_text('field_json', 'ongoingCycle') }} is not null

),

numbered as (

    select
        *,
        row_number() over (
            partition by issue_id, field_id
            order by is_ongoing, cycle_position
        ) as cycle_number
    from cycles

),

final as (

    select
        issue_id,
        field_id as sla_field_id,
        {{ json_text('field_json', 'id') }} as sla_id,
        {{ json_text('field_json', 'name') }} as sla_name,
        cast(cycle_number as {{ dbt.type_int() }}) as cycle_number,
        is_ongoing,
        {{ epoch_to_utc(json_text('cycle_json', 'startTime.epochMillis'), 'ms') }} as started_at,
        case
            when not is_ongoing
                then {{ epoch_to_utc(json_text('cycle_json', 'stopTime.epochMillis'), 'ms') }}
        end as stopped_at,
        {{ epoch_to_utc(json_text('cycle_json', 'breachTime.epochMillis'), 'ms') }} as breach_at,
        cast({{ json_text('cycle_json', 'breached') }} as {{ dbt.type_boolean() }}) as is_breached,
        cast({{ json_text('cycle_json', 'paused') }} as {{ dbt.type_boolean() }}) as is_paused,
        cast(
            {{ json_text('cycle_json', 'withinCalendarHours') }} as {{ dbt.type_boolean() }}
        ) as is_within_calendar_hours,
        {{ millis_to_seconds(json_text('cycle_json', 'goalDuration.millis')) }} as goal_seconds,
        {{ millis_to_seconds(json_text('cycle_json', 'elapsedTime.millis')) }} as elapsed_seconds,
        {{ millis_to_seconds(json_text('cycle_json', 'remainingTime.millis')) }} as remaining_seconds,
        _file_path,
        _record_number,
        _loaded_at
    from numbered

)

select * from final
