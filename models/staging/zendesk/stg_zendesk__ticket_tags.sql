-- One row per tag of the latest version of each Zendesk ticket (ranked exactly as
-- stg_zendesk__tickets), so a tag removed since an older export is gone. The catalog's
-- `ticket_tags` route a ticket to its service through these rows (landing.md). A tag
-- repeated within one ticket's array appears once.
with

source as (

    select * from {{ source('zendesk', 'tickets') }}

),

versions as (

    select
        {{ json_text('record_json', 'id') }} as ticket_id,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ epoch_to_utc(json_text('record_json', 'generated_timestamp'), 's') }} as generated_at,
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
            partition by ticket_id
            order by
                coalesce(generated_at, updated_at, created_at) desc,
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

unnested as (

    select
        ticket_id,
        {{ json_array_elements('record_json', 'tags') }} as tag_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

tags_read as (

    select
        ticket_id,
        {{ json_scalar_text('tag_json') }} as tag,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

),

final as (

    select distinct
        ticket_id,
        tag,
        _file_path,
        _record_number,
        _loaded_at
    from tags_read
    where tag <> ''

)

select * from final
