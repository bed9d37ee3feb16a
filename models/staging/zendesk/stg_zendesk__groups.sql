-- The latest version of each Zendesk agent group (by updated_at, else created_at, then
-- file name, then record number). A deleted group stays, flagged `is_deleted`: old
-- tickets and support costs still point at it. An omitted `default`/`deleted` flag is
-- false; an omitted `is_public` stays NULL (unknown). `_content_loaded_at`: when the
-- winning copy's record was first loaded (a snapshot repeating it unchanged keeps it).
with

source as (

    select * from {{ source('zendesk', 'groups') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as group_id,
        {{ json_text('record_json', 'name') }} as group_name,
        coalesce(lower({{ json_text('record_json', 'default') }}) = 'true', false) as is_default,
        coalesce(lower({{ json_text('record_json', 'deleted') }}) = 'true', false) as is_deleted,
        lower({{ json_text('record_json', 'is_public') }}) = 'true' as is_public,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
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
            partition by group_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

find_content_loads as (

    {{ with_content_loaded_at('ranked', 'group_id', 'record_json') }}

),

final as (

    select
        group_id,
        group_name,
        is_default,
        is_deleted,
        is_public,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at,
        _content_loaded_at
    from find_content_loads
    where version_rank = 1

)

select * from final
