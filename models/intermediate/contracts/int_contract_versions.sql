-- Contract terms over time (landing.md): a contract changes by a new row with a later
-- `effective_from`. One row per contract × validity interval [valid_from, valid_to]
-- (dates in the contract's time zone, both inclusive; valid_to NULL = open), so any past
-- day resolves to the terms in force then, and a fresh load of all files reproduces
-- every past interval exactly (no snapshot involved).
with

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

order_versions as (

    select
        *,
        row_number() over (partition by contract_id order by effective_from) as version_number,
        lead(effective_from) over (partition by contract_id order by effective_from) as next_effective_from
    from contracts

),

bound_versions as (

    select
        *,
        case
            when effective_from > start_date then effective_from else start_date
        end as valid_from,
        case
            when next_effective_from is null then end_date
            when end_date is null then {{ dbt.dateadd('day', -1, 'next_effective_from') }}
            when end_date < {{ dbt.dateadd('day', -1, 'next_effective_from') }} then end_date
            else {{ dbt.dateadd('day', -1, 'next_effective_from') }}
        end as valid_to_raw
    from order_versions

),

final as (

    select
        contract_id,
        cast(version_number as integer) as version_number,
        customer_id,
        customer_name,
        zendesk_organization_id,
        tier,
        service_ids,
        monthly_fee,
        currency,
        timezone,
        start_date,
        end_date,
        effective_from,
        valid_from,
        cast(valid_to_raw as date) as valid_to,
        next_effective_from is null as is_latest_version
    from bound_versions
    -- A version superseded before it started (two rows for one day) never applied.
    where valid_to_raw is null or valid_from <= valid_to_raw

)

select * from final
