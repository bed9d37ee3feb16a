-- The latest version of each Zendesk ticket: by `generated_timestamp` (Unix epoch
-- seconds, the most accurate last-change stamp of the incremental export; a copy without
-- it falls back to updated_at), then updated_at, then file name, then record number:
-- never by load order. Subject, description, custom fields and e-mail addresses are not
-- staged (they may hold personal data); tags are `;`-joined here and one row per tag in
-- stg_zendesk__ticket_tags.
--
-- Incremental by key, although staging is a view elsewhere: every ticket is exported
-- again at each change, so this is the largest Zendesk table after the event streams, and
-- its data tests and readers re-parsed every copy's JSON on every run. A run reads only the
-- raw rows of tickets that arrived in files loaded since the last run, ranks every stored
-- copy of those tickets again and replaces them, so an incremental history equals a full
-- rebuild.
{{ config(**incremental_by_key('ticket_id')) }}

with

source as (

    select * from {{ source('zendesk', 'tickets') }}

),

{% if is_incremental() %}
arrived_keys as (

    {{ keys_loaded_since_last_build(json_text('record_json', 'id'), 'ticket_id') }}

),

{% endif %}
renamed as (

    select
        {{ json_text('record_json', 'id') }} as ticket_id,
        lower({{ json_text('record_json', 'status') }}) as status,
        lower({{ json_text('record_json', 'priority') }}) as priority,
        lower({{ json_text('record_json', 'type') }}) as ticket_type,
        {{ json_text('record_json', 'requester_id') }} as requester_id,
        {{ json_text('record_json', 'submitter_id') }} as submitter_id,
        {{ json_text('record_json', 'assignee_id') }} as assignee_id,
        {{ json_text('record_json', 'group_id') }} as group_id,
        {{ json_text('record_json', 'organization_id') }} as organization_id,
        {{ json_text('record_json', 'brand_id') }} as brand_id,
        {{ json_text('record_json', 'ticket_form_id') }} as ticket_form_id,
        {{ json_text('record_json', 'custom_status_id') }} as custom_status_id,
        {{ json_text('record_json', 'problem_id') }} as problem_id,
        {{ json_text('record_json', 'via.channel') }} as channel,
        {{ json_array_join('record_json', 'tags') }} as tags,
        {{ json_text('record_json', 'satisfaction_rating.id') }} as satisfaction_rating_id,
        lower({{ json_text('record_json', 'satisfaction_rating.score') }}) as satisfaction_score,
        lower({{ json_text('record_json', 'is_public') }}) = 'true' as is_public,
        lower({{ json_text('record_json', 'has_incidents') }}) = 'true' as has_incidents,
        lower({{ json_text('record_json', 'from_messaging_channel') }}) = 'true'
            as is_from_messaging_channel,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'due_at')) }} as due_at,
        {{ epoch_to_utc(json_text('record_json', 'generated_timestamp'), 's') }} as generated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source
    {% if is_incremental() %}
        where {{ json_text('record_json', 'id') }} in (select ticket_id from arrived_keys)
    {% endif %}

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_id
            order by
                coalesce(generated_at, updated_at, created_at) desc,
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        ticket_id,
        status,
        priority,
        ticket_type,
        requester_id,
        submitter_id,
        assignee_id,
        group_id,
        organization_id,
        brand_id,
        ticket_form_id,
        custom_status_id,
        problem_id,
        channel,
        tags,
        satisfaction_rating_id,
        satisfaction_score,
        is_public,
        has_incidents,
        is_from_messaging_channel,
        created_at,
        updated_at,
        due_at,
        generated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
