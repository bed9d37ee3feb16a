-- The latest version of each GitLab deployment (by updated_at, then file name, then record
-- number). The API entity has no top-level finished_at: the deploy job's
-- `deployable.finished_at` is used, else `updated_at` once the status is success (the
-- status only turns success when the job ends), else NULL. The project comes from the
-- job's pipeline, else from the file name (`project-<id>_*.json`). The user's display
-- name is personal data and stays in raw.
with

source as (

    select * from {{ source('gitlab', 'deployments') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as deployment_id,
        cast({{ json_text('record_json', 'iid') }} as {{ dbt.type_bigint() }}) as deployment_iid,
        coalesce(
            {{ json_text('record_json', 'deployable.pipeline.project_id') }},
            {{ json_text('_file_context', 'project_id') }}
        ) as project_id,
        {{ json_text('record_json', 'ref') }} as ref,  -- noqa: RF04
        {{ json_text('record_json', 'sha') }} as sha,
        {{ json_text('record_json', 'status') }} as status,
        {{ json_text('record_json', 'environment.id') }} as environment_id,
        {{ json_text('record_json', 'environment.name') }} as environment_name,
        {{ json_text('record_json', 'environment.external_url') }} as environment_url,
        {{ json_text('record_json', 'user.username') }} as user_username,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'deployable.started_at')) }} as started_at,
        coalesce(
            {{ iso_to_utc(json_text('record_json', 'deployable.finished_at')) }},
            case
                when {{ json_text('record_json', 'status') }} = 'success'
                    then {{ iso_to_utc(json_text('record_json', 'updated_at')) }}
            end
        ) as finished_at,
        {{ json_text('record_json', 'deployable.id') }} as job_id,
        {{ json_text('record_json', 'deployable.name') }} as job_name,
        {{ json_text('record_json', 'deployable.status') }} as job_status,
        {{ json_text('record_json', 'deployable.pipeline.id') }} as pipeline_id,
        {{ iso_to_utc(json_text('record_json', 'deployable.commit.created_at')) }} as commit_created_at,
        {{ iso_to_utc(json_text('record_json', 'deployable.commit.authored_date')) }} as commit_authored_at,
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
        deployment_iid,
        project_id,
        ref,
        sha,
        status,
        environment_id,
        environment_name,
        environment_url,
        user_username,
        created_at,
        updated_at,
        started_at,
        finished_at,
        job_id,
        job_name,
        job_status,
        pipeline_id,
        commit_created_at,
        commit_authored_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
