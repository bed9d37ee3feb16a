-- The latest version of each GitHub deployment status (by updated_at, then file name, then
-- record number). The deployment id and repository are cut out of `deployment_url`
-- (`https://api.github.com/repos/<owner>/<name>/deployments/<id>`). A deployment's
-- outcome is its latest status that is not `inactive` (decided downstream).
with

source as (

    select * from {{ source('github', 'deployment_statuses') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as deployment_status_id,
        {{ dbt.split_part(json_text('record_json', 'deployment_url'), "'/deployments/'", 2) }} as deployment_id,
        {{ dbt.split_part(
            dbt.split_part(json_text('record_json', 'deployment_url'), "'/repos/'", 2),
            "'/deployments/'",
            1
        ) }} as repository,
        {{ json_text('record_json', 'state') }} as state,
        {{ json_text('record_json', 'environment') }} as environment,
        {{ json_text('record_json', 'description') }} as description,
        {{ json_text('record_json', 'log_url') }} as log_url,
        {{ json_text('record_json', 'target_url') }} as target_url,
        {{ json_text('record_json', 'environment_url') }} as environment_url,
        {{ json_text('record_json', 'creator.login') }} as creator_login,
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
            partition by deployment_status_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        deployment_status_id,
        deployment_id,
        repository,
        state,
        environment,
        description,
        log_url,
        target_url,
        environment_url,
        creator_login,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
