-- The latest version of each Delighted survey response (by `updated_at`, then file name,
-- then record number: never by load order). Times are Unix epoch seconds, converted to
-- UTC. The free-text comment and the permalink (it opens the response) stay in raw: only
-- `has_comment` is exposed. `person_properties` carries the customer join keys the sender
-- added (`customer_id`, `zendesk_organization_id`); it may be null.
with

source as (

    select * from {{ source('delighted', 'survey_responses') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as response_id,
        -- `person` is the person's id; with `expand[]=person` it would be the person object.
        coalesce(
            {{ json_text('record_json', 'person.id') }},
            case
                when substring({{ json_text('record_json', 'person') }}, 1, 1) <> '{'
                    then {{ json_text('record_json', 'person') }}
            end
        ) as person_id,
        lower({{ json_text('record_json', 'survey_type') }}) as survey_type,
        cast({{ json_bigint('record_json', 'score') }} as {{ dbt.type_int() }}) as score,
        coalesce(trim({{ json_text('record_json', 'comment') }}), '') <> '' as has_comment,
        {{ json_text('record_json', 'person_properties.customer_id') }} as customer_id,
        {{ json_text('record_json', 'person_properties.zendesk_organization_id') }} as zendesk_organization_id,
        {{ epoch_to_utc(json_text('record_json', 'created_at'), 's') }} as created_at,
        {{ epoch_to_utc(json_text('record_json', 'updated_at'), 's') }} as updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by response_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        response_id,
        person_id,
        survey_type,
        score,
        has_comment,
        customer_id,
        zendesk_organization_id,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
