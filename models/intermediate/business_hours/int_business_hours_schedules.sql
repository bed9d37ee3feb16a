-- One row per Zendesk business-hours schedule with its IANA zone (spec §4): the exported
-- Rails/Zendesk zone name ("Pacific Time (US & Canada)") through seed `timezone_map`; a
-- name the seed does not list is taken as an IANA name already. `is_default` marks the
-- schedule every ticket's business time uses: var `default_schedule_id`, else the schedule
-- with the lowest (numeric) id.
with

schedules as (

    select * from {{ ref('stg_zendesk__schedules') }}

),

timezone_map as (

    select * from {{ ref('timezone_map') }}

),

map_zones as (

    select
        schedules.schedule_id,
        schedules.schedule_name,
        schedules.time_zone as zendesk_time_zone,
        coalesce(timezone_map.iana_time_zone, schedules.time_zone) as time_zone,
        row_number() over (
            order by length(schedules.schedule_id), schedules.schedule_id
        ) as id_rank
    from schedules
    left join timezone_map
        on schedules.time_zone = timezone_map.zendesk_time_zone

),

final as (

    select
        schedule_id,
        schedule_name,
        zendesk_time_zone,
        time_zone,
        {% if var('default_schedule_id', none) is not none -%}
            schedule_id = '{{ var("default_schedule_id") }}' as is_default
        {%- else -%}
            id_rank = 1 as is_default
        {%- endif %}
    from map_zones

)

select * from final
