-- One row per incident of PagerDuty, Opsgenie or ServiceNow (spec §1; a ServiceNow mirror is
-- merged into its twin), with its recurrence flag and reporting month.
with

incidents as (

    select * from {{ ref('int_incidents_unified') }}

),

flag_recurrences as (

    -- A recurrence: an earlier incident of the same service and fingerprint was resolved
    -- within `recurrence_window_days` before this one triggered.
    select
        incidents.incident_id,
        count(earlier.incident_id) > 0 as is_recurrence
    from incidents
    left join incidents as earlier
        on
            incidents.service_id = earlier.service_id
            and incidents.fingerprint = earlier.fingerprint
            and incidents.incident_id != earlier.incident_id
            and incidents.triggered_at > earlier.triggered_at
            and incidents.triggered_at >= earlier.resolved_at
            and earlier.resolved_at >= {{ dbt.dateadd(
                'day',
                -1 * var('recurrence_window_days'),
                'incidents.triggered_at',
            ) }}
    group by incidents.incident_id

),

final as (

    select
        incidents.incident_id,
        incidents.source,
        incidents.source_incident_id,
        incidents.incident_number,
        incidents.title,
        incidents.service_id,
        incidents.source_service_id,
        incidents.severity,
        incidents.is_major,
        incidents.urgency,
        incidents.priority,
        incidents.status,
        incidents.fingerprint,
        incidents.triggered_at,
        incidents.acknowledged_at,
        incidents.resolved_at,
        incidents.seconds_to_ack,
        incidents.seconds_to_resolve,
        incidents.servicenow_incident_number,
        incidents.caused_by_change_sys_id,
        recurrences.is_recurrence,
        incidents.is_production,
        {{ reporting_month_start('incidents.triggered_at') }} as month_start
    from incidents
    inner join flag_recurrences as recurrences
        on incidents.incident_id = recurrences.incident_id

)

select * from final
