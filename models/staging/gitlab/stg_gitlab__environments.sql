-- The latest version of each GitLab environment (by updated_at, then file name, then record
-- number): the `tier` (production, staging, …) and `state` that a deployment's embedded
-- environment lacks. The project comes from the record (`project_id` or `project.id`),
-- else from the file name (`project-<id>_*.json`).
with

source as (

    select * from {{ source('gitlab', 'environments') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as environment_id,
        coalesce(
            {{ json_text('record_json', 'project_id') }},
            {{ json_text('record_json', 'project.id') }},
            {{ json_text('_file_context', 'project_id') }}
        ) as project_id,
        {{ json_text('record_json', 'name') }} as environment_name,
        {{ json_text('record_json', 'slug') }} as environment_slug,
        {{ json_text('record_json', 'tier') }} as tier,
        {{ json_text('record_json', 'state') }} as state,
        {{ json_text('record_json', 'external_url') }} as external_url,
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
            partition by environment_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        environment_id,
        project_id,
        environment_name,
        environment_slug,
        tier,
        state,
        external_url,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
