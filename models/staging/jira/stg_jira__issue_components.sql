-- One row per component (`fields.components[]`) of the latest version of each Jira issue
-- (ranked exactly as stg_jira__issues), so a component removed since an older export is
-- gone. The catalog's `jira_components` map a component to its service.
with

source as (

    select * from {{ source('jira', 'issues') }}

),

versions as (

    select
        {{ json_text('record_json', 'id') }} as issue_id,
        {{ iso_to_utc(json_text('record_json', 'fields.created')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'fields.updated')) }} as updated_at,
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
            partition by issue_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

unnested as (

    select
        issue_id,
        {{ json_array_elements('record_json', 'fields.components') }} as component_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

final as (

    select
        issue_id,
        {{ json_text('component_json', 'id') }} as component_id,
        {{ json_text('component_json', 'name') }} as component_name,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

)

select * from final
