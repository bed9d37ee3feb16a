-- One row per Zendesk ticket metric event: the SLA history of each ticket (activate,
-- pause, fulfill, apply_sla, apply_group_sla, breach, update_status, measure). Events
-- never change, but incremental pages and re-exports repeat them: the last copy by file
-- name, then record number, wins. Type-specific fields become columns: `apply_sla` gives
-- the target (`sla.target` minutes, `sla.target_in_seconds`), `sla.business_hours` and
-- the policy; `apply_group_sla` the same from `group_sla`; `update_status` the
-- `status.{calendar,business}` minutes; `breach` its `deleted` flag. A deleted breach is
-- kept (`is_deleted`): Zendesk says to ignore it, and the reconciliation needs to see it.
--
-- Incremental by key: a run reads only the raw rows of events that arrived in files
-- loaded since the last run, ranks every stored copy of those events again and replaces
-- them, so an incremental history equals a full rebuild.
{{ config(**incremental_by_key('metric_event_id')) }}

with

source as (

    select * from {{ source('zendesk', 'ticket_metric_events') }}

),

{% if is_incremental() %}
arrived_keys as (

    {{ keys_loaded_since_last_build(json_text('record_json', 'id'), 'metric_event_id') }}

),

{% endif %}
renamed as (

    select
        {{ json_text('record_json', 'id') }} as metric_event_id,
        {{ json_text('record_json', 'ticket_id') }} as ticket_id,
        lower({{ json_text('record_json', 'metric') }}) as metric,
        cast({{ json_bigint('record_json', 'instance_id') }} as {{ dbt.type_int() }}) as instance_id,
        lower({{ json_text('record_json', 'type') }}) as event_type,
        {{ iso_to_utc(json_text('record_json', 'time')) }} as event_at,
        coalesce(lower({{ json_text('record_json', 'deleted') }}) = 'true', false) as is_deleted,
        coalesce(
            {{ json_bigint('record_json', 'sla.target') }},
            {{ json_bigint('record_json', 'group_sla.target') }}
        ) as sla_target_minutes,
        coalesce(
            {{ json_bigint('record_json', 'sla.target_in_seconds') }},
            {{ json_bigint('record_json', 'sla.target') }} * 60,
            {{ json_bigint('record_json', 'group_sla.target') }} * 60
        ) as sla_target_seconds,
        lower(
            coalesce(
                {{ json_text('record_json', 'sla.business_hours') }},
                {{ json_text('record_json', 'group_sla.business_hours') }}
            )
        ) = 'true' as sla_is_business_hours,
        coalesce(
            {{ json_text('record_json', 'sla.policy.id') }},
            {{ json_text('record_json', 'group_sla.policy.id') }}
        ) as sla_policy_id,
        coalesce(
            {{ json_text('record_json', 'sla.policy.title') }},
            {{ json_text('record_json', 'group_sla.policy.title') }}
        ) as sla_policy_title,
        {{ json_bigint('record_json', 'status.calendar') }} as status_calendar_minutes,
        {{ json_bigint('record_json', 'status.business') }} as status_business_minutes,
        _file_path,
        _record_number,
        _loaded_at
    from source
    {% if is_incremental() %}
        where {{ json_text('record_json', 'id') }} in (select metric_event_id from arrived_keys)
    {% endif %}

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.metric_event_id
            order by renamed._file_path desc, renamed._record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        metric_event_id,
        ticket_id,
        metric,
        instance_id,
        event_type,
        event_at,
        is_deleted,
        sla_target_minutes,
        sla_target_seconds,
        sla_is_business_hours,
        sla_policy_id,
        sla_policy_title,
        status_calendar_minutes,
        status_business_minutes,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
