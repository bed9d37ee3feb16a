-- One row per PagerDuty log entry. Log entries never change, but exports repeat them
-- (pages and JSON Lines overlap): the last copy by file name, then record number, wins.
--
-- Incremental by key: a run reads only the raw rows of log entries that arrived in files
-- loaded since the last run, ranks every stored copy of those entries again and replaces
-- them, so an incremental history equals a full rebuild.
{{ config(**incremental_by_key('log_entry_id')) }}

with

source as (

    select * from {{ source('pagerduty', 'log_entries') }}

),

{% if is_incremental() %}
arrived_keys as (

    {{ keys_loaded_since_last_build(json_text('record_json', 'id'), 'log_entry_id') }}

),

{% endif %}
renamed as (

    select
        {{ json_text('record_json', 'id') }} as log_entry_id,
        {{ json_text('record_json', 'type') }} as log_entry_type,
        {{ json_text('record_json', 'incident.id') }} as incident_id,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ json_text('record_json', 'agent.type') }} as agent_type,
        {{ json_text('record_json', 'agent.id') }} as agent_id,
        {{ json_text('record_json', 'channel.type') }} as channel_type,
        {{ json_text('record_json', 'summary') }} as summary,
        _file_path,
        _record_number,
        _loaded_at
    from source
    {% if is_incremental() %}
        where {{ json_text('record_json', 'id') }} in (select log_entry_id from arrived_keys)
    {% endif %}

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.log_entry_id
            order by renamed._file_path desc, renamed._record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        log_entry_id,
        log_entry_type,
        incident_id,
        created_at,
        agent_type,
        agent_id,
        channel_type,
        summary,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
