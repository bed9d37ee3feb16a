-- Customer retention and net revenue retention (spec kpi-definitions.md §3b): per month ×
-- tier × currency, the customers with a contract in force on the month's first day, how
-- many of them still have one on its last day, and their MRR (monthly_fee) on both days.
-- Fees are never added across currencies (there is no exchange rate in the warehouse), so
-- a customer is counted once per currency of its contracts. Its tier is that of its
-- largest contract in force on the first day (ties: Gold, Silver, Bronze); its end MRR
-- counts every contract of its in force on the last day, so upgrades, downgrades and new
-- contracts of a retained customer move net revenue retention. `all` is every tier.
with

contract_versions as (

    select * from {{ ref('int_contract_versions') }}

),

contract_months as (

    select * from {{ ref('int_contract_months') }}

),

list_months as (

    select distinct
        month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }} as date) as month_end_date
    from contract_months

),

find_start_versions as (

    select
        list_months.month_start,
        list_months.month_end_date,
        contract_versions.customer_id,
        contract_versions.currency,
        contract_versions.tier,
        contract_versions.monthly_fee
    from list_months
    inner join contract_versions
        on
            list_months.month_start >= contract_versions.valid_from
            and (contract_versions.valid_to is null or list_months.month_start <= contract_versions.valid_to)

),

rank_start_tiers as (

    select
        month_start,
        month_end_date,
        customer_id,
        currency,
        tier,
        sum(monthly_fee) over (partition by month_start, customer_id, currency) as mrr_start,
        row_number() over (
            partition by month_start, customer_id, currency
            order by
                monthly_fee desc,
                case tier when 'Gold' then 1 when 'Silver' then 2 when 'Bronze' then 3 else 4 end
        ) as tier_rank
    from find_start_versions

),

start_customers as (

    select
        month_start,
        month_end_date,
        customer_id,
        currency,
        tier,
        mrr_start
    from rank_start_tiers
    where tier_rank = 1

),

find_end_versions as (

    select
        start_customers.month_start,
        start_customers.customer_id,
        start_customers.currency,
        contract_versions.monthly_fee
    from start_customers
    inner join contract_versions
        on
            start_customers.customer_id = contract_versions.customer_id
            and start_customers.currency = contract_versions.currency
            and start_customers.month_end_date >= contract_versions.valid_from
            and (
                contract_versions.valid_to is null
                or start_customers.month_end_date <= contract_versions.valid_to
            )

),

sum_end_customers as (

    select
        month_start,
        customer_id,
        currency,
        sum(monthly_fee) as mrr_end
    from find_end_versions
    group by month_start, customer_id, currency

),

join_customers as (

    select
        start_customers.month_start,
        start_customers.customer_id,
        start_customers.currency,
        start_customers.tier,
        start_customers.mrr_start,
        coalesce(sum_end_customers.mrr_end, 0) as mrr_end,
        case when sum_end_customers.customer_id is not null then 1 else 0 end as is_retained
    from start_customers
    left join sum_end_customers
        on
            start_customers.month_start = sum_end_customers.month_start
            and start_customers.customer_id = sum_end_customers.customer_id
            and start_customers.currency = sum_end_customers.currency

),

aggregate_tiers as (

    select
        month_start,
        tier,
        currency,
        count(*) as customers_start,
        sum(is_retained) as customers_retained,
        sum(mrr_start) as mrr_start,
        sum(mrr_end) as mrr_end_from_start_customers
    from join_customers
    group by month_start, tier, currency
    union all
    select
        month_start,
        'all' as tier,
        currency,
        count(*) as customers_start,
        sum(is_retained) as customers_retained,
        sum(mrr_start) as mrr_start,
        sum(mrr_end) as mrr_end_from_start_customers
    from join_customers
    group by month_start, currency

),

final as (

    select
        month_start,
        tier,
        currency,
        cast(customers_start as integer) as customers_start,
        cast(customers_retained as integer) as customers_retained,
        {{ pct('customers_retained', 'customers_start') }} as customer_retention_rate_pct,
        {{ money('mrr_start') }} as mrr_start,
        {{ money('mrr_end_from_start_customers') }} as mrr_end_from_start_customers,
        {{ round_2('100.0 * mrr_end_from_start_customers / nullif(mrr_start, 0)') }} as net_revenue_retention_pct
    from aggregate_tiers

)

select * from final
