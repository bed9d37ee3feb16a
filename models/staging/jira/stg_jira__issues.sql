-- The latest version of each Jira Service Management issue (by `fields.updated`, then file
-- name, then record number: never by load order). Times converted from Jira's `+HHMM`
-- offsets to UTC. The request type and the Organizations field are custom fields whose ids
-- differ per site: they are found by the shape of their value, not by a customfield id.
-- The reporter is personal data: only its key is exposed, never a name or an e-mail.
{#- A table, not a view: the personal_data_key SQL holds key material, and a view's text
    is visible to every database role (macros/privacy/personal_data_key.sql). -#}
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('jira', 'issues') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as issue_id,
        {{ json_text('record_json', 'key') }} as issue_key,
        coalesce(
            {{ json_text('record_json', 'fields.project.key') }},
            {{ dbt.split_part(json_text('record_json', 'key'), "'-'", 1) }}
        ) as project_key,
        {{ json_text('record_json', 'fields.issuetype.name') }} as issue_type,
        {{ json_text('record_json', 'fields.status.id') }} as status_id,
        {{ json_text('record_json', 'fields.status.name') }} as status_name,
        {{ json_text('record_json', 'fields.status.statusCategory.key') }} as status_category,
        {{ json_text('record_json', 'fields.priority.name') }} as priority,
        {{ json_text('record_json', 'fields.resolution.name') }} as resolution,
        {{ json_text('record_json', 'fields.assignee.accountId') }} as assignee_account_id,
        {{ personal_data_key(
            'coalesce(nullif('
            ~ json_text('record_json', 'fields.reporter.emailAddress') ~ ", ''), "
            ~ json_text('record_json', 'fields.reporter.accountId') ~ ')'
        ) }} as reporter_key,
        {{ json_array_member_join('record_json', 'fields.components', 'name') }} as components,
        {{ json_array_join('record_json', 'fields.labels') }} as labels,
        {{ json_first_member_text('record_json', 'fields', 'requestType.id') }} as request_type_id,
        {{ json_first_member_text('record_json', 'fields', 'requestType.name') }} as request_type,
        {{ json_first_member_text(
            'record_json',
            'fields',
            '0._links.self',
            pattern="'%/servicedeskapi/organization/%'",
            value='0.id',
        ) }} as organization_id,
        {{ iso_to_utc(json_text('record_json', 'fields.created')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'fields.updated')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'fields.resolutiondate')) }} as resolved_at,
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
    from renamed

),

final as (

    select
        issue_id,
        issue_key,
        project_key,
        issue_type,
        status_id,
        status_name,
        status_category,
        priority,
        resolution,
        assignee_account_id,
        reporter_key,
        components,
        labels,
        request_type_id,
        request_type,
        organization_id,
        created_at,
        updated_at,
        resolved_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
