-- The latest version of each Statuspage incident (by updated_at, then file name, then
-- record number: never by load order). incidents.json returns the 50 most recent
-- incidents, so every export repeats most of the previous one. Times carry an explicit
-- offset (`Z` or `-06:00`) and are converted to UTC. The nested updates and components
-- are staged by their own models, from this same latest version.
with

source as (

    select * from {{ source('statuspage', 'incidents') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as incident_id,
        coalesce(
            {{ json_text('record_json', 'page_id') }},
            {{ json_text('_file_context', 'page.id') }}
        ) as page_id,
        {{ json_text('record_json', 'name') }} as incident_name,
        lower({{ json_text('record_json', 'status') }}) as status,
        lower({{ json_text('record_json', 'impact') }}) as impact,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'started_at')) }} as started_at,
        {{ iso_to_utc(json_text('record_json', 'monitoring_at')) }} as monitoring_at,
        {{ iso_to_utc(json_text('record_json', 'resolved_at')) }} as resolved_at,
        {{ json_text('record_json', 'shortlink') }} as shortlink,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by incident_id
            order by
                coalesce(updated_at, resolved_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        incident_id,
        page_id,
        incident_name,
        status,
        impact,
        created_at,
        updated_at,
        started_at,
        monitoring_at,
        resolved_at,
        shortlink,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
