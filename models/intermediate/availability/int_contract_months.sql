-- One row per contract × version × month in force (spec §6): the contract's months are
-- cut in its own time zone; a version covers the days of the month from its valid_from
-- to its valid_to (both inclusive, int_contract_versions), so a mid-month tier change
-- gives the month two rows. Months run from the start month through the end month, or
-- the month of the latest loaded Statuspage data (its local date in the contract's zone)
-- when that is earlier. `window_start_at`/`window_end_at` are the UTC instants of the
-- local midnights that bound the days in force; `month_end_at` of the local month's end.
with

contract_versions as (

    select * from {{ ref('int_contract_versions') }}

),

loaded_through as (

    select * from {{ ref('int_statuspage_loaded_through') }}

),

month_numbers as (

    {{ number_spine(3) }}

),

bound_versions as (

    select
        contract_versions.*,
        cast({{ dbt.date_trunc('month', 'contract_versions.valid_from') }} as date) as first_month_start,
        cast(
            {{ utc_to_local('loaded_through.loaded_through_at', 'contract_versions.timezone') }} as date
        ) as loaded_through_day
    from contract_versions
    cross join loaded_through
    where loaded_through.loaded_through_at is not null

),

bound_last_days as (

    select
        *,
        case
            when valid_to is null or valid_to > loaded_through_day then loaded_through_day
            else valid_to
        end as last_day
    from bound_versions

),

spread_months as (

    select
        bound_last_days.*,
        cast({{ dbt.dateadd('month', 'month_numbers.number', 'bound_last_days.first_month_start') }} as date)
            as month_start
    from bound_last_days
    inner join month_numbers
        on month_numbers.number <= {{ dbt.datediff(
            'bound_last_days.first_month_start', 'bound_last_days.last_day', 'month',
        ) }}
    where bound_last_days.valid_from <= bound_last_days.last_day

),

bound_days as (

    select
        *,
        cast({{ dbt.dateadd('month', 1, 'month_start') }} as date) as next_month_start,
        case when valid_from > month_start then valid_from else month_start end as first_day_in_force,
        case
            when
                valid_to is not null
                and valid_to < cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }} as date)
                then valid_to
            else cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }} as date)
        end as last_day_in_force
    from spread_months

),

add_day_after as (

    select
        *,
        cast({{ dbt.dateadd('day', 1, 'last_day_in_force') }} as date) as day_after_last_in_force
    from bound_days

),

final as (

    select
        contract_id,
        version_number,
        customer_id,
        zendesk_organization_id,
        tier,
        service_ids,
        monthly_fee,
        currency,
        timezone,
        month_start,
        first_day_in_force,
        last_day_in_force,
        cast({{ dbt.datediff('first_day_in_force', 'last_day_in_force', 'day') }} + 1 as integer) as days_in_force,  -- noqa: LT05
        cast({{ dbt.datediff('month_start', 'next_month_start', 'day') }} as integer) as days_in_month,  -- noqa: LT05
        {{ local_to_utc('first_day_in_force', 'timezone') }} as window_start_at,
        {{ local_to_utc('day_after_last_in_force', 'timezone') }} as window_end_at,
        {{ local_to_utc('next_month_start', 'timezone') }} as month_end_at
    from add_day_after

)

select * from final
