-- One row per Zendesk ticket audit: who changed a ticket, through which channel, when.
-- Its events[] (the field changes and comments) are one row each in
-- stg_zendesk__ticket_audit_events. Audits never change, but exports repeat them: the
-- last copy by file name, then record number, wins. `metadata` (client, IP address,
-- location) is not staged.
--
-- Incremental by key: a run reads only the raw rows of audits that arrived in files
-- loaded since the last run, ranks every stored copy of those audits again and replaces
-- them, so an incremental history equals a full rebuild.
{{ config(**incremental_by_key('audit_id')) }}

with

source as (

    select * from {{ source('zendesk', 'ticket_audits') }}

),

{% if is_incremental() %}
arrived_keys as (

    {{ keys_loaded_since_last_build(json_text('record_json', 'id'), 'audit_id') }}

),

{% endif %}
renamed as (

    select
        {{ json_text('record_json', 'id') }} as audit_id,
        {{ json_text('record_json', 'ticket_id') }} as ticket_id,
        {{ json_text('record_json', 'author_id') }} as author_id,
        {{ json_text('record_json', 'via.channel') }} as channel,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        _file_path,
        _record_number,
        _loaded_at
    from source
    {% if is_incremental() %}
        where {{ json_text('record_json', 'id') }} in (select audit_id from arrived_keys)
    {% endif %}

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.audit_id
            order by renamed._file_path desc, renamed._record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        audit_id,
        ticket_id,
        author_id,
        channel,
        created_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
