-- The latest version of each GitHub deployment (by updated_at, then file name, then record
-- number). The repository (`owner/name`) is cut out of `repository_url`
-- (`https://api.github.com/repos/<owner>/<name>`), else out of the deployment's own `url`
-- (`…/repos/<owner>/<name>/deployments/<id>`). The outcome lives in the statuses.
with

source as (

    select * from {{ source('github', 'deployments') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as deployment_id,
        coalesce(
            nullif({{ dbt.split_part(json_text('record_json', 'repository_url'), "'/repos/'", 2) }}, ''),
            nullif(
                {{ dbt.split_part(
                    dbt.split_part(json_text('record_json', 'url'), "'/repos/'", 2),
                    "'/deployments/'",
                    1
                ) }},
                ''
            )
        ) as repository,
        {{ json_text('record_json', 'sha') }} as sha,
        {{ json_text('record_json', 'ref') }} as ref,  -- noqa: RF04
        {{ json_text('record_json', 'task') }} as task,  -- noqa: RF04
        {{ json_text('record_json', 'environment') }} as environment,
        {{ json_text('record_json', 'original_environment') }} as original_environment,
        lower({{ json_text('record_json', 'production_environment') }}) = 'true' as is_production_environment,
        lower({{ json_text('record_json', 'transient_environment') }}) = 'true' as is_transient_environment,
        {{ json_text('record_json', 'description') }} as description,
        {{ json_text('record_json', 'payload') }} as payload,
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
            partition by deployment_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        deployment_id,
        repository,
        sha,
        ref,
        task,
        environment,
        original_environment,
        is_production_environment,
        is_transient_environment,
        description,
        payload,
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
