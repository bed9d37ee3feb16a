-- One row per contract version: contract_id + effective_from (the date that row's terms
-- start; empty or absent = start_date). A contract changes by a new row with a later
-- effective_from, so the history lives in the files and a fresh load reproduces it;
-- int_contract_versions turns the versions into validity intervals. A repeated key (a
-- corrected row) keeps the latest file (by name), then the latest row: a CSV export has
-- no update stamp.
--
-- Cells are trimmed; empty optional cells are NULL. `end_date` NULL = open-ended, else
-- inclusive; `timezone` (IANA) empty = 'UTC'; `monthly_fee` is decimal(18,2) in
-- `currency`; `service_ids` stays a `;` list of catalog service ids; `tier` is
-- normalised to Gold/Silver/Bronze whatever its case. `_content_loaded_at`: when the
-- winning row was first loaded; the monthly export repeating it unchanged keeps it.
with

source as (

    select * from {{ source('crm', 'contracts') }}

),

renamed as (

    select
        trim({{ json_text('record_json', 'contract_id') }}) as contract_id,
        trim({{ json_text('record_json', 'customer_id') }}) as customer_id,
        nullif(trim({{ json_text('record_json', 'customer_name') }}), '') as customer_name,
        nullif(trim({{ json_text('record_json', 'zendesk_organization_id') }}), '')
            as zendesk_organization_id,
        case lower(trim({{ json_text('record_json', 'tier') }}))
            when 'gold' then 'Gold'
            when 'silver' then 'Silver'
            when 'bronze' then 'Bronze'
            else trim({{ json_text('record_json', 'tier') }})
        end as tier,
        nullif(trim({{ json_text('record_json', 'service_ids') }}), '') as service_ids,
        cast(trim({{ json_text('record_json', 'monthly_fee') }}) as decimal(18, 2)) as monthly_fee,
        upper(trim({{ json_text('record_json', 'currency') }})) as currency,
        cast(trim({{ json_text('record_json', 'start_date') }}) as date) as start_date,
        cast(nullif(trim({{ json_text('record_json', 'end_date') }}), '') as date) as end_date,
        coalesce(nullif(trim({{ json_text('record_json', 'timezone') }}), ''), 'UTC') as timezone,
        coalesce(
            cast(nullif(trim({{ json_text('record_json', 'effective_from') }}), '') as date),
            cast(trim({{ json_text('record_json', 'start_date') }}) as date)
        ) as effective_from,
        record_json,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by contract_id, effective_from
            order by _file_path desc, _record_number desc
        ) as version_rank
    from renamed

),

find_content_loads as (

    {{ with_content_loaded_at('ranked', 'contract_id, effective_from', 'record_json') }}

),

final as (

    select
        contract_id,
        customer_id,
        customer_name,
        zendesk_organization_id,
        tier,
        service_ids,
        monthly_fee,
        currency,
        start_date,
        end_date,
        timezone,
        effective_from,
        _file_path,
        _record_number,
        _loaded_at,
        _content_loaded_at
    from find_content_loads
    where version_rank = 1

)

select * from final
