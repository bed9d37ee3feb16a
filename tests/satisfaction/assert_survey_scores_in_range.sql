-- Spec §3: an out-of-range survey score is excluded from the KPIs and flagged, never
-- clipped. Lists every such answer for review (warn: the build goes on).
{{ config(severity='warn') }}

with

responses as (

    select * from {{ ref('fct_survey_responses') }}

),

scales as (

    select * from {{ ref('survey_scales') }}

),

final as (

    select
        responses.survey_response_id,
        responses.source,
        responses.survey_kind,
        responses.score,
        responses.zendesk_score,
        scales.scale_min,
        scales.scale_max,
        responses.responded_at
    from responses
    left join scales
        on responses.survey_kind = scales.survey_kind
    where not responses.is_in_range

)

select * from final
