-- One row: how far the loaded Statuspage data reaches (`loaded_through_at`), the latest
-- update stamp of any incident, incident update or scheduled maintenance. An outage
-- still open ends here for measuring; a month is closed once this is past its end
-- (spec §6, `is_month_closed`); contract months run up to this month.
with

incidents as (

    select * from {{ ref('stg_statuspage__incidents') }}

),

incident_updates as (

    select * from {{ ref('stg_statuspage__incident_updates') }}

),

maintenances as (

    select * from {{ ref('stg_statuspage__scheduled_maintenances') }}

),

stamps as (

    select coalesce(updated_at, resolved_at, created_at) as stamp_at from incidents
    union all
    select coalesce(updated_at, display_at, created_at) as stamp_at from incident_updates
    union all
    select coalesce(updated_at, created_at) as stamp_at from maintenances

),

final as (

    select max(stamp_at) as loaded_through_at from stamps

)

select * from final
