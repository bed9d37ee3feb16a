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

    {%- set key_lists = {
        'pagerduty': 'pagerduty_service_ids',
        'opsgenie': 'opsgenie_teams',
        'statuspage': 'statuspage_component_ids',
        'servicenow': 'servicenow_cmdb_ci_ids',
        'gitlab': 'gitlab_project_ids',
        'jenkins': 'jenkins_jobs',
        'github': 'github_repos',
        'zendesk_tag': 'ticket_tags',
        'jira_component': 'jira_components',
    } %}
    {%- for source_name, list_column in key_lists.items() %}

        select
            service_id,
            '{{ source_name }}' as source,
            {{ list_column }} as key_list
        from services
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

split_lists as (

    select
        list_by_source.service_id,
        list_by_source.source,
        trim({{ list_item('list_by_source.key_list', "';'", 'positions.position') }}) as source_key
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
