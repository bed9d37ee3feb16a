-- One row per tool id named in the service catalog: (source, source_key) -> service_id.
-- Every source joins its own ids to catalog services through this one model.
with

services as (

    select * from {{ ref('stg_catalog__services') }}

),

positions as (

    {{ integer_spine(50) }}

),

list_by_source as (

    select service_id, 'pagerduty' as source, pagerduty_service_ids as key_list from services
    union all
    select service_id, 'opsgenie' as source, opsgenie_teams as key_list from services
    union all
    select service_id, 'statuspage' as source, statuspage_component_ids as key_list from services
    union all
    select service_id, 'servicenow' as source, servicenow_cmdb_ci_ids as key_list from services
    union all
    select service_id, 'gitlab' as source, gitlab_project_ids as key_list from services
    union all
    select service_id, 'jenkins' as source, jenkins_jobs as key_list from services
    union all
    select service_id, 'github' as source, github_repos as key_list from services
    union all
    select service_id, 'zendesk_tag' as source, ticket_tags as key_list from services
    union all
    select service_id, 'jira_component' as source, jira_components as key_list from services

),

split_lists as (

    select
        list_by_source.service_id,
        list_by_source.source,
        trim({{ dbt.split_part('list_by_source.key_list', "';'", 'positions.position') }}) as source_key
    from list_by_source
    cross join positions
    where list_by_source.key_list is not null

),

resolve_conflicts as (

    -- A tool id claimed by two services is a catalog error: the lowest service_id keeps
    -- it (deterministic) and `claiming_services` > 1 makes a data test warn.
    select
        source,
        source_key,
        min(service_id) as service_id,
        count(distinct service_id) as claiming_services
    from split_lists
    where source_key is not null and source_key <> ''
    group by source, source_key

),

final as (

    select
        source,
        source_key,
        service_id,
        claiming_services
    from resolve_conflicts

)

select * from final
