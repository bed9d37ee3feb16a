-- One row per event of each Zendesk ticket audit (of the copy stg_zendesk__ticket_audits
-- keeps): field changes (`Create`/`Change` with field_name, previous_value, value; the
-- status, group, priority and assignee history), comments, notifications, … All events
-- are kept; the audit gives ticket, author and time. An event without an `id` is keyed
-- `<audit_id>:<position in events[]>`.
--
-- Personal data and free text stay in raw: comment bodies are never read into a column
-- (a `Comment` keeps only `is_public` and `has_comment`), and value/previous_value are
-- staged only for the ticket's system fields listed in `is_value_field`; for any other
-- field (subject, description, custom fields) they are NULL and `is_value_withheld` is
-- true. Array values (`tags`) are `;`-joined like stg_zendesk__tickets.tags.
--
-- Incremental by audit: a run reads the raw rows of audits that arrived in files loaded
-- since the last run, ranks every stored copy of those audits again and replaces all
-- their events (`unique_key` is the audit, so an audit's events are swapped as a set), so
-- an incremental history equals a full rebuild. A table, not a view over the source:
-- audit events are the largest Zendesk stream and every status-history model reads them.
{{ config(**incremental_by_key('audit_id')) }}

with

source as (

    select * from {{ source('zendesk', 'ticket_audits') }}

),

{% if is_incremental() %}
arrived_keys as (

    {{ keys_loaded_since_last_build(json_text('record_json', 'id'), 'audit_id') }}

),

{% endif %}
audits as (

    select
        {{ json_text('record_json', 'id') }} as audit_id,
        {{ json_text('record_json', 'ticket_id') }} as ticket_id,
        {{ json_text('record_json', 'author_id') }} as author_id,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        record_json,
        _file_path,
        _record_number,
        _loaded_at
    from source
    {% if is_incremental() %}
        where {{ json_text('record_json', 'id') }} in (select audit_id from arrived_keys)
    {% endif %}

),

ranked as (

    select
        audits.*,
        row_number() over (
            partition by audits.audit_id
            order by audits._file_path desc, audits._record_number desc
        ) as version_rank
    from audits

),

unnested as (

    select
        audit_id,
        ticket_id,
        author_id,
        created_at,
        {{ json_array_numbered_elements('record_json', 'events', 'event_json', 'event_position') }},
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

events_read as (

    select
        {{ json_text('event_json', 'id') }} as event_id,
        audit_id,
        ticket_id,
        author_id,
        cast(event_position as {{ dbt.type_int() }}) as event_position,
        {{ json_text('event_json', 'type') }} as event_type,
        {{ json_text('event_json', 'field_name') }} as field_name,
        coalesce(
            {{ json_text('event_json', 'field_name') }} in (
                'status', 'priority', 'type', 'group_id', 'assignee_id', 'requester_id',
                'submitter_id', 'organization_id', 'brand_id', 'ticket_form_id',
                'custom_status_id', 'problem_id', 'tags', 'is_public', 'satisfaction_score'
            ),
            false
        ) as is_value_field,
        {{ json_text('event_json', 'previous_value') }} as previous_value_text,
        {{ json_text('event_json', 'value') }} as value_text,
        lower({{ json_text('event_json', 'public') }}) = 'true' as is_public,
        case
            when {{ json_text('event_json', 'type') }} in ('Comment', 'VoiceComment')
                then coalesce(
                    trim(
                        coalesce(
                            {{ json_text('event_json', 'plain_body') }},
                            {{ json_text('event_json', 'body') }},
                            {{ json_text('event_json', 'html_body') }}
                        )
                    ) <> '',
                    false
                )
        end as has_comment,
        {{ json_text('event_json', 'author_id') }} as comment_author_id,
        event_json,
        created_at,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

),

final as (

    select
        coalesce(
            event_id,
            {{ dbt.concat(['audit_id', "':'", 'cast(event_position as ' ~ dbt.type_string() ~ ')']) }}
        ) as audit_event_id,
        audit_id,
        ticket_id,
        author_id,
        event_position,
        event_type,
        field_name,
        case
            when not is_value_field then null
            when previous_value_text like '[%' then {{ json_array_join('event_json', 'previous_value') }}
            else previous_value_text
        end as previous_value,
        case
            when not is_value_field then null
            when value_text like '[%' then {{ json_array_join('event_json', 'value') }}
            else value_text
        end as value,  -- noqa: RF04
        not is_value_field and (previous_value_text is not null or value_text is not null)
            as is_value_withheld,
        is_public,
        has_comment,
        case when event_type in ('Comment', 'VoiceComment') then comment_author_id end
            as comment_author_id,
        created_at,
        _file_path,
        _record_number,
        _loaded_at
    from events_read

)

select * from final
