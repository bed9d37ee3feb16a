-- One row per ServiceNow change request with its post-implementation review (spec §7:
-- emergency changes skip the quality gates but must be reviewed within 72 h). The review
-- is complete when the change is closed (state 3, after the Review state 0): the first
-- sys_audit change of `state` to 3, else the record's `closed_at`. `reviews_as_of` is the
-- latest `sys_updated_on` of any exported change request: how far the export sees, so a
-- change whose review is not due yet by then is not called overdue.
with

change_requests as (

    select * from {{ ref('stg_servicenow__change_requests') }}

),

audits as (

    select * from {{ ref('stg_servicenow__audits') }}

),

find_closures as (

    select
        document_sys_id as change_request_sys_id,
        min(created_at) as closed_at
    from audits
    where table_name = 'change_request' and field_name = 'state' and new_value = '3'
    group by document_sys_id

),

export_horizon as (

    select max(coalesce(updated_at, created_at)) as reviews_as_of
    from change_requests

),

final as (

    select
        change_requests.change_request_sys_id,
        change_requests.change_number,
        change_requests.change_type,
        change_requests.state,
        change_requests.close_code,
        change_requests.work_started_at,
        change_requests.work_ended_at,
        export_horizon.reviews_as_of,
        case
            when closures.closed_at is not null then closures.closed_at
            when change_requests.state = '3' then change_requests.closed_at
        end as reviewed_at
    from change_requests
    cross join export_horizon
    left join find_closures as closures
        on change_requests.change_request_sys_id = closures.change_request_sys_id

)

select * from final
