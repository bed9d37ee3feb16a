-- One row per excluded incident (source + incident_id): the latest row of that key by
-- file name, then row number (a CSV export has no update stamp). Exclusions accumulate
-- across files; a later row for the same incident replaces the earlier one (a changed
-- reason or approval). `approved_at` is ISO-8601 with an offset, converted to UTC.
{#- A table, not a view: the personal_data_key SQL holds key material, and a view's text
    is visible to every database role (macros/privacy/personal_data_key.sql). -#}
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('sla', 'exclusions') }}

),

renamed as (

    select
        lower(trim({{ json_text('record_json', 'source') }})) as source,
        trim({{ json_text('record_json', 'incident_id') }}) as incident_id,
        nullif(lower(trim({{ json_text('record_json', 'reason') }})), '') as reason,
        {{ personal_data_key("nullif(trim(" ~ json_text('record_json', 'approved_by') ~ "), '')") }} as approved_by_key,
        {{ iso_to_utc("nullif(trim(" ~ json_text('record_json', 'approved_at') ~ "), '')") }} as approved_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by source, incident_id
            order by _file_path desc, _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        source,
        incident_id,
        reason,
        approved_by_key,
        approved_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
