-- One row per changed field (`items[]`) of each changelog history of each Jira issue
-- (key history_id + item_position). Histories never change, but every export of an issue
-- repeats them, and a search page may carry only part of a long changelog: histories are
-- taken from every exported version and de-duplicated by id, the copy in the issue's
-- latest version winning (then file name, then record number). A status transition is
-- `field_id = 'status'` with status ids in from_value/to_value and names in the strings.
-- The display texts of user fields (assignee, reporter, …: people's names) and of
-- free-text fields are personal data and stay in raw: their strings are NULL here, the
-- account ids in from_value/to_value remain.
--
-- Incremental by issue: a run reads only the issues that arrived in files loaded since the
-- last run, rebuilds their histories from every stored version of those issues and
-- replaces their rows (delete+insert on issue_id), so an incremental history equals a full
-- rebuild.
{{ config(**incremental_by_key('issue_id')) }}
{%- set user_fields = "('assignee', 'reporter', 'creator', 'request participants', 'approvers')" %}
{%- set text_fields = "('summary', 'description', 'environment', 'comment')" %}

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

{% if is_incremental() %}
arrived_issues as (

    select distinct issue_id
    from versions
    -- An empty model (first built before any file arrived) takes everything.
    where _loaded_at > (
        select coalesce(max(_loaded_at), cast('1970-01-01' as {{ dbt.type_timestamp() }})) from {{ this }}
    )

),

{% endif %}

unnested_histories as (

    select
        issue_id,
        created_at,
        updated_at,
        {{ json_array_elements('record_json', 'changelog.histories') }} as history_json,
        _file_path,
        _record_number,
        _loaded_at
    from versions
    {% if is_incremental() %}
        where issue_id in (select arrived_issues.issue_id from arrived_issues)
    {% endif %}

),

histories as (

    select
        {{ json_text('history_json', 'id') }} as history_id,
        issue_id,
        {{ iso_to_utc(json_text('history_json', 'created')) }} as changed_at,
        {{ json_text('history_json', 'author.accountId') }} as author_account_id,
        history_json,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from unnested_histories

),

ranked as (

    select
        *,
        row_number() over (
            partition by history_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from histories

),

unnested_items as (

    select
        history_id,
        issue_id,
        changed_at,
        author_account_id,
        {{ json_array_numbered_elements('history_json', 'items', 'item_json', 'item_position') }},
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

items as (

    select
        history_id,
        cast(item_position as {{ dbt.type_int() }}) as item_position,
        issue_id,
        changed_at,
        author_account_id,
        {{ json_text('item_json', 'field') }} as field,
        {{ json_text('item_json', 'fieldtype') }} as field_type,
        {{ json_text('item_json', 'fieldId') }} as field_id,
        {{ json_text('item_json', 'from') }} as from_value,
        {{ json_text('item_json', 'fromString') }} as from_string,
        {{ json_text('item_json', 'to') }} as to_value,
        {{ json_text('item_json', 'toString') }} as to_string,
        _file_path,
        _record_number,
        _loaded_at
    from unnested_items

),

flagged as (

    select
        history_id,
        item_position,
        issue_id,
        changed_at,
        author_account_id,
        field,
        field_type,
        field_id,
        from_value,
        from_string,
        to_value,
        to_string,
        _file_path,
        _record_number,
        _loaded_at,
        coalesce(
            lower(field) in {{ user_fields }}
            or lower(field) in {{ text_fields }}
            or lower(field_id) in {{ user_fields }}
            or lower(field_id) in {{ text_fields }},
            false
        ) as is_personal_text
    from items

),

redacted as (

    select
        history_id,
        item_position,
        issue_id,
        changed_at,
        author_account_id,
        field,
        field_type,
        field_id,
        from_value,
        to_value,
        _file_path,
        _record_number,
        _loaded_at,
        case when not is_personal_text then from_string end as from_string,
        case when not is_personal_text then to_string end as to_string
    from flagged

),

final as (

    select
        history_id,
        item_position,
        issue_id,
        changed_at,
        author_account_id,
        field,
        field_type,
        field_id,
        from_value,
        from_string,
        to_value,
        to_string,
        _file_path,
        _record_number,
        _loaded_at
    from redacted

)

select * from final
