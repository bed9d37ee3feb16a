-- Support tickets of Zendesk and Jira Service Management in one shape (spec §2): status
-- on Zendesk's scale (new, open, pending, hold, solved, closed; JSM statuses through seed
-- `ticket_status_map`, else by status category), priority on Zendesk's scale, the catalog
-- service (Zendesk tags in the catalog's `ticket_tags`, JSM components in
-- `jira_components`; the lowest service id when several match; NULL when none) and the
-- organization that leads to the customer's contract.
with

zendesk_tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}

),

zendesk_tags as (

    select * from {{ ref('stg_zendesk__ticket_tags') }}

),

jira_issues as (

    select * from {{ ref('stg_jira__issues') }}

),

jira_components as (

    select * from {{ ref('stg_jira__issue_components') }}

),

service_keys as (

    select * from {{ ref('int_service_keys_unnested') }}

),

status_map as (

    select * from {{ ref('ticket_status_map') }}

),

map_zendesk_services as (

    select
        zendesk_tags.ticket_id,
        min(service_keys.service_id) as service_id
    from zendesk_tags
    inner join service_keys
        on service_keys.source = 'zendesk_tag' and zendesk_tags.tag = service_keys.source_key
    group by zendesk_tags.ticket_id

),

map_jira_services as (

    select
        jira_components.issue_id,
        min(service_keys.service_id) as service_id
    from jira_components
    inner join service_keys
        on
            service_keys.source = 'jira_component'
            and jira_components.component_name = service_keys.source_key
    group by jira_components.issue_id

),

map_zendesk as (

    select
        'zendesk:' || tickets.ticket_id as ticket_id,
        'zendesk' as source,
        tickets.ticket_id as source_ticket_id,
        tickets.status,
        tickets.priority,
        tickets.ticket_type,
        tickets.channel,
        tickets.group_id,
        tickets.organization_id,
        tickets.requester_id,
        tickets.submitter_id,
        tickets.assignee_id,
        services.service_id,
        tickets.tags,
        tickets.created_at,
        tickets.updated_at
    from zendesk_tickets as tickets
    left join map_zendesk_services as services
        on tickets.ticket_id = services.ticket_id

),

map_jira as (

    select
        'jira:' || issues.issue_key as ticket_id,
        'jira' as source,
        issues.issue_key as source_ticket_id,
        coalesce(
            status_map.status,
            case issues.status_category
                when 'new' then 'new'
                when 'done' then 'solved'
                else 'open'
            end
        ) as status,
        case lower(issues.priority)
            when 'highest' then 'urgent'
            when 'high' then 'high'
            when 'medium' then 'normal'
            when 'low' then 'low'
            when 'lowest' then 'low'
        end as priority,
        issues.issue_type as ticket_type,
        'jira' as channel,
        cast(null as {{ dbt.type_string() }}) as group_id,
        issues.organization_id,
        cast(null as {{ dbt.type_string() }}) as requester_id,
        cast(null as {{ dbt.type_string() }}) as submitter_id,
        issues.assignee_account_id as assignee_id,
        services.service_id,
        issues.labels as tags,
        issues.created_at,
        issues.updated_at
    from jira_issues as issues
    left join map_jira_services as services
        on issues.issue_id = services.issue_id
    left join status_map
        on status_map.source = 'jira' and lower(issues.status_name) = status_map.source_status

),

final as (

    select * from map_zendesk
    union all
    select * from map_jira

)

select * from final
