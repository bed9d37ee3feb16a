-- The commit time of each deployed SHA (spec §7 lead time: finished − commit time of the
-- deployed SHA), from whichever tool knows it: the GitLab deploy job's commit
-- (`deployable.commit.created_at`) and GitLab merge requests, whose merge (or squash)
-- commit is created when the request is merged. A SHA is one commit whatever tool deploys
-- it, so a Jenkins or GitHub deployment of a SHA GitLab knows gets its time too; the
-- earliest known time wins. SHAs no tool dates are absent (lead time NULL).
with

deployments as (

    select * from {{ ref('int_deployments_unified') }}

),

merge_requests as (

    select * from {{ ref('stg_gitlab__merge_requests') }}

),

union_commit_times as (

    select
        sha,
        commit_created_at as committed_at
    from deployments
    where sha is not null and commit_created_at is not null

    union all

    select
        merge_commit_sha as sha,
        merged_at as committed_at
    from merge_requests
    where merge_commit_sha is not null and merged_at is not null

    union all

    select
        squash_commit_sha as sha,
        merged_at as committed_at
    from merge_requests
    where squash_commit_sha is not null and merged_at is not null

),

final as (

    select
        sha,
        min(committed_at) as committed_at
    from union_commit_times
    group by sha

)

select * from final
