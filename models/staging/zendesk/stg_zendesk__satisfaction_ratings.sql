-- The latest version of each Zendesk satisfaction rating (by updated_at, then file name,
-- then record number). `score` is offered | unoffered | good | bad: only good and bad are
-- answers (kpi-definitions.md §3). The free-text comment stays in raw (it may hold
-- personal data): `has_comment` says whether the customer wrote one. `reason` is the
-- label of the reason picked from the account's list, not free text.
with

source as (

    select * from {{ source('zendesk', 'satisfaction_ratings') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as satisfaction_rating_id,
        {{ json_text('record_json', 'ticket_id') }} as ticket_id,
        {{ json_text('record_json', 'requester_id') }} as requester_id,
        {{ json_text('record_json', 'assignee_id') }} as assignee_id,
        {{ json_text('record_json', 'group_id') }} as group_id,
        lower({{ json_text('record_json', 'score') }}) as score,
        coalesce(trim({{ json_text('record_json', 'comment') }}) <> '', false) as has_comment,
        {{ json_text('record_json', 'reason') }} as reason,
        {{ json_text('record_json', 'reason_code') }} as reason_code,
        {{ json_text('record_json', 'reason_id') }} as reason_id,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by satisfaction_rating_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        satisfaction_rating_id,
        ticket_id,
        requester_id,
        assignee_id,
        group_id,
        score,
        has_comment,
        reason,
        reason_code,
        reason_id,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
