-- One row per parameter of the latest copy of each Jenkins build (the same copy
-- `stg_jenkins__builds` keeps: finished over building, then file name, then record
-- number). Parameters are the `parameters[]` of the `hudson.model.ParametersAction` entry
-- of `actions[]`, found by `_class` (never by position). Values are text: a boolean
-- parameter gives `true`/`false`; an empty value (a CHANGE_REQUEST left blank) and a
-- password parameter give NULL.
with

source as (

    select * from {{ source('jenkins', 'builds') }}

),

renamed as (

    select
        {{ jenkins_build_id('record_json', '_file_context') }} as build_id,
        {{ jenkins_job_name('record_json', '_file_context') }} as job_name,
        cast({{ json_text('record_json', 'number') }} as {{ dbt.type_int() }}) as build_number,
        coalesce(
            lower({{ json_text('record_json', 'building') }}) = 'true',
            {{ json_text('record_json', 'result') }} is null
        ) as is_building,
        {{ json_array_first_match('record_json', 'actions', '_class', "'hudson.model.ParametersAction'") }}
            as parameters_action_json,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by build_id
            order by
                case when is_building then 1 else 0 end,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

unnested as (

    select
        build_id,
        job_name,
        build_number,
        {{ json_array_elements('parameters_action_json', 'parameters') }} as parameter_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

final as (

    select
        build_id,
        job_name,
        build_number,
        {{ json_text('parameter_json', 'name') }} as parameter_name,
        nullif({{ json_text('parameter_json', 'value') }}, '') as parameter_value,
        {{ json_text('parameter_json', '_class') }} as parameter_class,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

)

select * from final
