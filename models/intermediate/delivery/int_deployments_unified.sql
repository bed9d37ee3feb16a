-- Deployment attempts of every delivery tool in one shape (spec §7): GitLab deployments,
-- Jenkins builds of the catalog's deploy jobs, GitHub deployments with their outcome
-- (the latest status that is not `inactive`). Production comes from seed
-- `environment_map` (the tool's own row before `*`; GitLab's environment tier when the
-- name is not listed; otherwise non-production).
with

gitlab_deployments as (

    select * from {{ ref('stg_gitlab__deployments') }}

),

gitlab_environments as (

    select * from {{ ref('stg_gitlab__environments') }}

),

jenkins_builds as (

    select * from {{ ref('stg_jenkins__builds') }}

),

jenkins_parameters as (

    select * from {{ ref('stg_jenkins__build_parameters') }}

),

github_deployments as (

    select * from {{ ref('stg_github__deployments') }}

),

github_statuses as (

    select * from {{ ref('stg_github__deployment_statuses') }}

),

service_keys as (

    select * from {{ ref('int_service_keys_unnested') }}

),

services as (

    select * from {{ ref('stg_catalog__services') }}

),

environment_map as (

    select * from {{ ref('environment_map') }}

),

map_gitlab as (

    select
        'gitlab:' || deployments.deployment_id as deployment_id,
        'gitlab' as source,
        deployments.deployment_id as source_deployment_id,
        deployments.project_id as source_service_key,
        deployments.environment_name as environment,
        environments.tier as environment_tier,
        case deployments.status
            when 'success' then 'success'
            when 'failed' then 'failed'
            when 'canceled' then 'canceled'
            else 'running'
        end as status,
        deployments.sha,
        coalesce(deployments.started_at, deployments.created_at) as started_at,
        deployments.finished_at,
        cast(null as {{ dbt.type_string() }}) as change_request_number,
        false as has_rollback_flag,
        deployments.commit_created_at,
        cast(null as {{ dbt.type_string() }}) as service_parameter
    from gitlab_deployments as deployments
    left join gitlab_environments as environments
        on deployments.environment_id = environments.environment_id

),

pivot_jenkins_parameters as (

    select
        build_id,
        max(case when upper(parameter_name) = 'DEPLOY_ENV' then parameter_value end) as deploy_env,
        max(case when upper(parameter_name) = 'SERVICE' then parameter_value end) as service_parameter,
        max(case when upper(parameter_name) = 'CHANGE_REQUEST' then parameter_value end) as change_request,
        max(case when upper(parameter_name) = 'GIT_SHA' then parameter_value end) as git_sha,
        max(case when upper(parameter_name) = 'ROLLBACK' then lower(parameter_value) end) as rollback_parameter
    from jenkins_parameters
    group by build_id

),

map_jenkins as (

    select
        'jenkins:' || builds.build_id as deployment_id,
        'jenkins' as source,
        builds.build_id as source_deployment_id,
        builds.job_name as source_service_key,
        build_parameters.deploy_env as environment,
        cast(null as {{ dbt.type_string() }}) as environment_tier,
        case
            when builds.is_building then 'running'
            when builds.result = 'SUCCESS' then 'success'
            when builds.result in ('FAILURE', 'UNSTABLE') then 'failed'
            else 'canceled'
        end as status,
        coalesce(builds.git_sha, build_parameters.git_sha) as sha,
        builds.started_at,
        builds.finished_at,
        coalesce(
            nullif(trim(build_parameters.change_request), ''),
            {{ regex_substring('builds.description', 'CHG[0-9]+') }}
        ) as change_request_number,
        coalesce(build_parameters.rollback_parameter = 'true', false) as has_rollback_flag,
        cast(null as {{ dbt.type_timestamp() }}) as commit_created_at,
        build_parameters.service_parameter
    from jenkins_builds as builds
    left join pivot_jenkins_parameters as build_parameters
        on builds.build_id = build_parameters.build_id

),

rank_github_statuses as (

    select
        deployment_id,
        state,
        created_at,
        row_number() over (
            partition by deployment_id
            order by created_at desc, deployment_status_id desc
        ) as recency_rank
    from github_statuses
    -- GitHub marks an earlier successful deployment `inactive` when a newer one succeeds.
    where state != 'inactive'

),

map_github as (

    select
        'github:' || deployments.deployment_id as deployment_id,
        'github' as source,
        deployments.deployment_id as source_deployment_id,
        deployments.repository as source_service_key,
        deployments.environment,
        cast(null as {{ dbt.type_string() }}) as environment_tier,
        case
            when latest.state = 'success' then 'success'
            when latest.state in ('failure', 'error') then 'failed'
            else 'running'
        end as status,
        deployments.sha,
        deployments.created_at as started_at,
        case when latest.state in ('success', 'failure', 'error') then latest.created_at end as finished_at,
        {{ regex_substring(
            "coalesce(deployments.payload, '') || ' ' || coalesce(deployments.description, '')",
            'CHG[0-9]+',
        ) }} as change_request_number,
        false as has_rollback_flag,
        cast(null as {{ dbt.type_timestamp() }}) as commit_created_at,
        cast(null as {{ dbt.type_string() }}) as service_parameter
    from github_deployments as deployments
    left join rank_github_statuses as latest
        on deployments.deployment_id = latest.deployment_id and latest.recency_rank = 1

),

union_sources as (

    select * from map_gitlab
    union all
    select * from map_jenkins
    union all
    select * from map_github

),

classify_environments as (

    select
        deployments.deployment_id,
        environments.environment_class,
        row_number() over (
            partition by deployments.deployment_id
            order by case when environments.source = '*' then 1 else 0 end
        ) as specificity_rank
    from union_sources as deployments
    inner join environment_map as environments
        on
            lower(deployments.environment) = environments.environment_name
            and environments.source in (deployments.source, '*')

),

map_services as (

    select
        deployments.*,
        coalesce(
            service_keys.service_id,
            by_parameter.service_id,
            'unmapped:' || deployments.source || ':' || coalesce(deployments.source_service_key, 'none')
        ) as service_id,
        coalesce(
            environments.environment_class = 'production',
            deployments.environment_tier = 'production',
            false
        ) as is_production
    from union_sources as deployments
    left join service_keys
        on
            deployments.source = service_keys.source
            and deployments.source_service_key = service_keys.source_key
    -- A Jenkins job the catalog does not list may still name its service in SERVICE.
    left join services as by_parameter
        on deployments.service_parameter = by_parameter.service_id
    left join classify_environments as environments
        on
            deployments.deployment_id = environments.deployment_id
            and environments.specificity_rank = 1

),

final as (

    select
        deployment_id,
        source,
        source_deployment_id,
        service_id,
        source_service_key,
        environment,
        is_production,
        status,
        status = 'success' as is_success,
        status in ('success', 'failed') as is_finished,
        sha,
        started_at,
        finished_at,
        {{ seconds_between('started_at', 'finished_at') }} as duration_seconds,
        change_request_number,
        has_rollback_flag,
        commit_created_at
    from map_services

)

select * from final
