-- One row per survey answer record (spec §3): every Zendesk satisfaction rating (good,
-- bad, offered, unoffered) and every Delighted NPS/CSAT/CES response, with the flags that
-- decide what `kpi_customer_satisfaction` counts. The rules:
--   * a Zendesk ticket's rating is one answer: the ticket's latest rating is the one that
--     counts (an answer if good/bad, a survey offered if good/bad/offered);
--   * a Delighted person's repeated answers to one survey kind in one reporting month count
--     once, the latest in-range answer (by answer time, then update time, then id);
--   * an answer outside its kind's scale (seed `survey_scales`) is kept here with
--     `is_in_range = false`, never counted and never clipped.
with

responses as (

    select * from {{ ref('int_survey_responses_unified') }}

),

add_months as (

    select
        *,
        {{ reporting_month_start('responded_at') }} as month_start
    from responses

),

rank_answers as (

    select
        *,
        row_number() over (
            partition by
                source,
                survey_kind,
                case
                    when source = 'zendesk' then coalesce(ticket_id, survey_response_id)
                    else coalesce(person_key, survey_response_id)
                end,
                case when source = 'zendesk' then null else month_start end
            order by
                case when is_in_range then 0 else 1 end,
                responded_at desc,
                updated_at desc,
                source_response_id desc
        ) as answer_rank
    from add_months

),

classify_answers as (

    select
        *,
        answer_rank = 1 as is_latest,
        answer_rank = 1 and is_answered and is_in_range as is_counted
    from rank_answers

),

final as (

    select
        survey_response_id,
        source,
        source_response_id,
        survey_kind,
        score,
        zendesk_score,
        ticket_id,
        person_key,
        customer_id,
        zendesk_organization_id,
        contract_id,
        segment,
        responded_at,
        month_start,
        is_answered,
        is_offered,
        is_in_range,
        is_latest,
        is_counted,
        case
            when survey_kind <> 'csat' or not is_answered or not is_in_range then null
            when source = 'zendesk' then zendesk_score = 'good'
            else score >= 4
        end as is_satisfied,
        case
            when survey_kind = 'nps' and is_in_range then score >= 9
        end as is_promoter,
        case
            when survey_kind = 'nps' and is_in_range then score <= 6
        end as is_detractor,
        case
            when survey_kind = 'ces' and is_in_range then score >= 5
        end as is_easy
    from classify_answers

)

select * from final
