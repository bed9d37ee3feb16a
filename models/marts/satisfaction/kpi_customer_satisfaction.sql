-- Customer satisfaction per reporting month × survey kind × segment (spec §3), from the
-- counted answers of fct_survey_responses. Every answer counts in its contract tier's
-- segment (or `unknown`) and in `all`. The `all` row exists for every survey kind in
-- every month that has any counted answer or offered survey of any kind (responses 0 and
-- NULL measures when that kind has none); a tier's row exists where that tier has an
-- answer or an offered survey of that kind in the month. A month without any survey
-- activity has no rows. Measures are computed unrounded and rounded once (rounding.sql).
with

responses as (

    select * from {{ ref('fct_survey_responses') }}

),

survey_scales as (

    select * from {{ ref('survey_scales') }}

),

filter_reported as (

    -- The counted answers, and the ticket ratings that are surveys offered (Zendesk).
    select *
    from responses
    where is_counted or (is_latest and is_offered)

),

tag_segments as (

    select
        month_start,
        survey_kind,
        segment,
        score,
        is_counted,
        is_latest and coalesce(is_offered, false) as is_offer,
        is_satisfied,
        is_promoter,
        is_detractor,
        is_easy
    from filter_reported
    union all
    select
        month_start,
        survey_kind,
        'all' as segment,
        score,
        is_counted,
        is_latest and coalesce(is_offered, false) as is_offer,
        is_satisfied,
        is_promoter,
        is_detractor,
        is_easy
    from filter_reported

),

aggregate_segments as (

    select
        month_start,
        survey_kind,
        segment,
        sum(case when is_counted then 1 else 0 end) as responses,
        sum(case when is_counted and is_satisfied then 1 else 0 end) as satisfied,
        sum(case when is_counted and is_promoter then 1 else 0 end) as promoters,
        sum(case when is_counted and is_detractor then 1 else 0 end) as detractors,
        sum(case when is_counted and is_easy then 1 else 0 end) as easy,
        sum(case when is_counted then score else 0 end) as score_total,
        sum(case when is_offer then 1 else 0 end) as surveys_offered,
        sum(case when is_offer and is_counted then 1 else 0 end) as offers_answered
    from tag_segments
    group by month_start, survey_kind, segment

),

spine_all_rows as (

    select
        months.month_start,
        survey_scales.survey_kind,
        'all' as segment
    from (select distinct month_start from filter_reported) as months
    cross join survey_scales

),

join_segments as (

    select
        spine.month_start,
        spine.survey_kind,
        spine.segment,
        coalesce(aggregated.responses, 0) as responses,
        coalesce(aggregated.satisfied, 0) as satisfied,
        coalesce(aggregated.promoters, 0) as promoters,
        coalesce(aggregated.detractors, 0) as detractors,
        coalesce(aggregated.easy, 0) as easy,
        coalesce(aggregated.score_total, 0) as score_total,
        coalesce(aggregated.surveys_offered, 0) as surveys_offered,
        coalesce(aggregated.offers_answered, 0) as offers_answered
    from spine_all_rows as spine
    left join aggregate_segments as aggregated
        on
            spine.month_start = aggregated.month_start
            and spine.survey_kind = aggregated.survey_kind
            and spine.segment = aggregated.segment
    union all
    select
        month_start,
        survey_kind,
        segment,
        responses,
        satisfied,
        promoters,
        detractors,
        easy,
        score_total,
        surveys_offered,
        offers_answered
    from aggregate_segments
    where segment <> 'all'

),

final as (

    select
        month_start,
        survey_kind,
        segment,
        cast(responses as integer) as responses,
        -- The outer casts keep the scale: PostgreSQL's CASE drops a numeric's typmod.
        cast(
            case when survey_kind = 'csat' then {{ pct('satisfied', 'responses') }} end as decimal(5, 2)
        ) as csat_pct,
        cast(
            case when survey_kind = 'nps' then {{ pct('(promoters - detractors)', 'responses') }} end as decimal(5, 2)
        ) as nps,
        cast(
            case when survey_kind = 'ces' then {{ pct('easy', 'responses') }} end as decimal(5, 2)
        ) as ces_pct,
        cast(
            case when survey_kind = 'ces' then {{ ratio_2dp('score_total', 'responses') }} end as decimal(18, 2)
        ) as ces_mean,
        -- Only Zendesk records the surveys it offered; NULL where no offer is recorded.
        {{ pct('offers_answered', 'surveys_offered') }} as response_rate_pct
    from join_segments

)

select * from final
