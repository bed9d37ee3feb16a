-- One row per ServiceNow sys_audit record: one field of one record changed from
-- old_value to new_value. Audit rows never change, but exports repeat them (overlapping
-- pages and JSON Lines): the copy with the latest sys_created_on, then the last by file
-- name, then record number, wins.
--
-- Incremental by key: a run reads only the raw rows of audits that arrived in files
-- loaded since the last run, ranks every stored copy of those audits again and replaces
-- them, so an incremental history equals a full rebuild.
{{ config(**incremental_by_key('audit_sys_id')) }}

with

source as (

    select * from {{ source('servicenow', 'sys_audit') }}

),

{% if is_incremental() %}
arrived_keys as (

    {{ keys_loaded_since_last_build(json_text('record_json', 'sys_id'), 'audit_sys_id') }}

),

{% endif %}
renamed as (

    select
        {{ json_text('record_json', 'sys_id') }} as audit_sys_id,
        {{ servicenow_text('record_json', 'tablename') }} as table_name,
        {{ servicenow_text('record_json', 'fieldname') }} as field_name,
        {{ servicenow_reference('record_json', 'documentkey') }} as document_sys_id,
        {{ servicenow_text('record_json', 'oldvalue') }} as old_value,
        {{ servicenow_text('record_json', 'newvalue') }} as new_value,
        {{ servicenow_text('record_json', 'user') }} as user_name,
        cast({{ servicenow_text('record_json', 'record_checkpoint') }} as {{ dbt.type_int() }})
            as record_checkpoint,
        {{ utc_text_to_timestamp(json_text('record_json', 'sys_created_on')) }} as created_at,
        _file_path,
        _record_number,
        _loaded_at
    from source
    {% if is_incremental() %}
        where {{ json_text('record_json', 'sys_id') }} in (select audit_sys_id from arrived_keys)
    {% endif %}

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.audit_sys_id
            order by renamed.created_at desc, renamed._file_path desc, renamed._record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        audit_sys_id,
        table_name,
        field_name,
        document_sys_id,
        old_value,
        new_value,
        user_name,
        record_checkpoint,
        created_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
