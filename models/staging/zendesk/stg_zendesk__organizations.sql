-- The latest version of each Zendesk organization (by updated_at, else created_at, then
-- file name, then record number). Organizations are customer companies: their names are
-- kept. `organization_fields` (custom fields, free content) stay in raw; tags and domain
-- names are `;`-joined like stg_zendesk__tickets.tags.
with

source as (

    select * from {{ source('zendesk', 'organizations') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as organization_id,
        {{ json_text('record_json', 'name') }} as organization_name,
        {{ json_text('record_json', 'external_id') }} as external_id,
        {{ json_text('record_json', 'group_id') }} as group_id,
        {{ json_array_join('record_json', 'tags') }} as tags,
        {{ json_array_join('record_json', 'domain_names') }} as domain_names,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by organization_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        organization_id,
        organization_name,
        external_id,
        group_id,
        tags,
        domain_names,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
