-- The service catalog as it is now: the rows of the latest catalog file (by file name),
-- the last row of a service_id within it winning. Lists stay `;`-separated text here;
-- `int_service_keys_unnested` turns them into one row per tool id.
with

source as (

    select * from {{ source('catalog', 'services') }}

),

renamed as (

    select
        {{ json_text('record_json', 'service_id') }} as service_id,
        {{ json_text('record_json', 'service_name') }} as service_name,
        lower({{ json_text('record_json', 'criticality') }}) as criticality,
        {{ json_text('record_json', 'owner_team') }} as owner_team,
        lower({{ json_text('record_json', 'is_production') }}) = 'true' as is_production,
        {{ json_text('record_json', 'pagerduty_service_ids') }} as pagerduty_service_ids,
        {{ json_text('record_json', 'opsgenie_teams') }} as opsgenie_teams,
        {{ json_text('record_json', 'statuspage_component_ids') }} as statuspage_component_ids,
        {{ json_text('record_json', 'servicenow_cmdb_ci_ids') }} as servicenow_cmdb_ci_ids,
        {{ json_text('record_json', 'gitlab_project_ids') }} as gitlab_project_ids,
        {{ json_text('record_json', 'jenkins_jobs') }} as jenkins_jobs,
        {{ json_text('record_json', 'github_repos') }} as github_repos,
        {{ json_text('record_json', 'ticket_tags') }} as ticket_tags,
        {{ json_text('record_json', 'jira_components') }} as jira_components,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        _file_path = max(_file_path) over () as is_latest_file,
        row_number() over (
            partition by service_id
            order by _file_path desc, _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        service_id,
        service_name,
        criticality,
        owner_team,
        is_production,
        pagerduty_service_ids,
        opsgenie_teams,
        statuspage_component_ids,
        servicenow_cmdb_ci_ids,
        gitlab_project_ids,
        jenkins_jobs,
        github_repos,
        ticket_tags,
        jira_components,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where is_latest_file and version_rank = 1

)

select * from final
