-- One row per billing adjustment (what billing credited or charged a contract for a
-- month), the latest file (by name), then the latest row, winning for a repeated
-- adjustment_id (a CSV export has no update stamp). `month_start` is the first day of the
-- month the adjustment is for (a date inside the month counts for its month); `amount`
-- is decimal(18,2) in `currency`, as billed (its sign as exported).
with

source as (

    select * from {{ source('finance', 'billing_adjustments') }}

),

renamed as (

    select
        trim({{ json_text('record_json', 'adjustment_id') }}) as adjustment_id,
        trim({{ json_text('record_json', 'contract_id') }}) as contract_id,
        cast(
            {{ dbt.date_trunc('month', 'cast(trim(' ~ json_text('record_json', 'month_start') ~ ') as date)') }}
            as date
        ) as month_start,
        cast(trim({{ json_text('record_json', 'amount') }}) as decimal(18, 2)) as amount,
        upper(trim({{ json_text('record_json', 'currency') }})) as currency,
        nullif(trim({{ json_text('record_json', 'reason') }}), '') as reason,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by adjustment_id
            order by _file_path desc, _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        adjustment_id,
        contract_id,
        month_start,
        amount,
        currency,
        reason,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
