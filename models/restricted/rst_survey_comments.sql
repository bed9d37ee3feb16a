-- The free-text comments of survey answers (Delighted responses, Zendesk satisfaction
-- ratings), which staging withholds: restricted to the `engineer` role (dbt_project.yml
-- grants). One row per answer with a comment, the version staging keeps (joined back to
-- raw by file and record number, so the dedupe rules live in staging only). A comment
-- the retention purge replaced by its key is NULL here, with `is_purged`.
with

delighted_responses as (

    select * from {{ ref('stg_delighted__survey_responses') }}

),

delighted_raw as (

    select * from {{ source('delighted', 'survey_responses') }}

),

zendesk_ratings as (

    select * from {{ ref('stg_zendesk__satisfaction_ratings') }}

),

zendesk_raw as (

    select * from {{ source('zendesk', 'satisfaction_ratings') }}

),

delighted_comments as (

    select
        'delighted' as source_system,
        delighted_responses.response_id,
        delighted_responses.survey_type,
        cast(delighted_responses.score as {{ dbt.type_string() }}) as score,
        {{ json_text('delighted_raw.record_json', 'comment') }} as comment_text,
        delighted_responses.created_at,
        delighted_responses.updated_at
    from delighted_responses
    inner join delighted_raw
        on
            delighted_responses._file_path = delighted_raw._file_path
            and delighted_responses._record_number = delighted_raw._record_number
    where delighted_responses.has_comment

),

zendesk_comments as (

    select
        'zendesk' as source_system,
        zendesk_ratings.satisfaction_rating_id as response_id,
        'satisfaction_rating' as survey_type,
        zendesk_ratings.score,
        {{ json_text('zendesk_raw.record_json', 'comment') }} as comment_text,
        zendesk_ratings.created_at,
        zendesk_ratings.updated_at
    from zendesk_ratings
    inner join zendesk_raw
        on
            zendesk_ratings._file_path = zendesk_raw._file_path
            and zendesk_ratings._record_number = zendesk_raw._record_number
    where zendesk_ratings.has_comment

),

unioned as (

    select * from delighted_comments
    union all
    select * from zendesk_comments

),

final as (

    select
        source_system,
        response_id,
        survey_type,
        score,
        case
            when comment_text not like '{{ purged_value_prefix() }}%' then trim(comment_text)
        end as comment_text,
        coalesce(comment_text like '{{ purged_value_prefix() }}%', false) as is_purged,
        created_at,
        updated_at
    from unioned

)

select * from final
