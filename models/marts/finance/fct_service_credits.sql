-- Service credits (spec §6): one row per contract × month in force (its own time zone),
-- months without outages included. Per version of the terms in force in the month:
--   uptime_pct      = 100 × (1 − downtime / (minutes in force − maintenance)), over the
--                     whole month's days in force (all versions);
--   uptime band     = the highest `uptime_credit_pct` of the version's tier whose
--                     `below_uptime_pct` the uptime is strictly below, compared exactly
--                     on integers: 100 × downtime > (100 − threshold) × available;
--   support credit  = breached urgent/high first-reply SLAs of the contract's Zendesk
--                     organization whose clock started in the month's days in force
--                     (fct_sla_events.is_breached, ours) × the tier's % per breach;
--   credit_pct      = least(band + support, tier cap), is_capped when the cap bit;
--   share           = monthly_fee × credit_pct / 100 × days in force / days in month.
-- credit_amount = the sum of the versions' shares, rounded once (macro `money`). tier,
-- monthly_fee and the *_pct columns show the terms in force on the month's last day in
-- force (with one version, which is nearly every month, they explain the amount alone).
with

availability_months as (

    select * from {{ ref('int_contract_availability_months') }}

),

sla_tiers as (

    select * from {{ ref('sla_tiers') }}

),

sla_events as (

    select * from {{ ref('fct_sla_events') }}

),

loaded_through as (

    select * from {{ ref('int_statuspage_loaded_through') }}

),

total_months as (

    select
        contract_id,
        month_start,
        sum(in_force_ms) as in_force_ms,
        sum(downtime_ms) as downtime_ms,
        sum(maintenance_ms) as maintenance_ms,
        sum(excluded_downtime_ms) as excluded_downtime_ms,
        max(version_number) as last_version_number
    from availability_months
    group by contract_id, month_start

),

count_breaches as (

    select
        availability_months.contract_id,
        availability_months.month_start,
        count(*) as breached_support_slas
    from availability_months
    inner join sla_events
        on
            availability_months.zendesk_organization_id = sla_events.organization_id
            and availability_months.window_start_at <= sla_events.started_at
            and availability_months.window_end_at > sla_events.started_at
    where
        sla_events.source = 'zendesk'
        and sla_events.sla_metric = 'first_reply_time'
        and sla_events.is_breached
        and sla_events.priority in ('urgent', 'high')
    group by availability_months.contract_id, availability_months.month_start

),

measure_months as (

    select
        total_months.*,
        total_months.in_force_ms - total_months.maintenance_ms as available_ms,
        coalesce(count_breaches.breached_support_slas, 0) as breached_support_slas
    from total_months
    left join count_breaches
        on
            total_months.contract_id = count_breaches.contract_id
            and total_months.month_start = count_breaches.month_start

),

find_bands as (

    select
        availability_months.contract_id,
        availability_months.version_number,
        availability_months.month_start,
        max(
            case
                when 100 * measure_months.downtime_ms > (100 - sla_tiers.below_uptime_pct) * measure_months.available_ms
                    then sla_tiers.uptime_credit_pct
                else 0
            end
        ) as uptime_credit_pct,
        max(sla_tiers.support_credit_pct_per_breach) as support_credit_pct_per_breach,
        max(sla_tiers.monthly_cap_pct) as monthly_cap_pct
    from availability_months
    inner join measure_months
        on
            availability_months.contract_id = measure_months.contract_id
            and availability_months.month_start = measure_months.month_start
    inner join sla_tiers
        on availability_months.tier = sla_tiers.tier
    group by availability_months.contract_id, availability_months.version_number, availability_months.month_start

),

credit_versions as (

    select
        availability_months.contract_id,
        availability_months.version_number,
        availability_months.month_start,
        availability_months.customer_id,
        availability_months.tier,
        availability_months.monthly_fee,
        availability_months.currency,
        availability_months.days_in_force,
        availability_months.days_in_month,
        availability_months.month_end_at,
        bands.monthly_cap_pct,
        coalesce(bands.uptime_credit_pct, 0) as uptime_credit_pct,
        coalesce(bands.support_credit_pct_per_breach, 0) * measure_months.breached_support_slas
            as support_credit_pct
    from availability_months
    inner join measure_months
        on
            availability_months.contract_id = measure_months.contract_id
            and availability_months.month_start = measure_months.month_start
    left join find_bands as bands
        on
            availability_months.contract_id = bands.contract_id
            and availability_months.version_number = bands.version_number
            and availability_months.month_start = bands.month_start

),

cap_versions as (

    select
        *,
        case
            when monthly_cap_pct is not null and uptime_credit_pct + support_credit_pct > monthly_cap_pct
                then monthly_cap_pct
            else uptime_credit_pct + support_credit_pct
        end as credit_pct,
        coalesce(monthly_cap_pct is not null and uptime_credit_pct + support_credit_pct > monthly_cap_pct, false)
            as is_capped,
        monthly_fee * (
            case
                when monthly_cap_pct is not null and uptime_credit_pct + support_credit_pct > monthly_cap_pct
                    then monthly_cap_pct
                else uptime_credit_pct + support_credit_pct
            end
        ) * days_in_force as credit_numerator,
        100 * days_in_month as credit_denominator
    from credit_versions

),

sum_shares as (

    select
        contract_id,
        month_start,
        sum(credit_numerator) / max(credit_denominator) as credit_amount_unrounded,
        max(case when is_capped then 1 else 0 end) as any_capped
    from cap_versions
    group by contract_id, month_start

),

final as (

    select
        measure_months.contract_id,
        last_version.customer_id,
        last_version.tier,
        measure_months.month_start,
        coalesce(
            {{ pct('(measure_months.available_ms - measure_months.downtime_ms)', 'measure_months.available_ms') }},
            cast(100 as decimal(5, 2))
        ) as uptime_pct,
        {{ seconds_to_minutes('measure_months.downtime_ms / 1000.0') }} as downtime_minutes,
        {{ seconds_to_minutes('measure_months.maintenance_ms / 1000.0') }} as maintenance_minutes,
        {{ seconds_to_minutes('measure_months.excluded_downtime_ms / 1000.0') }} as excluded_downtime_minutes,
        cast(measure_months.breached_support_slas as integer) as breached_support_slas,
        cast(last_version.uptime_credit_pct as decimal(5, 2)) as uptime_credit_pct,
        cast(last_version.support_credit_pct as decimal(7, 2)) as support_credit_pct,
        cast(last_version.credit_pct as decimal(5, 2)) as credit_pct,
        sum_shares.any_capped = 1 as is_capped,
        cast(last_version.monthly_fee as decimal(18, 2)) as monthly_fee,
        {{ money('sum_shares.credit_amount_unrounded') }} as credit_amount,
        last_version.currency,
        coalesce(loaded_through.loaded_through_at >= last_version.month_end_at, false) as is_month_closed
    from measure_months
    inner join cap_versions as last_version
        on
            measure_months.contract_id = last_version.contract_id
            and measure_months.month_start = last_version.month_start
            and measure_months.last_version_number = last_version.version_number
    inner join sum_shares
        on
            measure_months.contract_id = sum_shares.contract_id
            and measure_months.month_start = sum_shares.month_start
    cross join loaded_through

)

select * from final
