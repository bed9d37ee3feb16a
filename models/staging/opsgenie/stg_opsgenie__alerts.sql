-- The latest version of each Opsgenie alert (by updatedAt, then file name, then record
-- number). One alert is one incident (kpi-definitions.md §1). `report.ackTime` and
-- `report.closeTime` are offsets from createdAt in the unit of var
-- `opsgenie_report_time_unit` ('ms', the unit of the documented examples, or 's'):
-- acknowledged_at/closed_at keep millisecond precision, the `seconds_to_*` columns are
-- whole seconds truncated (15702 ms -> 15 s), like `seconds_between`.
{%- set report_unit = var('opsgenie_report_time_unit', 'ms') -%}
{%- if report_unit not in ('ms', 's') -%}
    {{ exceptions.raise_compiler_error(
        "var opsgenie_report_time_unit must be 'ms' or 's', got '" ~ report_unit ~ "'"
    ) }}
{%- endif -%}
{%- set milliseconds_per_unit = '1' if report_unit == 'ms' else '1000' %}

{#- A table, not a view: the personal_data_key SQL holds key material, and a view's text
    is visible to every database role (macros/privacy/personal_data_key.sql). -#}
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('opsgenie', 'alerts') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as alert_id,
        {{ json_text('record_json', 'tinyId') }} as tiny_id,
        {{ json_text('record_json', 'alias') }} as alias,  -- noqa: RF04
        {{ json_text('record_json', 'message') }} as message,
        lower({{ json_text('record_json', 'status') }}) as status,
        lower({{ json_text('record_json', 'acknowledged') }}) = 'true' as is_acknowledged,
        lower({{ json_text('record_json', 'isSeen') }}) = 'true' as is_seen,
        lower({{ json_text('record_json', 'snoozed') }}) = 'true' as is_snoozed,
        upper({{ json_text('record_json', 'priority') }}) as priority,
        {{ json_text('record_json', 'source') }} as source,
        {{ personal_data_key(json_text('record_json', 'owner')) }} as owner_key,
        {{ json_array_join('record_json', 'tags') }} as tags,
        {{ json_array_first_match('record_json', 'responders', 'type', "'team'") }} as responder_team_json,
        {{ json_text('record_json', 'integration.name') }} as integration_name,
        {{ json_text('record_json', 'integration.type') }} as integration_type,
        {{ personal_data_key(json_text('record_json', 'report.acknowledgedBy')) }} as acknowledged_by_key,
        {{ personal_data_key(json_text('record_json', 'report.closedBy')) }} as closed_by_key,
        {{ json_bigint('record_json', 'count') }} as alert_count,
        {{ iso_to_utc(json_text('record_json', 'createdAt')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updatedAt')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'lastOccurredAt')) }} as last_occurred_at,
        -- The offsets in milliseconds, whatever the unit of the export.
        cast(
            round(
                cast({{ json_text('record_json', 'report.ackTime') }} as {{ dbt.type_numeric() }})
                * {{ milliseconds_per_unit }}
            ) as {{ dbt.type_bigint() }}
        ) as ack_offset_ms,
        cast(
            round(
                cast({{ json_text('record_json', 'report.closeTime') }} as {{ dbt.type_numeric() }})
                * {{ milliseconds_per_unit }}
            ) as {{ dbt.type_bigint() }}
        ) as close_offset_ms,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

derived as (

    select
        *,
        {{ tagged_value('tags', 'service:') }} as service_tag,
        {{ json_text('responder_team_json', 'id') }} as responder_team_id,
        {{ json_text('responder_team_json', 'name') }} as responder_team_name,
        {{ add_milliseconds('ack_offset_ms', 'created_at') }} as acknowledged_at,
        {{ add_milliseconds('close_offset_ms', 'created_at') }} as closed_at,
        cast(floor(ack_offset_ms / 1000.0) as {{ dbt.type_bigint() }}) as seconds_to_ack,
        cast(floor(close_offset_ms / 1000.0) as {{ dbt.type_bigint() }}) as seconds_to_close
    from renamed

),

ranked as (

    select
        *,
        row_number() over (
            partition by alert_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from derived

),

final as (

    select
        alert_id,
        tiny_id,
        alias,
        message,
        status,
        is_acknowledged,
        is_seen,
        is_snoozed,
        priority,
        source,
        owner_key,
        tags,
        service_tag,
        responder_team_id,
        responder_team_name,
        integration_name,
        integration_type,
        acknowledged_by_key,
        closed_by_key,
        alert_count,
        created_at,
        updated_at,
        last_occurred_at,
        acknowledged_at,
        closed_at,
        seconds_to_ack,
        seconds_to_close,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
