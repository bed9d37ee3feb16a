-- Every survey answer of every tool in one shape (spec §3), with its scale check and its
-- segment. Zendesk satisfaction ratings are CSAT (good | bad are answers; `offered` is a
-- survey sent and not answered; `unoffered` was never sent) and carry no score number;
-- Delighted responses carry the score on their survey type's scale (seed `survey_scales`;
-- types without a scale, such as eNPS, are not reported). The segment is the tier of the
-- contract in force on the answer's date in the contract's time zone, found by the
-- customer id the survey sender put in `person_properties.customer_id`, else by the
-- Zendesk organization (Delighted `person_properties.zendesk_organization_id`, or the
-- rated ticket's organization); several contracts in force: the latest-starting wins.
-- No contract: segment `unknown`.
with

zendesk_ratings as (

    select * from {{ ref('stg_zendesk__satisfaction_ratings') }}

),

tickets as (

    select * from {{ ref('int_tickets_unified') }}

),

delighted_responses as (

    select * from {{ ref('stg_delighted__survey_responses') }}

),

survey_scales as (

    select * from {{ ref('survey_scales') }}

),

contract_versions as (

    select * from {{ ref('int_contract_versions') }}

),

map_zendesk as (

    select
        'zendesk:' || ratings.satisfaction_rating_id as survey_response_id,
        'zendesk' as source,
        ratings.satisfaction_rating_id as source_response_id,
        'csat' as survey_kind,
        cast(null as {{ dbt.type_int() }}) as score,
        ratings.score as zendesk_score,
        ratings.ticket_id,
        {{ personal_data_key("'zendesk:' || ratings.requester_id") }} as person_key,
        cast(null as {{ dbt.type_string() }}) as sent_customer_id,
        tickets.organization_id as zendesk_organization_id,
        -- The rating is dated by its created_at, when the survey was offered (spec §3).
        ratings.created_at as responded_at,
        ratings.updated_at,
        coalesce(ratings.score in ('good', 'bad'), false) as is_answered,
        coalesce(ratings.score in ('good', 'bad', 'offered'), false) as is_offered,
        coalesce(ratings.score in ('good', 'bad', 'offered', 'unoffered'), false) as is_in_range
    from zendesk_ratings as ratings
    left join tickets
        on tickets.source = 'zendesk' and ratings.ticket_id = tickets.source_ticket_id

),

map_delighted as (

    select
        'delighted:' || responses.response_id as survey_response_id,
        'delighted' as source,
        responses.response_id as source_response_id,
        responses.survey_type as survey_kind,
        responses.score,
        cast(null as {{ dbt.type_string() }}) as zendesk_score,
        cast(null as {{ dbt.type_string() }}) as ticket_id,
        {{ personal_data_key("'delighted:' || responses.person_id") }} as person_key,
        responses.customer_id as sent_customer_id,
        responses.zendesk_organization_id,
        responses.created_at as responded_at,
        responses.updated_at,
        true as is_answered,
        -- Delighted does not export the surveys it sent without an answer.
        cast(null as boolean) as is_offered,
        coalesce(
            responses.score >= scales.scale_min and responses.score <= scales.scale_max, false
        ) as is_in_range
    from delighted_responses as responses
    inner join survey_scales as scales
        on responses.survey_type = scales.survey_kind

),

union_answers as (

    select * from map_zendesk
    union all
    select * from map_delighted

),

candidate_contracts as (

    -- The contracts of the answer's customer id or Zendesk organization: two equality joins
    -- (an `or` of both in one join condition cannot be hashed and compared every answer
    -- with every contract version); the second leaves out the pairs the first has.
    select
        answers.survey_response_id,
        answers.sent_customer_id,
        answers.responded_at,
        versions.contract_id,
        versions.customer_id,
        versions.tier,
        versions.start_date,
        versions.timezone,
        versions.valid_from,
        versions.valid_to
    from union_answers as answers
    inner join contract_versions as versions
        on answers.sent_customer_id = versions.customer_id
    union all
    select
        answers.survey_response_id,
        answers.sent_customer_id,
        answers.responded_at,
        versions.contract_id,
        versions.customer_id,
        versions.tier,
        versions.start_date,
        versions.timezone,
        versions.valid_from,
        versions.valid_to
    from union_answers as answers
    inner join contract_versions as versions
        on answers.zendesk_organization_id = versions.zendesk_organization_id
    where not coalesce(answers.sent_customer_id = versions.customer_id, false)

),

match_contracts as (

    select
        survey_response_id,
        contract_id,
        customer_id,
        tier,
        row_number() over (
            partition by survey_response_id
            order by
                case when customer_id = sent_customer_id then 0 else 1 end,
                start_date desc,
                contract_id desc
        ) as match_rank
    from candidate_contracts
    where
        cast({{ utc_to_local('responded_at', 'timezone') }} as date) >= valid_from
        and (
            valid_to is null
            or cast({{ utc_to_local('responded_at', 'timezone') }} as date) <= valid_to
        )

),

final as (

    select
        answers.survey_response_id,
        answers.source,
        answers.source_response_id,
        answers.survey_kind,
        answers.score,
        answers.zendesk_score,
        answers.ticket_id,
        answers.person_key,
        answers.zendesk_organization_id,
        contracts.contract_id,
        answers.responded_at,
        answers.updated_at,
        answers.is_answered,
        answers.is_offered,
        answers.is_in_range,
        coalesce(contracts.customer_id, answers.sent_customer_id) as customer_id,
        coalesce(contracts.tier, 'unknown') as segment
    from union_answers as answers
    left join match_contracts as contracts
        on answers.survey_response_id = contracts.survey_response_id and contracts.match_rank = 1

)

select * from final
