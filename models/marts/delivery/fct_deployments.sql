-- One row per deployment attempt of GitLab, Jenkins or GitHub (spec §7), every environment
-- (`is_production` false for the others), with its rollback flags, linked ServiceNow
-- change request and lead time.
with

deployments as (

    select * from {{ ref('int_deployments_unified') }}

),

commits as (

    select * from {{ ref('int_deployment_commits') }}

),

change_reviews as (

    select * from {{ ref('int_change_request_reviews') }}

),

key_environments as (

    -- Where a SHA replaces another: the service's environment (case-insensitive) and, for
    -- GitLab, the project: a service built from two GitLab projects deploys two codebases
    -- whose SHAs never replace each other. Jenkins and GitHub deployments of a service
    -- share one codebase (a job or repository per service, e.g. across a migration).
    select
        *,
        lower(environment) as environment_key,
        case when source = 'gitlab' then 'gitlab:' || coalesce(source_service_key, '') else '' end
            as codebase_key
    from deployments

),

successes as (

    select
        deployment_id,
        service_id,
        environment_key,
        codebase_key,
        sha,
        finished_at
    from key_environments
    where is_success and finished_at is not null

),

rank_live_shas as (

    -- The SHA live in the service and environment when an attempt started: that of the
    -- latest successful deployment finished by then.
    select
        attempts.deployment_id,
        earlier.sha as live_sha,
        row_number() over (
            partition by attempts.deployment_id
            order by earlier.finished_at desc, earlier.deployment_id desc
        ) as recency_rank
    from key_environments as attempts
    inner join successes as earlier
        on
            attempts.service_id = earlier.service_id
            and attempts.environment_key = earlier.environment_key
            and attempts.codebase_key = earlier.codebase_key
            and attempts.deployment_id != earlier.deployment_id
            and attempts.started_at >= earlier.finished_at

),

find_earlier_successes as (

    -- Was this SHA already deployed successfully here before the attempt started?
    select
        attempts.deployment_id,
        count(earlier.deployment_id) > 0 as was_deployed_before
    from key_environments as attempts
    left join successes as earlier
        on
            attempts.service_id = earlier.service_id
            and attempts.environment_key = earlier.environment_key
            and attempts.codebase_key = earlier.codebase_key
            and attempts.sha = earlier.sha
            and attempts.deployment_id != earlier.deployment_id
            and attempts.started_at >= earlier.finished_at
    group by attempts.deployment_id

),

flag_rollbacks as (

    -- A rollback deploys a SHA that already ran here and is not the live one (a retry of
    -- a failed attempt redeploys a SHA that never succeeded: not a rollback), or carries
    -- ROLLBACK=true.
    select
        attempts.*,
        live.live_sha as previous_sha,
        coalesce(
            attempts.has_rollback_flag
            or (earlier.was_deployed_before and live.live_sha != attempts.sha),
            false
        ) as is_rollback
    from key_environments as attempts
    inner join find_earlier_successes as earlier
        on attempts.deployment_id = earlier.deployment_id
    left join rank_live_shas as live
        on attempts.deployment_id = live.deployment_id and live.recency_rank = 1

),

flag_rolled_back as (

    -- Rolled back: a later successful rollback here returned to the SHA that was live
    -- before this (successful) deployment.
    select
        deployed.deployment_id,
        count(rollbacks.deployment_id) > 0 as is_rolled_back
    from flag_rollbacks as deployed
    left join flag_rollbacks as rollbacks
        on
            deployed.service_id = rollbacks.service_id
            and deployed.environment_key = rollbacks.environment_key
            and deployed.codebase_key = rollbacks.codebase_key
            and deployed.deployment_id != rollbacks.deployment_id
            and deployed.is_success
            and deployed.previous_sha != deployed.sha
            and rollbacks.is_rollback
            and rollbacks.is_success
            and deployed.previous_sha = rollbacks.sha
            and deployed.finished_at <= rollbacks.started_at
    group by deployed.deployment_id

),

add_changes_and_commits as (

    select
        deployments.*,
        rolled_back.is_rolled_back,
        commits.committed_at,
        change_reviews.change_type,
        change_reviews.reviewed_at,
        change_reviews.reviews_as_of,
        -- An emergency change is reviewed within 72 h of its implementation (work_end,
        -- else the deployment's finish).
        {{ dbt.dateadd(
            'hour',
            72,
            'coalesce(change_reviews.work_ended_at, deployments.finished_at)',
        ) }} as review_due_at
    from flag_rollbacks as deployments
    inner join flag_rolled_back as rolled_back
        on deployments.deployment_id = rolled_back.deployment_id
    left join commits
        on deployments.sha = commits.sha
    left join change_reviews
        on deployments.change_request_number = change_reviews.change_number

),

final as (

    select
        deployment_id,
        source,
        service_id,
        environment,
        sha,
        started_at,
        finished_at,
        is_production,
        is_success,
        is_rollback,
        is_rolled_back,
        change_request_number,
        case
            when is_success and not is_rollback then {{ seconds_between('committed_at', 'finished_at') }}
        end as lead_time_seconds,
        status,
        duration_seconds,
        committed_at,
        change_type,
        case
            when change_type is null or change_type != 'emergency' or review_due_at is null then false
            when reviewed_at is not null then reviewed_at > review_due_at
            else coalesce(reviews_as_of > review_due_at, false)
        end as is_retro_validation_overdue
    from add_changes_and_commits

)

select * from final
