-- One row per month + Zendesk group: the support cost of that group in that month, the
-- latest file (by name), then the latest row, winning for a repeated key (a corrected
-- figure; a CSV export has no update stamp). `month_start` is the first day of the month
-- (a date inside the month counts for its month); `amount` is decimal(18,2) in
-- `currency`.
with

source as (

    select * from {{ source('finance', 'support_costs') }}

),

renamed as (

    select
        cast(
            {{ dbt.date_trunc('month', 'cast(trim(' ~ json_text('record_json', 'month_start') ~ ') as date)') }}
            as date
        ) as month_start,
        trim({{ json_text('record_json', 'group_id') }}) as group_id,
        cast(trim({{ json_text('record_json', 'amount') }}) as decimal(18, 2)) as amount,
        upper(trim({{ json_text('record_json', 'currency') }})) as currency,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by month_start, group_id
            order by _file_path desc, _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        month_start,
        group_id,
        amount,
        currency,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
