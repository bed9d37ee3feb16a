-- The latest version of each GitLab merge request (by updated_at, then file name, then
-- record number). `merge_commit_sha` (or `squash_commit_sha`) is the commit a later
-- deployment contains; the project comes from the record, else from the file name.
with

source as (

    select * from {{ source('gitlab', 'merge_requests') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as merge_request_id,
        cast({{ json_text('record_json', 'iid') }} as {{ dbt.type_bigint() }}) as merge_request_iid,
        coalesce(
            {{ json_text('record_json', 'project_id') }},
            {{ json_text('_file_context', 'project_id') }}
        ) as project_id,
        {{ json_text('record_json', 'state') }} as state,
        {{ json_text('record_json', 'title') }} as title,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'merged_at')) }} as merged_at,
        {{ iso_to_utc(json_text('record_json', 'closed_at')) }} as closed_at,
        {{ json_text('record_json', 'source_branch') }} as source_branch,
        {{ json_text('record_json', 'target_branch') }} as target_branch,
        {{ json_text('record_json', 'sha') }} as sha,
        {{ json_text('record_json', 'merge_commit_sha') }} as merge_commit_sha,
        {{ json_text('record_json', 'squash_commit_sha') }} as squash_commit_sha,
        {{ json_text('record_json', 'author.username') }} as author_username,
        coalesce(
            {{ json_text('record_json', 'merge_user.username') }},
            {{ json_text('record_json', 'merged_by.username') }}
        ) as merged_by_username,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by merge_request_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        merge_request_id,
        merge_request_iid,
        project_id,
        state,
        title,
        created_at,
        updated_at,
        merged_at,
        closed_at,
        source_branch,
        target_branch,
        sha,
        merge_commit_sha,
        squash_commit_sha,
        author_username,
        merged_by_username,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
