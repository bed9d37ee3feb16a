-- The lower bound of the transform behind kpi_incident_response and
-- kpi_support_performance (benchmarks/lower_bound.py): one hand-written DuckDB script
-- computing both marts straight from the raw tables and the reference seeds.
-- (Work in progress: kpi_support_performance below the incident part is still the dbt
-- models' compiled SQL, assembled by the former generator.)

set TimeZone = 'UTC';

-- The models' time macros, for DuckDB (macros/time/timestamps.sql).
-- iso_to_utc: ISO-8601 text with an offset (or Z) -> naive UTC timestamp.
create or replace temp macro iso_to_utc(time_text) as
    cast(cast(time_text as timestamptz) at time zone 'UTC' as timestamp);

-- naive_or_offset_to_utc: text with an offset as above; naive text is wall-clock time in
-- `time_zone` (DST-aware).
create or replace temp macro naive_or_offset_to_utc(time_text, time_zone) as
    case
        when
            upper(time_text) like '%Z'
            or substring(time_text, 12) like '%+%'
            or substring(time_text, 12) like '%-%'
            then cast(cast(time_text as timestamptz) at time zone 'UTC' as timestamp)
        else cast((cast(time_text as timestamp) at time zone time_zone) at time zone 'UTC' as timestamp)
    end;

-- seconds_between: whole seconds from `start_at` to `end_at`, truncated toward the past.
create or replace temp macro seconds_between(start_at, end_at) as
    cast(floor(date_diff('millisecond', start_at, end_at) / 1000.0) as bigint);

-- strip_digits: an incident's fingerprint from its title (lowercased, digits removed).
create or replace temp macro strip_digits(title) as
    trim(regexp_replace(lower(title), '[0-9]+', '', 'g'));

-- ---------------------------------------------------------------------------------------
-- The service catalog (stg_catalog__services, int_service_keys_unnested): both marts map
-- tool ids to services through it and keep production services only, so it is a table.
-- ---------------------------------------------------------------------------------------

-- The latest catalog file (by file name), the last row of a service_id within it.
create or replace temp table catalog_services as
with

parsed as (

    select
        json_extract_string(
            record_json,
            [
                '$.service_id', '$.is_production', '$.pagerduty_service_ids',
                '$.opsgenie_teams', '$.servicenow_cmdb_ci_ids', '$.ticket_tags',
                '$.jira_components'
            ]
        ) as fields,
        _file_path,
        _record_number
    from raw.catalog__services

),

latest_versions as (

    select
        fields[1] as service_id,
        lower(fields[2]) = 'true' as is_production,
        fields[3] as pagerduty_service_ids,
        fields[4] as opsgenie_teams,
        fields[5] as servicenow_cmdb_ci_ids,
        fields[6] as ticket_tags,
        fields[7] as jira_components,
        _file_path = max(_file_path) over () as is_latest_file
    from parsed
    qualify row_number() over (
        partition by fields[1]
        order by _file_path desc, _record_number desc
    ) = 1

)

select
    service_id,
    is_production,
    pagerduty_service_ids,
    opsgenie_teams,
    servicenow_cmdb_ci_ids,
    ticket_tags,
    jira_components
from latest_versions
where is_latest_file;

-- (source, tool id) -> service: the first 50 items of each `;`-list, trimmed; an id two
-- services claim goes to the lowest service_id.
create or replace temp table service_keys as
with

list_by_source as (

    select service_id, 'pagerduty' as source, pagerduty_service_ids as key_list
    from catalog_services
    union all
    select service_id, 'opsgenie' as source, opsgenie_teams as key_list
    from catalog_services
    union all
    select service_id, 'servicenow' as source, servicenow_cmdb_ci_ids as key_list
    from catalog_services
    union all
    select service_id, 'zendesk_tag' as source, ticket_tags as key_list
    from catalog_services
    union all
    select service_id, 'jira_component' as source, jira_components as key_list
    from catalog_services

),

split_lists as (

    select
        service_id,
        source,
        trim(unnest(string_split(key_list, ';')[1:50])) as source_key
    from list_by_source
    where key_list is not null

)

select
    source,
    source_key,
    min(service_id) as service_id
from split_lists
where source_key is not null and source_key <> ''
group by source, source_key;

-- ---------------------------------------------------------------------------------------
-- kpi_incident_response (spec §1)
-- ---------------------------------------------------------------------------------------

-- PagerDuty incidents (stg_pagerduty__incidents, int_pagerduty_incidents_timed): the
-- latest version by updated_at, then file name, then record number; triggered at the
-- first trigger log entry (else created_at), acknowledged at the first acknowledge log
-- entry at or after it (no log entries: Analytics' seconds_to_first_ack), resolved at the
-- last resolve log entry (else resolved_at/last_status_change_at when resolved).
create or replace temp table pagerduty_incidents as
with

parsed_incidents as (

    select
        json_extract_string(
            record_json,
            [
                '$.id', '$.title', '$.status', '$.urgency', '$.priority.summary',
                '$.service.id', '$.incident_key', '$.created_at', '$.updated_at',
                '$.last_status_change_at', '$.resolved_at'
            ]
        ) as fields,
        _file_path,
        _record_number
    from raw.pagerduty__incidents

),

typed_incidents as (

    select
        fields[1] as incident_id,
        fields[2] as title,
        fields[3] as status,
        fields[4] as urgency,
        fields[5] as priority_name,
        fields[6] as pagerduty_service_id,
        fields[7] as incident_key,
        iso_to_utc(fields[8]) as created_at,
        iso_to_utc(fields[9]) as updated_at,
        iso_to_utc(fields[10]) as last_status_change_at,
        iso_to_utc(fields[11]) as resolved_at,
        _file_path,
        _record_number
    from parsed_incidents

),

latest_incidents as (

    select *
    from typed_incidents
    qualify row_number() over (
        partition by incident_id
        order by
            coalesce(updated_at, last_status_change_at, created_at) desc,
            _file_path desc,
            _record_number desc
    ) = 1

),

parsed_log_entries as (

    select
        json_extract_string(record_json, ['$.id', '$.type', '$.incident.id', '$.created_at'])
            as fields,
        _file_path,
        _record_number
    from raw.pagerduty__log_entries

),

-- Exports repeat log entries: the last copy by file name, then record number.
log_entries as (

    select
        fields[2] as log_entry_type,
        fields[3] as incident_id,
        iso_to_utc(fields[4]) as created_at
    from parsed_log_entries
    qualify row_number() over (
        partition by fields[1]
        order by _file_path desc, _record_number desc
    ) = 1

),

-- One pass over the log entries: first trigger, last resolve, and every acknowledgement
-- (a handful per incident), filtered once the trigger time is known.
summarise_log_entries as (

    select
        incident_id,
        min(created_at) filter (where log_entry_type = 'trigger_log_entry') as first_trigger_at,
        max(created_at) filter (where log_entry_type = 'resolve_log_entry') as last_resolve_at,
        list(created_at) filter (
            where log_entry_type = 'acknowledge_log_entry' and created_at is not null
        ) as acknowledged_ats
    from log_entries
    group by incident_id

),

parsed_analytics as (

    select
        json_extract_string(
            record_json,
            ['$.id', '$.seconds_to_first_ack', '$.created_at', '$.resolved_at', '$.updated_at']
        ) as fields,
        nullif(trim(json_extract_string(_file_context, '$.time_zone')), '') as time_zone,
        _file_path,
        _record_number
    from raw.pagerduty__analytics_incidents

),

-- Analytics times are naive wall-clock times in the page's zone (default Etc/UTC) unless
-- they carry an offset; only the ordering needs them.
typed_analytics as (

    select
        fields[1] as incident_id,
        cast(cast(fields[2] as numeric(28, 6)) as bigint) as seconds_to_first_ack,
        nullif(trim(fields[3]), '') as created_at_text,
        nullif(trim(fields[4]), '') as resolved_at_text,
        nullif(trim(fields[5]), '') as updated_at_text,
        coalesce(time_zone, 'Etc/UTC') as time_zone,
        _file_path,
        _record_number
    from parsed_analytics

),

latest_analytics as (

    select
        incident_id,
        seconds_to_first_ack
    from typed_analytics
    qualify row_number() over (
        partition by incident_id
        order by
            coalesce(
                naive_or_offset_to_utc(updated_at_text, time_zone),
                naive_or_offset_to_utc(resolved_at_text, time_zone),
                naive_or_offset_to_utc(created_at_text, time_zone)
            ) desc,
            _file_path desc,
            _record_number desc
    ) = 1

),

set_trigger_times as (

    select
        incidents.*,
        summaries.incident_id is not null as has_log_entries,
        summaries.last_resolve_at,
        summaries.acknowledged_ats,
        coalesce(summaries.first_trigger_at, incidents.created_at) as triggered_at
    from latest_incidents as incidents
    left join summarise_log_entries as summaries
        on incidents.incident_id = summaries.incident_id

)

select
    triggered.incident_id,
    triggered.title,
    triggered.urgency,
    triggered.priority_name,
    triggered.pagerduty_service_id,
    triggered.incident_key,
    triggered.triggered_at,
    case
        when triggered.has_log_entries
            then list_min(
                list_filter(
                    triggered.acknowledged_ats,
                    lambda acknowledged_at: acknowledged_at >= triggered.triggered_at
                )
            )
        when analytics.seconds_to_first_ack is not null
            then triggered.triggered_at + cast(analytics.seconds_to_first_ack as bigint) * interval 1 second
    end as acknowledged_at,
    coalesce(
        triggered.last_resolve_at,
        case
            when triggered.status = 'resolved'
                then coalesce(triggered.resolved_at, triggered.last_status_change_at)
        end
    ) as resolved_at
from set_trigger_times as triggered
left join latest_analytics as analytics
    on triggered.incident_id = analytics.incident_id;

-- Opsgenie alerts (stg_opsgenie__alerts): the latest version by updatedAt, then file
-- name, then record number. report.ackTime/closeTime are millisecond offsets from
-- createdAt (var opsgenie_report_time_unit = 'ms').
create or replace temp table opsgenie_alerts as
with

parsed as (

    select
        json_extract_string(
            record_json,
            [
                '$.id', '$.alias', '$.message', '$.priority', '$.createdAt', '$.updatedAt',
                '$.report.ackTime', '$.report.closeTime'
            ]
        ) as fields,
        json_extract(record_json, ['$.tags', '$.responders']) as lists,
        _file_path,
        _record_number
    from raw.opsgenie__alerts

),

latest_versions as (

    select
        fields[1] as alert_id,
        fields[2] as alias,  -- noqa: RF04
        fields[3] as message,
        upper(fields[4]) as priority,
        iso_to_utc(fields[5]) as created_at,
        cast(round(cast(fields[7] as numeric(28, 6))) as bigint) as ack_offset_ms,
        cast(round(cast(fields[8] as numeric(28, 6))) as bigint) as close_offset_ms,
        nullif(array_to_string(json_extract_string(lists[1], '$[*]'), ';'), '') as tags,
        list_filter(
            cast(json_extract(lists[2], '$[*]') as varchar[]),
            lambda responder: json_extract_string(responder, '$.type') = 'team'
        )[1] as responder_team_json
    from parsed
    qualify row_number() over (
        partition by fields[1]
        order by
            coalesce(iso_to_utc(fields[6]), iso_to_utc(fields[5])) desc,
            _file_path desc,
            _record_number desc
    ) = 1

)

select
    alert_id,
    alias,  -- noqa: RF04
    message,
    priority,
    -- The value of the first `service:` tag (any case).
    case
        when position(';service:' in lower(';' || tags)) > 0
            then nullif(trim(
                string_split(substring(';' || tags, position(';service:' in lower(';' || tags)) + 9), ';')[1]
            ), '')
    end as service_tag,
    json_extract_string(responder_team_json, '$.id') as responder_team_id,
    json_extract_string(responder_team_json, '$.name') as responder_team_name,
    created_at,
    created_at + ack_offset_ms * interval 1 millisecond as acknowledged_at,
    created_at + close_offset_ms * interval 1 millisecond as closed_at
from latest_versions;

-- ServiceNow incidents (stg_servicenow__incidents, int_servicenow_incidents_timed): the
-- latest version by sys_updated_on, then file name, then record number; "" is NULL;
-- canceled (state 8) left out; acknowledged at the first audited change of state to 2 at
-- or after opening.
create or replace temp table servicenow_incidents as
with

parsed_incidents as (

    select
        json_extract_string(
            record_json,
            [
                '$.sys_id', '$.state', '$.incident_state', '$.priority', '$.short_description',
                '$.opened_at', '$.resolved_at', '$.sys_created_on', '$.sys_updated_on',
                '$.cmdb_ci.value', '$.cmdb_ci', '$.correlation_id'
            ]
        ) as fields,
        _file_path,
        _record_number
    from raw.servicenow__incident

),

latest_incidents as (

    select
        fields[1] as incident_sys_id,
        coalesce(nullif(fields[2], ''), nullif(fields[3], '')) as state,
        nullif(fields[4], '') as priority,
        nullif(fields[5], '') as short_description,
        cast(nullif(trim(fields[6]), '') as timestamp) as opened_at,
        cast(nullif(trim(fields[7]), '') as timestamp) as resolved_at,
        -- A reference is {link, value} or a bare sys_id.
        case
            when fields[10] is not null then nullif(trim(fields[10]), '')
            when substring(fields[11], 1, 1) = '{' then null
            else nullif(trim(fields[11]), '')
        end as cmdb_ci_sys_id,
        nullif(trim(fields[12]), '') as correlation_id
    from parsed_incidents
    qualify row_number() over (
        partition by fields[1]
        order by
            coalesce(
                cast(nullif(trim(fields[9]), '') as timestamp),
                cast(nullif(trim(fields[8]), '') as timestamp),
                cast(nullif(trim(fields[6]), '') as timestamp)
            ) desc,
            _file_path desc,
            _record_number desc
    ) = 1

),

parsed_audits as (

    select
        json_extract_string(
            record_json,
            [
                '$.sys_id', '$.tablename', '$.fieldname', '$.documentkey.value', '$.documentkey',
                '$.newvalue', '$.sys_created_on'
            ]
        ) as fields,
        _file_path,
        _record_number
    from raw.servicenow__sys_audit

),

-- Exports repeat audit rows: the copy with the latest sys_created_on, then the last by
-- file name, then record number.
audits as (

    select
        nullif(fields[2], '') as table_name,
        nullif(fields[3], '') as field_name,
        case
            when fields[4] is not null then nullif(trim(fields[4]), '')
            when substring(fields[5], 1, 1) = '{' then null
            else nullif(trim(fields[5]), '')
        end as document_sys_id,
        nullif(fields[6], '') as new_value,
        cast(nullif(trim(fields[7]), '') as timestamp) as created_at
    from parsed_audits
    qualify row_number() over (
        partition by fields[1]
        order by
            cast(nullif(trim(fields[7]), '') as timestamp) desc,
            _file_path desc,
            _record_number desc
    ) = 1

),

find_first_acknowledgements as (

    select
        incidents.incident_sys_id,
        min(audits.created_at) as acknowledged_at
    from latest_incidents as incidents
    inner join audits
        on
            incidents.incident_sys_id = audits.document_sys_id
            and audits.table_name = 'incident'
            and audits.field_name in ('state', 'incident_state')
            and audits.new_value = '2'
            and incidents.opened_at <= audits.created_at
    group by incidents.incident_sys_id

)

select
    incidents.incident_sys_id,
    incidents.priority,
    incidents.short_description,
    incidents.cmdb_ci_sys_id,
    incidents.correlation_id,
    incidents.opened_at as triggered_at,
    acknowledgements.acknowledged_at,
    incidents.resolved_at
from latest_incidents as incidents
left join find_first_acknowledgements as acknowledgements
    on incidents.incident_sys_id = acknowledgements.incident_sys_id
where incidents.state != '8';

-- Every production incident (int_incidents_unified, fct_incidents): PagerDuty incidents,
-- Opsgenie alerts and the ServiceNow incidents that mirror neither (a ServiceNow incident
-- whose correlation_id names a PagerDuty incident or an Opsgenie alias is merged into it,
-- and nothing of it reaches this mart). Services are mapped as the models map them;
-- unmapped ones are production.
create or replace temp table production_incidents as
with

map_pagerduty as (

    select
        'pagerduty:' || incidents.incident_id as incident_id,
        coalesce(
            service_keys.service_id, 'unmapped:pagerduty:' || incidents.pagerduty_service_id
        ) as service_id,
        -- The priority decides; without a (known) priority, the urgency.
        coalesce(by_priority.severity, by_urgency.severity) as severity,
        coalesce(nullif(incidents.incident_key, ''), strip_digits(incidents.title)) as fingerprint,
        incidents.triggered_at,
        incidents.acknowledged_at,
        incidents.resolved_at
    from pagerduty_incidents as incidents
    left join service_keys
        on
            service_keys.source = 'pagerduty'
            and incidents.pagerduty_service_id = service_keys.source_key
    left join reference.severity_map as by_priority
        on
            by_priority.source = 'pagerduty'
            and by_priority.source_field = 'priority'
            and incidents.priority_name = by_priority.source_value
    left join reference.severity_map as by_urgency
        on
            by_urgency.source = 'pagerduty'
            and by_urgency.source_field = 'urgency'
            and incidents.urgency = by_urgency.source_value

),

map_opsgenie as (

    -- Service: a `service:<id>` tag naming a catalog service, else the responder team
    -- listed in the catalog's opsgenie_teams (by id, then by name).
    select
        'opsgenie:' || alerts.alert_id as incident_id,
        coalesce(
            tagged.service_id,
            by_team_id.service_id,
            by_team_name.service_id,
            'unmapped:opsgenie:'
            || coalesce(alerts.service_tag, alerts.responder_team_name, alerts.responder_team_id, 'none')
        ) as service_id,
        by_priority.severity,
        coalesce(nullif(alerts.alias, ''), strip_digits(alerts.message)) as fingerprint,
        alerts.created_at as triggered_at,
        alerts.acknowledged_at,
        alerts.closed_at as resolved_at
    from opsgenie_alerts as alerts
    left join catalog_services as tagged
        on alerts.service_tag = tagged.service_id
    left join service_keys as by_team_id
        on
            by_team_id.source = 'opsgenie'
            and alerts.responder_team_id = by_team_id.source_key
    left join service_keys as by_team_name
        on
            by_team_name.source = 'opsgenie'
            and alerts.responder_team_name = by_team_name.source_key
    left join reference.severity_map as by_priority
        on
            by_priority.source = 'opsgenie'
            and by_priority.source_field = 'priority'
            and alerts.priority = by_priority.source_value

),

map_unlinked_servicenow as (

    select
        'servicenow:' || incidents.incident_sys_id as incident_id,
        coalesce(
            service_keys.service_id,
            'unmapped:servicenow:' || coalesce(incidents.cmdb_ci_sys_id, 'none')
        ) as service_id,
        by_priority.severity,
        strip_digits(incidents.short_description) as fingerprint,
        incidents.triggered_at,
        incidents.acknowledged_at,
        incidents.resolved_at
    from servicenow_incidents as incidents
    left join service_keys
        on
            service_keys.source = 'servicenow'
            and incidents.cmdb_ci_sys_id = service_keys.source_key
    left join reference.severity_map as by_priority
        on
            by_priority.source = 'servicenow'
            and by_priority.source_field = 'priority'
            and incidents.priority = by_priority.source_value
    where
        not exists (
            select 1 from pagerduty_incidents as pagerduty
            where incidents.correlation_id = pagerduty.incident_id
        )
        and not exists (
            select 1 from opsgenie_alerts as opsgenie
            where incidents.correlation_id = opsgenie.alias
        )

),

union_sources as (

    select * from map_pagerduty
    union all
    select * from map_opsgenie
    union all
    select * from map_unlinked_servicenow

)

select
    incidents.*,
    seconds_between(incidents.triggered_at, incidents.acknowledged_at) as seconds_to_ack,
    seconds_between(incidents.triggered_at, incidents.resolved_at) as seconds_to_resolve,
    -- The reporting month (var reporting_timezone = 'UTC').
    cast(date_trunc('month', cast((incidents.triggered_at at time zone 'UTC') at time zone 'UTC' as timestamp)) as date)
        as month_start
from union_sources as incidents
left join catalog_services as services
    on incidents.service_id = services.service_id
-- fct_incidents drops an incident without an id (its inner join on incident_id).
where coalesce(services.is_production, true) and incidents.incident_id is not null;

create or replace temp table kpi_incident_response as
with

-- A recurrence: an earlier incident of the same service and fingerprint resolved within
-- var recurrence_window_days (30) before this one triggered. Same service, so both are
-- production incidents: the non-production ones need not be looked at.
flag_recurrences as (

    select
        incidents.*,
        exists (
            select 1 from production_incidents as earlier
            where
                incidents.service_id = earlier.service_id
                and incidents.fingerprint = earlier.fingerprint
                and incidents.incident_id != earlier.incident_id
                and incidents.triggered_at > earlier.triggered_at
                and incidents.triggered_at >= earlier.resolved_at
                and earlier.resolved_at >= incidents.triggered_at - interval 30 day
        ) as is_recurrence
    from production_incidents as incidents

),

aggregate_incidents as (

    select
        month_start,
        service_id,
        severity,
        count(*) as incidents,
        count(acknowledged_at) as acknowledged,
        count(resolved_at) as resolved,
        count(*) filter (where is_recurrence) as recurrences,
        avg(seconds_to_ack) as mean_seconds_to_ack,
        avg(seconds_to_resolve) as mean_seconds_to_resolve,
        quantile_cont(seconds_to_ack, 0.5) as p50_seconds_to_ack,
        quantile_cont(seconds_to_ack, 0.9) as p90_seconds_to_ack,
        quantile_cont(seconds_to_resolve, 0.5) as p50_seconds_to_resolve,
        quantile_cont(seconds_to_resolve, 0.9) as p90_seconds_to_resolve
    from flag_recurrences
    group by month_start, service_id, severity

),

-- The most specific MTTR target: the service's own row before `*`, then the severity's
-- own row before `*`.
pick_mttr_targets as (

    select
        aggregated.month_start,
        aggregated.service_id,
        aggregated.severity,
        arg_min(
            targets.target_value,
            (case when targets.service_id = '*' then 1 else 0 end)
            * 2 + (case when targets.severity = '*' then 1 else 0 end)
        ) as target_value
    from aggregate_incidents as aggregated
    inner join reference.kpi_targets as targets
        on
            targets.kpi = 'mttr_minutes'
            and targets.service_id in (aggregated.service_id, '*')
            and targets.severity in (aggregated.severity, '*')
    group by aggregated.month_start, aggregated.service_id, aggregated.severity

)

select
    aggregated.month_start,
    aggregated.service_id,
    aggregated.severity,
    cast(aggregated.incidents as integer) as incidents,
    cast(aggregated.acknowledged as integer) as acknowledged,
    cast(aggregated.resolved as integer) as resolved,
    cast(round(cast(aggregated.mean_seconds_to_ack / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as mtta_minutes,
    cast(round(cast(aggregated.mean_seconds_to_resolve / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as mttr_minutes,
    cast(round(cast(aggregated.p50_seconds_to_ack / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as tta_p50_minutes,
    cast(round(cast(aggregated.p90_seconds_to_ack / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as tta_p90_minutes,
    cast(round(cast(aggregated.p50_seconds_to_resolve / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as ttr_p50_minutes,
    cast(round(cast(aggregated.p90_seconds_to_resolve / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as ttr_p90_minutes,
    cast(round(cast(100.0 * aggregated.recurrences / nullif(aggregated.incidents, 0) as decimal(38, 6)), 2) as decimal(5, 2))
        as recurrence_rate_pct,
    cast(targets.target_value as decimal(18, 2)) as mttr_target_minutes,
    -- Compared on the unrounded mean; NULL without a resolved incident or a target.
    aggregated.mean_seconds_to_resolve / 60.0 > 1.3 * targets.target_value as is_mttr_over_target_30pct
from aggregate_incidents as aggregated
left join pick_mttr_targets as targets
    on
        aggregated.month_start = targets.month_start
        and aggregated.service_id = targets.service_id
        and aggregated.severity = targets.severity;

-- ---------------------------------------------------------------------------------------
-- kpi_support_performance: the dbt models' compiled SQL (to be replaced)
-- ---------------------------------------------------------------------------------------

-- stg_catalog__services
create or replace temp table stg_catalog__services as
-- The service catalog as it is now: the rows of the latest catalog file (by file name),
-- the last row of a service_id within it winning. Lists stay `;`-separated text here;
-- `int_service_keys_unnested` turns them into one row per tool id.
with

source as (

    select * from raw.catalog__services

),

renamed as (

    select
        json_extract_string(record_json, '$.service_id') as service_id,
        json_extract_string(record_json, '$.service_name') as service_name,
        lower(json_extract_string(record_json, '$.criticality')) as criticality,
        json_extract_string(record_json, '$.owner_team') as owner_team,
        lower(json_extract_string(record_json, '$.is_production')) = 'true' as is_production,
        json_extract_string(record_json, '$.pagerduty_service_ids') as pagerduty_service_ids,
        json_extract_string(record_json, '$.opsgenie_teams') as opsgenie_teams,
        json_extract_string(record_json, '$.statuspage_component_ids') as statuspage_component_ids,
        json_extract_string(record_json, '$.servicenow_cmdb_ci_ids') as servicenow_cmdb_ci_ids,
        json_extract_string(record_json, '$.gitlab_project_ids') as gitlab_project_ids,
        json_extract_string(record_json, '$.jenkins_jobs') as jenkins_jobs,
        json_extract_string(record_json, '$.github_repos') as github_repos,
        json_extract_string(record_json, '$.ticket_tags') as ticket_tags,
        json_extract_string(record_json, '$.jira_components') as jira_components,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        _file_path = max(_file_path) over () as is_latest_file,
        row_number() over (
            partition by service_id
            order by _file_path desc, _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        service_id,
        service_name,
        criticality,
        owner_team,
        is_production,
        pagerduty_service_ids,
        opsgenie_teams,
        statuspage_component_ids,
        servicenow_cmdb_ci_ids,
        gitlab_project_ids,
        jenkins_jobs,
        github_repos,
        ticket_tags,
        jira_components,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where is_latest_file and version_rank = 1

)

select * from final;

-- int_service_keys_unnested
create or replace temp table int_service_keys_unnested as
-- One row per tool id named in the service catalog: (source, source_key) -> service_id.
-- Every source joins its own ids to catalog services through this one model.
with

services as (

    select * from temp.main.stg_catalog__services

),

positions as (

    
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position union all
    select 11 as position union all
    select 12 as position union all
    select 13 as position union all
    select 14 as position union all
    select 15 as position union all
    select 16 as position union all
    select 17 as position union all
    select 18 as position union all
    select 19 as position union all
    select 20 as position union all
    select 21 as position union all
    select 22 as position union all
    select 23 as position union all
    select 24 as position union all
    select 25 as position union all
    select 26 as position union all
    select 27 as position union all
    select 28 as position union all
    select 29 as position union all
    select 30 as position union all
    select 31 as position union all
    select 32 as position union all
    select 33 as position union all
    select 34 as position union all
    select 35 as position union all
    select 36 as position union all
    select 37 as position union all
    select 38 as position union all
    select 39 as position union all
    select 40 as position union all
    select 41 as position union all
    select 42 as position union all
    select 43 as position union all
    select 44 as position union all
    select 45 as position union all
    select 46 as position union all
    select 47 as position union all
    select 48 as position union all
    select 49 as position union all
    select 50 as position

),

list_by_source as (

        select
            service_id,
            'pagerduty' as source,
            pagerduty_service_ids as key_list
        from services

            union all

        select
            service_id,
            'opsgenie' as source,
            opsgenie_teams as key_list
        from services

            union all

        select
            service_id,
            'statuspage' as source,
            statuspage_component_ids as key_list
        from services

            union all

        select
            service_id,
            'servicenow' as source,
            servicenow_cmdb_ci_ids as key_list
        from services

            union all

        select
            service_id,
            'gitlab' as source,
            gitlab_project_ids as key_list
        from services

            union all

        select
            service_id,
            'jenkins' as source,
            jenkins_jobs as key_list
        from services

            union all

        select
            service_id,
            'github' as source,
            github_repos as key_list
        from services

            union all

        select
            service_id,
            'zendesk_tag' as source,
            ticket_tags as key_list
        from services

            union all

        select
            service_id,
            'jira_component' as source,
            jira_components as key_list
        from services

),

split_lists as (

    select
        list_by_source.service_id,
        list_by_source.source,
        trim(string_split(list_by_source.key_list, ';')[positions.position]) as source_key
    from list_by_source
    cross join positions
    where list_by_source.key_list is not null

),

resolve_conflicts as (

    -- A tool id claimed by two services is a catalog error: the lowest service_id keeps
    -- it (deterministic) and `claiming_services` > 1 makes a data test warn.
    select
        source,
        source_key,
        min(service_id) as service_id,
        count(distinct service_id) as claiming_services
    from split_lists
    where source_key is not null and source_key <> ''
    group by source, source_key

),

final as (

    select
        source,
        source_key,
        service_id,
        claiming_services
    from resolve_conflicts

)

select * from final;

-- stg_zendesk__tickets
create or replace temp table stg_zendesk__tickets as
-- The latest version of each Zendesk ticket: by `generated_timestamp` (Unix epoch
-- seconds, the most accurate last-change stamp of the incremental export; a copy without
-- it falls back to updated_at), then updated_at, then file name, then record number:
-- never by load order. Subject, description, custom fields and e-mail addresses are not
-- staged (they may hold personal data); tags are `;`-joined here and one row per tag in
-- stg_zendesk__ticket_tags.
with

source as (

    select * from raw.zendesk__tickets

),

renamed as (

    select
        json_extract_string(record_json, '$.id') as ticket_id,
        lower(json_extract_string(record_json, '$.status')) as status,
        lower(json_extract_string(record_json, '$.priority')) as priority,
        lower(json_extract_string(record_json, '$.type')) as ticket_type,
        json_extract_string(record_json, '$.requester_id') as requester_id,
        json_extract_string(record_json, '$.submitter_id') as submitter_id,
        json_extract_string(record_json, '$.assignee_id') as assignee_id,
        json_extract_string(record_json, '$.group_id') as group_id,
        json_extract_string(record_json, '$.organization_id') as organization_id,
        json_extract_string(record_json, '$.brand_id') as brand_id,
        json_extract_string(record_json, '$.ticket_form_id') as ticket_form_id,
        json_extract_string(record_json, '$.custom_status_id') as custom_status_id,
        json_extract_string(record_json, '$.problem_id') as problem_id,
        json_extract_string(record_json, '$.via.channel') as channel,
        nullif(array_to_string(cast(json_extract_string(record_json, '$.tags[*]') as varchar[]), ';'), '') as tags,
        json_extract_string(record_json, '$.satisfaction_rating.id') as satisfaction_rating_id,
        lower(json_extract_string(record_json, '$.satisfaction_rating.score')) as satisfaction_score,
        lower(json_extract_string(record_json, '$.is_public')) = 'true' as is_public,
        lower(json_extract_string(record_json, '$.has_incidents')) = 'true' as has_incidents,
        lower(json_extract_string(record_json, '$.from_messaging_channel')) = 'true'
            as is_from_messaging_channel,
        cast(cast(json_extract_string(record_json, '$.created_at') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.updated_at') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
        cast(cast(json_extract_string(record_json, '$.due_at') as timestamptz) at time zone 'UTC' as timestamp) as due_at,
        make_timestamp(cast(json_extract_string(record_json, '$.generated_timestamp') as bigint) * 1000000) as generated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_id
            order by
                coalesce(generated_at, updated_at, created_at) desc,
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        ticket_id,
        status,
        priority,
        ticket_type,
        requester_id,
        submitter_id,
        assignee_id,
        group_id,
        organization_id,
        brand_id,
        ticket_form_id,
        custom_status_id,
        problem_id,
        channel,
        tags,
        satisfaction_rating_id,
        satisfaction_score,
        is_public,
        has_incidents,
        is_from_messaging_channel,
        created_at,
        updated_at,
        due_at,
        generated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final;

-- stg_zendesk__ticket_tags
create or replace temp view stg_zendesk__ticket_tags as
-- One row per tag of the latest version of each Zendesk ticket (ranked exactly as
-- stg_zendesk__tickets), so a tag removed since an older export is gone. The catalog's
-- `ticket_tags` route a ticket to its service through these rows (landing.md). A tag
-- repeated within one ticket's array appears once.
with

source as (

    select * from raw.zendesk__tickets

),

versions as (

    select
        json_extract_string(record_json, '$.id') as ticket_id,
        cast(cast(json_extract_string(record_json, '$.created_at') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.updated_at') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
        make_timestamp(cast(json_extract_string(record_json, '$.generated_timestamp') as bigint) * 1000000) as generated_at,
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
            partition by ticket_id
            order by
                coalesce(generated_at, updated_at, created_at) desc,
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

unnested as (

    select
        ticket_id,
        unnest(cast(json_extract(record_json, '$.tags[*]') as varchar[])) as tag_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

tags_read as (

    select
        ticket_id,
        json_extract_string(tag_json, '$') as tag,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

),

final as (

    select distinct
        ticket_id,
        tag,
        _file_path,
        _record_number,
        _loaded_at
    from tags_read
    where tag <> ''

)

select * from final;

-- stg_jira__issues
create or replace temp table stg_jira__issues as
-- The latest version of each Jira Service Management issue (by `fields.updated`, then file
-- name, then record number: never by load order). Times converted from Jira's `+HHMM`
-- offsets to UTC. The request type and the Organizations field are custom fields whose ids
-- differ per site: they are found by the shape of their value, not by a customfield id.
-- The reporter is personal data: only its key is exposed, never a name or an e-mail.

with

source as (

    select * from raw.jira__issues

),

renamed as (

    select
        json_extract_string(record_json, '$.id') as issue_id,
        json_extract_string(record_json, '$.key') as issue_key,
        coalesce(
            json_extract_string(record_json, '$.fields.project.key'),
            
    string_split(json_extract_string(record_json, '$.key'), '-')[ 1 ]

        ) as project_key,
        json_extract_string(record_json, '$.fields.issuetype.name') as issue_type,
        json_extract_string(record_json, '$.fields.status.id') as status_id,
        json_extract_string(record_json, '$.fields.status.name') as status_name,
        json_extract_string(record_json, '$.fields.status.statusCategory.key') as status_category,
        json_extract_string(record_json, '$.fields.priority.name') as priority,
        json_extract_string(record_json, '$.fields.resolution.name') as resolution,
        json_extract_string(record_json, '$.fields.assignee.accountId') as assignee_account_id,
        case
        when coalesce(nullif(json_extract_string(record_json, '$.fields.reporter.emailAddress'), ''), json_extract_string(record_json, '$.fields.reporter.accountId')) like 'hmac-sha256:%'
            then substring(coalesce(nullif(json_extract_string(record_json, '$.fields.reporter.emailAddress'), ''), json_extract_string(record_json, '$.fields.reporter.accountId')), 13)
        else sha256(unhex('2f3d312c30392f71333230257137392571323328713d712f393f2e39285c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c') || unhex(sha256(unhex('45575b465a53451b59585a4f1b5d534f1b5859421b571b4553554453423636363636363636363636363636363636363636363636363636363636363636363636') || encode(lower(trim(coalesce(nullif(json_extract_string(record_json, '$.fields.reporter.emailAddress'), ''), json_extract_string(record_json, '$.fields.reporter.accountId'))))))))
    end as reporter_key,
        nullif(array_to_string(cast(json_extract_string(record_json, '$.fields.components[*].name') as varchar[]), ';'), '') as components,
        nullif(array_to_string(cast(json_extract_string(record_json, '$.fields.labels[*]') as varchar[]), ';'), '') as labels,
        json_extract_string(
        list_filter(
            cast(json_extract(record_json, '$.fields.*') as varchar[]),
            lambda member_value: json_extract_string(member_value, '$.requestType.id') is not null
        )[1],
        '$.requestType.id'
    ) as request_type_id,
        json_extract_string(
        list_filter(
            cast(json_extract(record_json, '$.fields.*') as varchar[]),
            lambda member_value: json_extract_string(member_value, '$.requestType.name') is not null
        )[1],
        '$.requestType.name'
    ) as request_type,
        json_extract_string(
        list_filter(
            cast(json_extract(record_json, '$.fields.*') as varchar[]),
            lambda member_value: json_extract_string(member_value, '$[0]._links.self') is not null and json_extract_string(member_value, '$[0]._links.self') like '%/servicedeskapi/organization/%'
        )[1],
        '$[0].id'
    ) as organization_id,
        cast(cast(json_extract_string(record_json, '$.fields.created') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.fields.updated') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
        cast(cast(json_extract_string(record_json, '$.fields.resolutiondate') as timestamptz) at time zone 'UTC' as timestamp) as resolved_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by issue_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        issue_id,
        issue_key,
        project_key,
        issue_type,
        status_id,
        status_name,
        status_category,
        priority,
        resolution,
        assignee_account_id,
        reporter_key,
        components,
        labels,
        request_type_id,
        request_type,
        organization_id,
        created_at,
        updated_at,
        resolved_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final;

-- stg_jira__issue_components
create or replace temp view stg_jira__issue_components as
-- One row per component (`fields.components[]`) of the latest version of each Jira issue
-- (ranked exactly as stg_jira__issues), so a component removed since an older export is
-- gone. The catalog's `jira_components` map a component to its service.
with

source as (

    select * from raw.jira__issues

),

versions as (

    select
        json_extract_string(record_json, '$.id') as issue_id,
        cast(cast(json_extract_string(record_json, '$.fields.created') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.fields.updated') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
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
            partition by issue_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

unnested as (

    select
        issue_id,
        unnest(cast(json_extract(record_json, '$.fields.components[*]') as varchar[])) as component_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

final as (

    select
        issue_id,
        json_extract_string(component_json, '$.id') as component_id,
        json_extract_string(component_json, '$.name') as component_name,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

)

select * from final;

-- int_tickets_unified
create or replace temp table int_tickets_unified as
-- Support tickets of Zendesk and Jira Service Management in one shape (spec §2): status
-- on Zendesk's scale (new, open, pending, hold, solved, closed; JSM statuses through seed
-- `ticket_status_map`, else by status category), priority on Zendesk's scale, the catalog
-- service (Zendesk tags in the catalog's `ticket_tags`, JSM components in
-- `jira_components`; the lowest service id when several match; NULL when none) and the
-- organization that leads to the customer's contract.
with

zendesk_tickets as (

    select * from temp.main.stg_zendesk__tickets

),

zendesk_tags as (

    select * from temp.main.stg_zendesk__ticket_tags

),

jira_issues as (

    select * from temp.main.stg_jira__issues

),

jira_components as (

    select * from temp.main.stg_jira__issue_components

),

service_keys as (

    select * from temp.main.int_service_keys_unnested

),

status_map as (

    select * from reference.ticket_status_map

),

map_zendesk_services as (

    select
        zendesk_tags.ticket_id,
        min(service_keys.service_id) as service_id
    from zendesk_tags
    inner join service_keys
        on service_keys.source = 'zendesk_tag' and zendesk_tags.tag = service_keys.source_key
    group by zendesk_tags.ticket_id

),

map_jira_services as (

    select
        jira_components.issue_id,
        min(service_keys.service_id) as service_id
    from jira_components
    inner join service_keys
        on
            service_keys.source = 'jira_component'
            and jira_components.component_name = service_keys.source_key
    group by jira_components.issue_id

),

map_zendesk as (

    select
        'zendesk:' || tickets.ticket_id as ticket_id,
        'zendesk' as source,
        tickets.ticket_id as source_ticket_id,
        tickets.status,
        tickets.priority,
        tickets.ticket_type,
        tickets.channel,
        tickets.group_id,
        tickets.organization_id,
        tickets.requester_id,
        tickets.submitter_id,
        tickets.assignee_id,
        services.service_id,
        tickets.tags,
        tickets.created_at,
        tickets.updated_at
    from zendesk_tickets as tickets
    left join map_zendesk_services as services
        on tickets.ticket_id = services.ticket_id

),

map_jira as (

    select
        'jira:' || issues.issue_key as ticket_id,
        'jira' as source,
        issues.issue_key as source_ticket_id,
        coalesce(
            status_map.status,
            case issues.status_category
                when 'new' then 'new'
                when 'done' then 'solved'
                else 'open'
            end
        ) as status,
        case lower(issues.priority)
            when 'highest' then 'urgent'
            when 'high' then 'high'
            when 'medium' then 'normal'
            when 'low' then 'low'
            when 'lowest' then 'low'
        end as priority,
        issues.issue_type as ticket_type,
        'jira' as channel,
        cast(null as TEXT) as group_id,
        issues.organization_id,
        cast(null as TEXT) as requester_id,
        cast(null as TEXT) as submitter_id,
        issues.assignee_account_id as assignee_id,
        services.service_id,
        issues.labels as tags,
        issues.created_at,
        issues.updated_at
    from jira_issues as issues
    left join map_jira_services as services
        on issues.issue_id = services.issue_id
    left join status_map
        on status_map.source = 'jira' and lower(issues.status_name) = status_map.source_status

),

final as (

    select * from map_zendesk
    union all
    select * from map_jira

)

select * from final;

-- stg_zendesk__ticket_audit_events
create or replace temp table stg_zendesk__ticket_audit_events as
-- One row per event of each Zendesk ticket audit (of the copy stg_zendesk__ticket_audits
-- keeps): field changes (`Create`/`Change` with field_name, previous_value, value; the
-- status, group, priority and assignee history), comments, notifications, … All events
-- are kept; the audit gives ticket, author and time. An event without an `id` is keyed
-- `<audit_id>:<position in events[]>`.
--
-- Personal data and free text stay in raw: comment bodies are never read into a column
-- (a `Comment` keeps only `is_public` and `has_comment`), and value/previous_value are
-- staged only for the ticket's system fields listed in `is_value_field`; for any other
-- field (subject, description, custom fields) they are NULL and `is_value_withheld` is
-- true. Array values (`tags`) are `;`-joined like stg_zendesk__tickets.tags.
--
-- Incremental by audit: a run reads the raw rows of audits that arrived in files loaded
-- since the last run, ranks every stored copy of those audits again and replaces all
-- their events (`unique_key` is the audit, so an audit's events are swapped as a set), so
-- an incremental history equals a full rebuild. A table, not a view over the source:
-- audit events are the largest Zendesk stream and every status-history model reads them.


with

source as (

    select * from raw.zendesk__ticket_audits

),

audits as (

    select
        json_extract_string(record_json, '$.id') as audit_id,
        json_extract_string(record_json, '$.ticket_id') as ticket_id,
        json_extract_string(record_json, '$.author_id') as author_id,
        cast(cast(json_extract_string(record_json, '$.created_at') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        record_json,
        _file_path,
        _record_number,
        _loaded_at
    from source

),


ranked as (

    select
        audits.*,
        row_number() over (
            partition by audits.audit_id
            order by audits._file_path desc, audits._record_number desc
        ) as version_rank
    from audits
    

),

unnested as (

    select
        audit_id,
        ticket_id,
        author_id,
        created_at,
        unnest(cast(json_extract(record_json, '$.events[*]') as varchar[])) as event_json,
    generate_subscripts(cast(json_extract(record_json, '$.events[*]') as varchar[]), 1) as event_position,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

events_read as (

    select
        json_extract_string(event_json, '$.id') as event_id,
        audit_id,
        ticket_id,
        author_id,
        cast(event_position as integer) as event_position,
        json_extract_string(event_json, '$.type') as event_type,
        json_extract_string(event_json, '$.field_name') as field_name,
        coalesce(
            json_extract_string(event_json, '$.field_name') in (
                'status', 'priority', 'type', 'group_id', 'assignee_id', 'requester_id',
                'submitter_id', 'organization_id', 'brand_id', 'ticket_form_id',
                'custom_status_id', 'problem_id', 'tags', 'is_public', 'satisfaction_score'
            ),
            false
        ) as is_value_field,
        json_extract_string(event_json, '$.previous_value') as previous_value_text,
        json_extract_string(event_json, '$.value') as value_text,
        lower(json_extract_string(event_json, '$.public')) = 'true' as is_public,
        case
            when json_extract_string(event_json, '$.type') in ('Comment', 'VoiceComment')
                then coalesce(
                    trim(
                        coalesce(
                            json_extract_string(event_json, '$.plain_body'),
                            json_extract_string(event_json, '$.body'),
                            json_extract_string(event_json, '$.html_body')
                        )
                    ) <> '',
                    false
                )
        end as has_comment,
        json_extract_string(event_json, '$.author_id') as comment_author_id,
        event_json,
        created_at,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

),

final as (

    select
        coalesce(
            event_id,
            audit_id || ':' || cast(event_position as TEXT)
        ) as audit_event_id,
        audit_id,
        ticket_id,
        author_id,
        event_position,
        event_type,
        field_name,
        case
            when not is_value_field then null
            when previous_value_text like '[%' then nullif(array_to_string(cast(json_extract_string(event_json, '$.previous_value[*]') as varchar[]), ';'), '')
            else previous_value_text
        end as previous_value,
        case
            when not is_value_field then null
            when value_text like '[%' then nullif(array_to_string(cast(json_extract_string(event_json, '$.value[*]') as varchar[]), ';'), '')
            else value_text
        end as value,  -- noqa: RF04
        not is_value_field and (previous_value_text is not null or value_text is not null)
            as is_value_withheld,
        is_public,
        has_comment,
        case when event_type in ('Comment', 'VoiceComment') then comment_author_id end
            as comment_author_id,
        created_at,
        _file_path,
        _record_number,
        _loaded_at
    from events_read

)

select * from final;

-- stg_zendesk__ticket_metric_events
create or replace temp table stg_zendesk__ticket_metric_events as
-- One row per Zendesk ticket metric event: the SLA history of each ticket (activate,
-- pause, fulfill, apply_sla, apply_group_sla, breach, update_status, measure). Events
-- never change, but incremental pages and re-exports repeat them: the last copy by file
-- name, then record number, wins. Type-specific fields become columns: `apply_sla` gives
-- the target (`sla.target` minutes, `sla.target_in_seconds`), `sla.business_hours` and
-- the policy; `apply_group_sla` the same from `group_sla`; `update_status` the
-- `status.{calendar,business}` minutes; `breach` its `deleted` flag. A deleted breach is
-- kept (`is_deleted`): Zendesk says to ignore it, and the reconciliation needs to see it.
--
-- Incremental by key: a run reads only the raw rows of events that arrived in files
-- loaded since the last run, ranks every stored copy of those events again and replaces
-- them, so an incremental history equals a full rebuild.


with

source as (

    select * from raw.zendesk__ticket_metric_events

),

renamed as (

    select
        json_extract_string(record_json, '$.id') as metric_event_id,
        json_extract_string(record_json, '$.ticket_id') as ticket_id,
        lower(json_extract_string(record_json, '$.metric')) as metric,
        cast(cast(cast(json_extract_string(record_json, '$.instance_id') as numeric(28,6)) as bigint) as integer) as instance_id,
        lower(json_extract_string(record_json, '$.type')) as event_type,
        cast(cast(json_extract_string(record_json, '$.time') as timestamptz) at time zone 'UTC' as timestamp) as event_at,
        coalesce(lower(json_extract_string(record_json, '$.deleted')) = 'true', false) as is_deleted,
        coalesce(
            cast(cast(json_extract_string(record_json, '$.sla.target') as numeric(28,6)) as bigint),
            cast(cast(json_extract_string(record_json, '$.group_sla.target') as numeric(28,6)) as bigint)
        ) as sla_target_minutes,
        coalesce(
            cast(cast(json_extract_string(record_json, '$.sla.target_in_seconds') as numeric(28,6)) as bigint),
            cast(cast(json_extract_string(record_json, '$.sla.target') as numeric(28,6)) as bigint) * 60,
            cast(cast(json_extract_string(record_json, '$.group_sla.target') as numeric(28,6)) as bigint) * 60
        ) as sla_target_seconds,
        lower(
            coalesce(
                json_extract_string(record_json, '$.sla.business_hours'),
                json_extract_string(record_json, '$.group_sla.business_hours')
            )
        ) = 'true' as sla_is_business_hours,
        coalesce(
            json_extract_string(record_json, '$.sla.policy.id'),
            json_extract_string(record_json, '$.group_sla.policy.id')
        ) as sla_policy_id,
        coalesce(
            json_extract_string(record_json, '$.sla.policy.title'),
            json_extract_string(record_json, '$.group_sla.policy.title')
        ) as sla_policy_title,
        cast(cast(json_extract_string(record_json, '$.status.calendar') as numeric(28,6)) as bigint) as status_calendar_minutes,
        cast(cast(json_extract_string(record_json, '$.status.business') as numeric(28,6)) as bigint) as status_business_minutes,
        _file_path,
        _record_number,
        _loaded_at
    from source

),


ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.metric_event_id
            order by renamed._file_path desc, renamed._record_number desc
        ) as version_rank
    from renamed
    

),

final as (

    select
        metric_event_id,
        ticket_id,
        metric,
        instance_id,
        event_type,
        event_at,
        is_deleted,
        sla_target_minutes,
        sla_target_seconds,
        sla_is_business_hours,
        sla_policy_id,
        sla_policy_title,
        status_calendar_minutes,
        status_business_minutes,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final;

-- stg_zendesk__ticket_metrics
create or replace temp table stg_zendesk__ticket_metrics as
-- The latest version of each Zendesk ticket metric record (by updated_at, then file name,
-- then record number). Durations come as `{calendar, business}` minute objects: each
-- becomes two integer columns, NULL when the object, or the clock in it, is missing or
-- null (whether Zendesk sends null or 0 for a ticket not yet replied to or solved is
-- unconfirmed: both are kept as sent).
with

source as (

    select * from raw.zendesk__ticket_metrics

),

renamed as (

    select
        json_extract_string(record_json, '$.id') as ticket_metric_id,
        json_extract_string(record_json, '$.ticket_id') as ticket_id,
        cast(cast(json_extract_string(record_json, '$.replies') as numeric(28,6)) as bigint) as replies,
        cast(cast(json_extract_string(record_json, '$.reopens') as numeric(28,6)) as bigint) as reopens,
        cast(cast(json_extract_string(record_json, '$.assignee_stations') as numeric(28,6)) as bigint) as assignee_stations,
        cast(cast(json_extract_string(record_json, '$.group_stations') as numeric(28,6)) as bigint) as group_stations,
        cast(cast(json_extract_string(record_json, '$.reply_time_in_minutes.calendar') as numeric(28,6)) as bigint)
            as reply_time_calendar_minutes,
        cast(cast(json_extract_string(record_json, '$.reply_time_in_minutes.business') as numeric(28,6)) as bigint)
            as reply_time_business_minutes,
        cast(cast(json_extract_string(record_json, '$.first_resolution_time_in_minutes.calendar') as numeric(28,6)) as bigint)
            as first_resolution_time_calendar_minutes,
        cast(cast(json_extract_string(record_json, '$.first_resolution_time_in_minutes.business') as numeric(28,6)) as bigint)
            as first_resolution_time_business_minutes,
        cast(cast(json_extract_string(record_json, '$.full_resolution_time_in_minutes.calendar') as numeric(28,6)) as bigint)
            as full_resolution_time_calendar_minutes,
        cast(cast(json_extract_string(record_json, '$.full_resolution_time_in_minutes.business') as numeric(28,6)) as bigint)
            as full_resolution_time_business_minutes,
        cast(cast(json_extract_string(record_json, '$.agent_wait_time_in_minutes.calendar') as numeric(28,6)) as bigint)
            as agent_wait_time_calendar_minutes,
        cast(cast(json_extract_string(record_json, '$.agent_wait_time_in_minutes.business') as numeric(28,6)) as bigint)
            as agent_wait_time_business_minutes,
        cast(cast(json_extract_string(record_json, '$.requester_wait_time_in_minutes.calendar') as numeric(28,6)) as bigint)
            as requester_wait_time_calendar_minutes,
        cast(cast(json_extract_string(record_json, '$.requester_wait_time_in_minutes.business') as numeric(28,6)) as bigint)
            as requester_wait_time_business_minutes,
        cast(cast(json_extract_string(record_json, '$.on_hold_time_in_minutes.calendar') as numeric(28,6)) as bigint)
            as on_hold_time_calendar_minutes,
        cast(cast(json_extract_string(record_json, '$.on_hold_time_in_minutes.business') as numeric(28,6)) as bigint)
            as on_hold_time_business_minutes,
        cast(cast(json_extract_string(record_json, '$.reply_time_in_seconds.calendar') as numeric(28,6)) as bigint)
            as reply_time_calendar_seconds,
        cast(cast(json_extract_string(record_json, '$.created_at') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.updated_at') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
        cast(cast(json_extract_string(record_json, '$.assigned_at') as timestamptz) at time zone 'UTC' as timestamp) as assigned_at,
        cast(cast(json_extract_string(record_json, '$.initially_assigned_at') as timestamptz) at time zone 'UTC' as timestamp)
            as initially_assigned_at,
        cast(cast(json_extract_string(record_json, '$.solved_at') as timestamptz) at time zone 'UTC' as timestamp) as solved_at,
        cast(cast(json_extract_string(record_json, '$.status_updated_at') as timestamptz) at time zone 'UTC' as timestamp) as status_updated_at,
        cast(cast(json_extract_string(record_json, '$.latest_comment_added_at') as timestamptz) at time zone 'UTC' as timestamp)
            as latest_comment_added_at,
        cast(cast(json_extract_string(record_json, '$.requester_updated_at') as timestamptz) at time zone 'UTC' as timestamp) as requester_updated_at,
        cast(cast(json_extract_string(record_json, '$.assignee_updated_at') as timestamptz) at time zone 'UTC' as timestamp) as assignee_updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_metric_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        ticket_metric_id,
        ticket_id,
        replies,
        reopens,
        assignee_stations,
        group_stations,
        reply_time_calendar_minutes,
        reply_time_business_minutes,
        first_resolution_time_calendar_minutes,
        first_resolution_time_business_minutes,
        full_resolution_time_calendar_minutes,
        full_resolution_time_business_minutes,
        agent_wait_time_calendar_minutes,
        agent_wait_time_business_minutes,
        requester_wait_time_calendar_minutes,
        requester_wait_time_business_minutes,
        on_hold_time_calendar_minutes,
        on_hold_time_business_minutes,
        reply_time_calendar_seconds,
        created_at,
        updated_at,
        assigned_at,
        initially_assigned_at,
        solved_at,
        status_updated_at,
        latest_comment_added_at,
        requester_updated_at,
        assignee_updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final;

-- stg_zendesk__users
create or replace temp table stg_zendesk__users as
-- The latest version of each Zendesk user (by updated_at, else created_at, then file
-- name, then record number). Name, e-mail, phone, photo, notes, signature and custom
-- user fields are personal data and stay in raw: the e-mail is exposed only as
-- `user_key`, a stable hash (personal_data_key) that joins the same person across tools.
-- An omitted `suspended` flag is false; an omitted `active` stays NULL (unknown).

with

source as (

    select * from raw.zendesk__users

),

renamed as (

    select
        json_extract_string(record_json, '$.id') as user_id,
        case
        when json_extract_string(record_json, '$.email') like 'hmac-sha256:%'
            then substring(json_extract_string(record_json, '$.email'), 13)
        else sha256(unhex('2f3d312c30392f71333230257137392571323328713d712f393f2e39285c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c') || unhex(sha256(unhex('45575b465a53451b59585a4f1b5d534f1b5859421b571b4553554453423636363636363636363636363636363636363636363636363636363636363636363636') || encode(lower(trim(json_extract_string(record_json, '$.email')))))))
    end as user_key,
        lower(json_extract_string(record_json, '$.role')) as role,  -- noqa: RF04
        cast(json_extract_string(record_json, '$.role_type') as integer) as role_type,
        json_extract_string(record_json, '$.custom_role_id') as custom_role_id,
        json_extract_string(record_json, '$.organization_id') as organization_id,
        json_extract_string(record_json, '$.default_group_id') as default_group_id,
        json_extract_string(record_json, '$.time_zone') as time_zone,
        json_extract_string(record_json, '$.iana_time_zone') as iana_time_zone,
        lower(json_extract_string(record_json, '$.active')) = 'true' as is_active,
        coalesce(lower(json_extract_string(record_json, '$.suspended')) = 'true', false) as is_suspended,
        cast(cast(json_extract_string(record_json, '$.created_at') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.updated_at') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
        cast(cast(json_extract_string(record_json, '$.last_login_at') as timestamptz) at time zone 'UTC' as timestamp) as last_login_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        user_id,
        user_key,
        role,
        role_type,
        custom_role_id,
        organization_id,
        default_group_id,
        time_zone,
        iana_time_zone,
        is_active,
        is_suspended,
        created_at,
        updated_at,
        last_login_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final;

-- stg_crm__contracts
create or replace temp table stg_crm__contracts as
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
-- normalised to Gold/Silver/Bronze whatever its case.
with

source as (

    select * from raw.crm__contracts

),

renamed as (

    select
        trim(json_extract_string(record_json, '$.contract_id')) as contract_id,
        trim(json_extract_string(record_json, '$.customer_id')) as customer_id,
        nullif(trim(json_extract_string(record_json, '$.customer_name')), '') as customer_name,
        nullif(trim(json_extract_string(record_json, '$.zendesk_organization_id')), '')
            as zendesk_organization_id,
        case lower(trim(json_extract_string(record_json, '$.tier')))
            when 'gold' then 'Gold'
            when 'silver' then 'Silver'
            when 'bronze' then 'Bronze'
            else trim(json_extract_string(record_json, '$.tier'))
        end as tier,
        nullif(trim(json_extract_string(record_json, '$.service_ids')), '') as service_ids,
        cast(trim(json_extract_string(record_json, '$.monthly_fee')) as decimal(18, 2)) as monthly_fee,
        upper(trim(json_extract_string(record_json, '$.currency'))) as currency,
        cast(trim(json_extract_string(record_json, '$.start_date')) as date) as start_date,
        cast(nullif(trim(json_extract_string(record_json, '$.end_date')), '') as date) as end_date,
        coalesce(nullif(trim(json_extract_string(record_json, '$.timezone')), ''), 'UTC') as timezone,
        coalesce(
            cast(nullif(trim(json_extract_string(record_json, '$.effective_from')), '') as date),
            cast(trim(json_extract_string(record_json, '$.start_date')) as date)
        ) as effective_from,
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
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final;

-- int_contract_versions
create or replace temp table int_contract_versions as
-- Contract terms over time (landing.md): a contract changes by a new row with a later
-- `effective_from`. One row per contract × validity interval [valid_from, valid_to]
-- (dates in the contract's time zone, both inclusive; valid_to NULL = open), so any past
-- day resolves to the terms in force then, and a fresh load of all files reproduces
-- every past interval exactly (no snapshot involved).
with

contracts as (

    select * from temp.main.stg_crm__contracts

),

order_versions as (

    select
        *,
        row_number() over (partition by contract_id order by effective_from) as version_number,
        lead(effective_from) over (partition by contract_id order by effective_from) as next_effective_from
    from contracts

),

bound_versions as (

    select
        *,
        case
            when effective_from > start_date then effective_from else start_date
        end as valid_from,
        case
            when next_effective_from is null then end_date
            when end_date is null then 

    (next_effective_from + cast(-1 as bigint) * interval 1 day)
            when end_date < 

    (next_effective_from + cast(-1 as bigint) * interval 1 day) then end_date
            else 

    (next_effective_from + cast(-1 as bigint) * interval 1 day)
        end as valid_to_raw
    from order_versions

),

final as (

    select
        contract_id,
        cast(version_number as integer) as version_number,
        customer_id,
        customer_name,
        zendesk_organization_id,
        tier,
        service_ids,
        monthly_fee,
        currency,
        timezone,
        start_date,
        end_date,
        effective_from,
        valid_from,
        cast(valid_to_raw as date) as valid_to,
        next_effective_from is null as is_latest_version
    from bound_versions
    -- A version superseded before it started (two rows for one day) never applied.
    where valid_to_raw is null or valid_from <= valid_to_raw

)

select * from final;

-- stg_zendesk__groups
create or replace temp table stg_zendesk__groups as
-- The latest version of each Zendesk agent group (by updated_at, else created_at, then
-- file name, then record number). A deleted group stays, flagged `is_deleted`: old
-- tickets and support costs still point at it. An omitted `default`/`deleted` flag is
-- false; an omitted `is_public` stays NULL (unknown).
with

source as (

    select * from raw.zendesk__groups

),

renamed as (

    select
        json_extract_string(record_json, '$.id') as group_id,
        json_extract_string(record_json, '$.name') as group_name,
        coalesce(lower(json_extract_string(record_json, '$.default')) = 'true', false) as is_default,
        coalesce(lower(json_extract_string(record_json, '$.deleted')) = 'true', false) as is_deleted,
        lower(json_extract_string(record_json, '$.is_public')) = 'true' as is_public,
        cast(cast(json_extract_string(record_json, '$.created_at') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.updated_at') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by group_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        group_id,
        group_name,
        is_default,
        is_deleted,
        is_public,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final;

-- stg_zendesk__schedules
create or replace temp table stg_zendesk__schedules as
-- The latest version of each Zendesk business-hours schedule (by updated_at, else
-- created_at, then file name, then record number). `time_zone` is the Rails/Zendesk name
-- as exported ("Pacific Time (US & Canada)", "London"), mapped to its IANA name by seed
-- `timezone_map` downstream (kpi-definitions.md §4). The weekly intervals are one row
-- each in stg_zendesk__schedule_intervals, the holidays in stg_zendesk__holidays.
with

source as (

    select * from raw.zendesk__schedules

),

renamed as (

    select
        json_extract_string(record_json, '$.id') as schedule_id,
        json_extract_string(record_json, '$.name') as schedule_name,
        json_extract_string(record_json, '$.time_zone') as time_zone,
        cast(cast(json_extract_string(record_json, '$.created_at') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.updated_at') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by schedule_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        schedule_id,
        schedule_name,
        time_zone,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final;

-- stg_zendesk__schedule_intervals
create or replace temp table stg_zendesk__schedule_intervals as
-- One row per weekly working interval (`intervals[]`) of the latest version of each
-- Zendesk schedule (ranked exactly as stg_zendesk__schedules). `start_time`/`end_time`
-- are minutes since Sunday 00:00 in the schedule's local time (0-10080); an interval
-- never crosses a day boundary, so its day is the start's: Mon 09:00-17:00 is 1980-2460,
-- weekday 1 (0 = Sunday), 540-1020 minutes into the day. An interval ending at midnight
-- ends at 1440 minutes into its own day, not at 0 of the next.
with

source as (

    select * from raw.zendesk__schedules

),

versions as (

    select
        json_extract_string(record_json, '$.id') as schedule_id,
        cast(cast(json_extract_string(record_json, '$.created_at') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.updated_at') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
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
            partition by schedule_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

unnested as (

    select
        schedule_id,
        unnest(cast(json_extract(record_json, '$.intervals[*]') as varchar[])) as interval_json,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

minutes_read as (

    select
        schedule_id,
        cast(json_extract_string(interval_json, '$.start_time') as integer) as start_minute,
        cast(json_extract_string(interval_json, '$.end_time') as integer) as end_minute,
        _file_path,
        _record_number,
        _loaded_at
    from unnested

),

days_derived as (

    select
        *,
        cast(floor(start_minute / 1440.0) as integer) as weekday  -- noqa: RF04
    from minutes_read

),

times_derived as (

    select
        *,
        start_minute - weekday * 1440 as start_time_of_day_minutes,
        end_minute - weekday * 1440 as end_time_of_day_minutes
    from days_derived

),

final as (

    select
        schedule_id,
        start_minute,
        end_minute,
        weekday,
        start_time_of_day_minutes,
        end_time_of_day_minutes,
        _file_path,
        _record_number,
        _loaded_at
    from times_derived

)

select * from final;

-- stg_zendesk__holidays
create or replace temp table stg_zendesk__holidays as
-- The current holidays of each Zendesk business-hours schedule (`start_date` to
-- `end_date`, both inclusive, dates in the schedule's local calendar).
--
-- The schedule is the record's `schedule_id` when the exporter added one, else the one
-- the file name carries (`schedule-<id>_*.json`, in `_file_context`). A holidays export
-- (GET /schedules/{id}/holidays) is the schedule's whole list and holidays carry no update
-- stamp, so a schedule's holidays are those of its latest file (by file name) that lists
-- it: a holiday deleted in Zendesk disappears with the next export. Within that file the
-- last row of a holiday id wins.
with

source as (

    select * from raw.zendesk__holidays

),

renamed as (

    select
        json_extract_string(record_json, '$.id') as holiday_id,
        coalesce(
            json_extract_string(record_json, '$.schedule_id'),
            json_extract_string(_file_context, '$.schedule_id')
        ) as schedule_id,
        json_extract_string(record_json, '$.name') as holiday_name,
        cast(json_extract_string(record_json, '$.start_date') as date) as start_date,
        cast(json_extract_string(record_json, '$.end_date') as date) as end_date,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        _file_path = max(_file_path) over (partition by schedule_id) as is_latest_file,
        row_number() over (
            partition by schedule_id, holiday_id
            order by _file_path desc, _record_number desc
        ) as version_rank
    from renamed

),

final as (

    select
        holiday_id,
        schedule_id,
        holiday_name,
        start_date,
        end_date,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where is_latest_file and version_rank = 1

)

select * from final;

-- int_ticket_changes
create or replace temp view int_ticket_changes as
-- One row per support ticket (int_tickets_unified): when a record it is computed from was
-- last loaded (`_loaded_at`, the latest of its own records, its requester's and
-- submitter's users, its organization's contracts, and the reference data every ticket
-- uses). The incremental marts (fct_tickets, fct_sla_events) recompute the tickets
-- loaded since their last build: a reopened ticket, a late audit, a changed user role or
-- contract each bring their tickets back, and a new schedule, holiday, group or catalog
-- service brings every ticket back. The staging models keep one (the winning) copy per
-- record, so a re-export that changes nothing keeps its older load time.
with

tickets as (

    select * from temp.main.int_tickets_unified

),

zendesk_tickets as (

    select * from temp.main.stg_zendesk__tickets

),

audit_events as (

    select * from temp.main.stg_zendesk__ticket_audit_events

),

metric_events as (

    select * from temp.main.stg_zendesk__ticket_metric_events

),

ticket_metrics as (

    select * from temp.main.stg_zendesk__ticket_metrics

),

jira_issues as (

    select * from temp.main.stg_jira__issues

),

users as (

    select * from temp.main.stg_zendesk__users

),

contracts as (

    select * from temp.main.stg_crm__contracts

),

contract_versions as (

    select * from temp.main.int_contract_versions

),

zendesk_groups as (

    select * from temp.main.stg_zendesk__groups

),

services as (

    select * from temp.main.stg_catalog__services

),

schedules as (

    select * from temp.main.stg_zendesk__schedules

),

schedule_intervals as (

    select * from temp.main.stg_zendesk__schedule_intervals

),

holidays as (

    select * from temp.main.stg_zendesk__holidays

),

union_record_loads as (

    select
        'zendesk:' || ticket_id as ticket_id,
        _loaded_at
    from zendesk_tickets
    union all
    select
        'zendesk:' || ticket_id as ticket_id,
        max(_loaded_at) as _loaded_at
    from audit_events
    group by ticket_id
    union all
    select
        'zendesk:' || ticket_id as ticket_id,
        max(_loaded_at) as _loaded_at
    from metric_events
    group by ticket_id
    union all
    select
        'zendesk:' || ticket_id as ticket_id,
        _loaded_at
    from ticket_metrics
    union all
    select
        'jira:' || issue_key as ticket_id,
        _loaded_at
    from jira_issues

),

aggregate_record_loads as (

    select
        ticket_id,
        max(_loaded_at) as _loaded_at
    from union_record_loads
    group by ticket_id

),

aggregate_organization_loads as (

    -- Every organization a changed contract was ever linked to (its old and new links).
    select
        contract_versions.zendesk_organization_id as organization_id,
        max(contracts._loaded_at) as _loaded_at
    from contract_versions
    inner join contracts
        on contract_versions.contract_id = contracts.contract_id
    where contract_versions.zendesk_organization_id is not null
    group by contract_versions.zendesk_organization_id

),

union_reference_loads as (

    select max(_loaded_at) as _loaded_at from zendesk_groups
    union all
    select max(_loaded_at) as _loaded_at from services
    union all
    select max(_loaded_at) as _loaded_at from schedules
    union all
    select max(_loaded_at) as _loaded_at from schedule_intervals
    union all
    select max(_loaded_at) as _loaded_at from holidays

),

aggregate_reference_loads as (

    select max(_loaded_at) as _loaded_at from union_reference_loads

),

combine as (

    select
        tickets.ticket_id,
        tickets.source,
        tickets.source_ticket_id,
        record_loads._loaded_at as records_loaded_at,
        requesters._loaded_at as requester_loaded_at,
        submitters._loaded_at as submitter_loaded_at,
        organization_loads._loaded_at as organization_loaded_at,
        reference_loads._loaded_at as reference_loaded_at
    from tickets
    cross join aggregate_reference_loads as reference_loads
    left join aggregate_record_loads as record_loads
        on tickets.ticket_id = record_loads.ticket_id
    left join users as requesters
        on tickets.source = 'zendesk' and tickets.requester_id = requesters.user_id
    left join users as submitters
        on tickets.source = 'zendesk' and tickets.submitter_id = submitters.user_id
    left join aggregate_organization_loads as organization_loads
        on tickets.source = 'zendesk' and tickets.organization_id = organization_loads.organization_id

),

final as (

    select
        ticket_id,
        source,
        source_ticket_id,
        -- greatest() treats NULL differently by engine: a floor instead of NULL.
        greatest(
            coalesce(records_loaded_at, cast('1970-01-01 00:00:00' as timestamp)),
            coalesce(requester_loaded_at, cast('1970-01-01 00:00:00' as timestamp)),
            coalesce(submitter_loaded_at, cast('1970-01-01 00:00:00' as timestamp)),
            coalesce(organization_loaded_at, cast('1970-01-01 00:00:00' as timestamp)),
            coalesce(reference_loaded_at, cast('1970-01-01 00:00:00' as timestamp))
        ) as _loaded_at
    from combine

)

select * from final;

-- stg_jira__changelog_items
create or replace temp table stg_jira__changelog_items as
-- One row per changed field (`items[]`) of each changelog history of each Jira issue
-- (key history_id + item_position). Histories never change, but every export of an issue
-- repeats them, and a search page may carry only part of a long changelog: histories are
-- taken from every exported version and de-duplicated by id, the copy in the issue's
-- latest version winning (then file name, then record number). A status transition is
-- `field_id = 'status'` with status ids in from_value/to_value and names in the strings.
-- The display texts of user fields (assignee, reporter, …: people's names) and of
-- free-text fields are personal data and stay in raw: their strings are NULL here, the
-- account ids in from_value/to_value remain.
--
-- Incremental by issue: a run reads only the issues that arrived in files loaded since the
-- last run, rebuilds their histories from every stored version of those issues and
-- replaces their rows (delete+insert on issue_id), so an incremental history equals a full
-- rebuild.


with

source as (

    select * from raw.jira__issues

),

versions as (

    select
        json_extract_string(record_json, '$.id') as issue_id,
        cast(cast(json_extract_string(record_json, '$.fields.created') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.fields.updated') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
        record_json,
        _file_path,
        _record_number,
        _loaded_at
    from source

),



unnested_histories as (

    select
        issue_id,
        created_at,
        updated_at,
        unnest(cast(json_extract(record_json, '$.changelog.histories[*]') as varchar[])) as history_json,
        _file_path,
        _record_number,
        _loaded_at
    from versions
    

),

histories as (

    select
        json_extract_string(history_json, '$.id') as history_id,
        issue_id,
        cast(cast(json_extract_string(history_json, '$.created') as timestamptz) at time zone 'UTC' as timestamp) as changed_at,
        json_extract_string(history_json, '$.author.accountId') as author_account_id,
        history_json,
        created_at,
        updated_at,
        _file_path,
        _record_number,
        _loaded_at
    from unnested_histories

),

ranked as (

    select
        *,
        row_number() over (
            partition by history_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from histories

),

unnested_items as (

    select
        history_id,
        issue_id,
        changed_at,
        author_account_id,
        unnest(cast(json_extract(history_json, '$.items[*]') as varchar[])) as item_json,
    generate_subscripts(cast(json_extract(history_json, '$.items[*]') as varchar[]), 1) as item_position,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

items as (

    select
        history_id,
        cast(item_position as integer) as item_position,
        issue_id,
        changed_at,
        author_account_id,
        json_extract_string(item_json, '$.field') as field,
        json_extract_string(item_json, '$.fieldtype') as field_type,
        json_extract_string(item_json, '$.fieldId') as field_id,
        json_extract_string(item_json, '$.from') as from_value,
        json_extract_string(item_json, '$.fromString') as from_string,
        json_extract_string(item_json, '$.to') as to_value,
        json_extract_string(item_json, '$.toString') as to_string,
        _file_path,
        _record_number,
        _loaded_at
    from unnested_items

),

flagged as (

    select
        history_id,
        item_position,
        issue_id,
        changed_at,
        author_account_id,
        field,
        field_type,
        field_id,
        from_value,
        from_string,
        to_value,
        to_string,
        _file_path,
        _record_number,
        _loaded_at,
        coalesce(
            lower(field) in ('assignee', 'reporter', 'creator', 'request participants', 'approvers')
            or lower(field) in ('summary', 'description', 'environment', 'comment')
            or lower(field_id) in ('assignee', 'reporter', 'creator', 'request participants', 'approvers')
            or lower(field_id) in ('summary', 'description', 'environment', 'comment'),
            false
        ) as is_personal_text
    from items

),

redacted as (

    select
        history_id,
        item_position,
        issue_id,
        changed_at,
        author_account_id,
        field,
        field_type,
        field_id,
        from_value,
        to_value,
        _file_path,
        _record_number,
        _loaded_at,
        case when not is_personal_text then from_string end as from_string,
        case when not is_personal_text then to_string end as to_string
    from flagged

),

final as (

    select
        history_id,
        item_position,
        issue_id,
        changed_at,
        author_account_id,
        field,
        field_type,
        field_id,
        from_value,
        from_string,
        to_value,
        to_string,
        _file_path,
        _record_number,
        _loaded_at
    from redacted

)

select * from final;

-- stg_jira__sla_cycles
create or replace temp view stg_jira__sla_cycles as
-- One row per SLA cycle of each SLA field of the latest version of each Jira issue (key
-- issue_id + sla_field_id + cycle_number): the completed cycles in the order Jira lists
-- them, then the ongoing cycle last. SLA fields are `customfield_<n>` whose ids differ per
-- site, so they are found by shape: any custom field whose value has a `name` and
-- `completedCycles` and/or `ongoingCycle`. Values come from `epochMillis` / `millis` only,
-- never from the localised `friendly` text. `remainingTime` goes negative after a breach.
-- A field that is null (no SLA applies) or has no cycle yet gives no row.
with

source as (

    select * from raw.jira__issues

),

versions as (

    select
        json_extract_string(record_json, '$.id') as issue_id,
        cast(cast(json_extract_string(record_json, '$.fields.created') as timestamptz) at time zone 'UTC' as timestamp) as created_at,
        cast(cast(json_extract_string(record_json, '$.fields.updated') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
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
            partition by issue_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from versions

),

field_names as (

    select
        issue_id,
        json_extract_string(record_json, '$.fields') as fields_json,
        unnest(json_keys(record_json, '$.fields')) as field_id,
        _file_path,
        _record_number,
        _loaded_at
    from ranked
    where version_rank = 1

),

custom_fields as (

    select
        issue_id,
        field_id,
        cast(json_extract(fields_json, '$."' || field_id || '"') as varchar) as field_json,
        _file_path,
        _record_number,
        _loaded_at
    from field_names
    where field_id like 'customfield%'

),

sla_fields as (

    select *
    from custom_fields
    where
        json_extract_string(field_json, '$.name') is not null
        and (
            json_extract_string(field_json, '$.completedCycles') is not null
            or json_extract_string(field_json, '$.ongoingCycle') is not null
        )

),

completed_cycles as (

    select
        issue_id,
        field_id,
        field_json,
        unnest(cast(json_extract(field_json, '$.completedCycles[*]') as varchar[])) as cycle_json,
    generate_subscripts(cast(json_extract(field_json, '$.completedCycles[*]') as varchar[]), 1) as cycle_position,
        _file_path,
        _record_number,
        _loaded_at
    from sla_fields
    where json_extract_string(field_json, '$.completedCycles') like '[%'

),

cycles as (

    select
        issue_id,
        field_id,
        field_json,
        cycle_json,
        cast(cycle_position as integer) as cycle_position,
        false as is_ongoing,
        _file_path,
        _record_number,
        _loaded_at
    from completed_cycles

    union all

    select
        issue_id,
        field_id,
        field_json,
        json_extract_string(field_json, '$.ongoingCycle') as cycle_json,
        null as cycle_position,
        true as is_ongoing,
        _file_path,
        _record_number,
        _loaded_at
    from sla_fields
    where json_extract_string(field_json, '$.ongoingCycle') is not null

),

numbered as (

    select
        *,
        row_number() over (
            partition by issue_id, field_id
            order by is_ongoing, cycle_position
        ) as cycle_number
    from cycles

),

final as (

    select
        issue_id,
        field_id as sla_field_id,
        json_extract_string(field_json, '$.id') as sla_id,
        json_extract_string(field_json, '$.name') as sla_name,
        cast(cycle_number as integer) as cycle_number,
        is_ongoing,
        make_timestamp(cast(json_extract_string(cycle_json, '$.startTime.epochMillis') as bigint) * 1000) as started_at,
        case
            when not is_ongoing
                then make_timestamp(cast(json_extract_string(cycle_json, '$.stopTime.epochMillis') as bigint) * 1000)
        end as stopped_at,
        make_timestamp(cast(json_extract_string(cycle_json, '$.breachTime.epochMillis') as bigint) * 1000) as breach_at,
        cast(json_extract_string(cycle_json, '$.breached') as boolean) as is_breached,
        cast(json_extract_string(cycle_json, '$.paused') as boolean) as is_paused,
        cast(
            json_extract_string(cycle_json, '$.withinCalendarHours') as boolean
        ) as is_within_calendar_hours,
        cast(floor(cast(json_extract_string(cycle_json, '$.goalDuration.millis') as bigint) / 1000.0) as bigint) as goal_seconds,
        cast(floor(cast(json_extract_string(cycle_json, '$.elapsedTime.millis') as bigint) / 1000.0) as bigint) as elapsed_seconds,
        cast(floor(cast(json_extract_string(cycle_json, '$.remainingTime.millis') as bigint) / 1000.0) as bigint) as remaining_seconds,
        _file_path,
        _record_number,
        _loaded_at
    from numbered

)

select * from final;

-- int_business_hours_schedules
create or replace temp table int_business_hours_schedules as
-- One row per Zendesk business-hours schedule with its IANA zone (spec §4): the exported
-- Rails/Zendesk zone name ("Pacific Time (US & Canada)") through seed `timezone_map`; a
-- name the seed does not list is taken as an IANA name already. `is_default` marks the
-- schedule every ticket's business time uses: var `default_schedule_id`, else the schedule
-- with the lowest (numeric) id.
with

schedules as (

    select * from temp.main.stg_zendesk__schedules

),

timezone_map as (

    select * from reference.timezone_map

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
        id_rank = 1 as is_default
    from map_zones

)

select * from final;

-- int_business_hours_range
create or replace temp table int_business_hours_range as
-- One row: the dates the business-hours calendar covers, from the data (not a spine per
-- ticket): from the Sunday on or before two days before the earliest ticket's creation
-- (two days absorb any zone's offset) to two days after the latest ticket update plus var
-- `business_hours_margin_days` (so clocks still running can be evaluated). `week_count`
-- and `day_count` size the week and day spines of the calendar models.

with

tickets as (

    select * from temp.main.int_tickets_unified

),

bound_tickets as (

    select
        cast(min(created_at) as date) as first_ticket_date,
        cast(max(coalesce(updated_at, created_at)) as date) as last_ticket_date
    from tickets

),

pad_dates as (

    select
        cast(

    (first_ticket_date + cast(-2 as bigint) * interval 1 day) as date) as padded_start_date,
        cast(
            

    (last_ticket_date + cast(33 as bigint) * interval 1 day) as date
        ) as range_end_date
    from bound_tickets

),

align_to_sunday as (

    -- 1970-01-04 was a Sunday: whole days since then, modulo 7, is the day of the week.
    select
        cast(
            

    (padded_start_date + cast(-1 * mod(
        (date_diff('day', cast('1970-01-04' as date)::timestamp, padded_start_date::timestamp ))
    , 7) as bigint) * interval 1 day) as date
        ) as range_start_date,
        range_end_date
    from pad_dates

),

final as (

    select
        range_start_date,
        range_end_date,
        cast(
        (date_diff('day', range_start_date::timestamp, range_end_date::timestamp ))
     + 1 as integer) as day_count,
        cast(floor(
        (date_diff('day', range_start_date::timestamp, range_end_date::timestamp ))
     / 7.0) + 1 as integer) as week_count
    from align_to_sunday
    where range_start_date is not null

)

select * from final;

-- int_business_hours_intervals
create or replace temp view int_business_hours_intervals as
-- One row per schedule × working interval in UTC over the calendar's range (spec §4): each
-- weekly interval (minutes from Sunday 00:00 local) placed on every week of
-- int_business_hours_range in the schedule's own IANA zone, so DST is honoured (a
-- 09:00-17:00 day is 8 hours on both sides of a change), and removed on the schedule's
-- holidays (`end_date` inclusive, dates in the schedule's local calendar). Weeks come from
-- a number spine, never from the tickets: its size is schedules × weeks × intervals.
with

schedules as (

    select * from temp.main.int_business_hours_schedules

),

weekly_intervals as (

    select * from temp.main.stg_zendesk__schedule_intervals

),

holidays as (

    select * from temp.main.stg_zendesk__holidays

),

calendar_range as (

    select * from temp.main.int_business_hours_range

),

week_numbers as (

    select
        (digit_0.position - 1) * 1 + (digit_1.position - 1) * 10 + (digit_2.position - 1) * 100 + (digit_3.position - 1) * 1000 as number  -- noqa: RF04
    from
        (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_0 cross join (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_1 cross join (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_2 cross join (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_3

),

place_on_weeks as (

    select
        weekly_intervals.schedule_id,
        schedules.time_zone,
        cast(
            

    (calendar_range.range_start_date + cast(week_numbers.number * 7 + weekly_intervals.weekday as bigint) * interval 1 day) as date
        ) as local_date,
        weekly_intervals.start_time_of_day_minutes,
        weekly_intervals.end_time_of_day_minutes
    from weekly_intervals
    inner join schedules
        on weekly_intervals.schedule_id = schedules.schedule_id
    cross join calendar_range
    inner join week_numbers
        on calendar_range.week_count > week_numbers.number

),

remove_holidays as (

    select place_on_weeks.*
    from place_on_weeks
    where not exists (
        select 1
        from holidays
        where
            holidays.schedule_id = place_on_weeks.schedule_id
            and place_on_weeks.local_date >= holidays.start_date
            and place_on_weeks.local_date <= holidays.end_date
    )

),

local_times as (

    select
        schedule_id,
        time_zone,
        local_date,
        

    (cast(local_date as timestamp) + cast(start_time_of_day_minutes as bigint) * interval 1 minute)
            as local_start_at,
        

    (cast(local_date as timestamp) + cast(end_time_of_day_minutes as bigint) * interval 1 minute)
            as local_end_at
    from remove_holidays
    where end_time_of_day_minutes > start_time_of_day_minutes

),

final as (

    select
        schedule_id,
        time_zone,
        local_date,
        cast((cast(local_start_at as timestamp) at time zone time_zone) at time zone 'UTC' as timestamp) as interval_start_at,
        cast((cast(local_end_at as timestamp) at time zone time_zone) at time zone 'UTC' as timestamp) as interval_end_at,
        cast(floor(
        (date_diff('millisecond', cast((cast(local_start_at as timestamp) at time zone time_zone) at time zone 'UTC' as timestamp)::timestamp, cast((cast(local_end_at as timestamp) at time zone time_zone) at time zone 'UTC' as timestamp)::timestamp ))
     / 1000.0) as bigint)
            as working_seconds
    from local_times

)

select * from final;

-- int_business_hours_calendar
create or replace temp view int_business_hours_calendar as
-- The business-hours calendar (spec §4): one row per schedule × segment
-- [boundary_at, next_boundary_at) in UTC, where the boundaries are every working interval's
-- start and end and every UTC midnight of the range. Segments cover the range without gap
-- or overlap, so every instant of it falls in exactly one segment of each schedule, and no
-- segment crosses a UTC midnight (`utc_day` is a hash key for the range lookup).
-- `cumulative_seconds` is the working time of the schedule from the range's start to
-- `boundary_at`; the working seconds up to any t in a segment are
--   cumulative_seconds + (is_working ? t - boundary_at : 0),
-- and business seconds between a and b are that at b minus that at a (macro
-- `business_hours_cumulative`). The last boundary (end of the range) has no next one.
with

intervals as (

    select * from temp.main.int_business_hours_intervals

),

schedules as (

    select * from temp.main.int_business_hours_schedules

),

calendar_range as (

    select * from temp.main.int_business_hours_range

),

day_numbers as (

    select
        (digit_0.position - 1) * 1 + (digit_1.position - 1) * 10 + (digit_2.position - 1) * 100 + (digit_3.position - 1) * 1000 as number  -- noqa: RF04
    from
        (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_0 cross join (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_1 cross join (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_2 cross join (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_3

),

midnights as (

    select
        schedules.schedule_id,
        cast(
            

    (calendar_range.range_start_date + cast(day_numbers.number as bigint) * interval 1 day)
            as timestamp
        ) as boundary_at,
        0 as working_delta
    from schedules
    cross join calendar_range
    inner join day_numbers
        on calendar_range.day_count >= day_numbers.number

),

all_boundaries as (

    select
        schedule_id,
        interval_start_at as boundary_at,
        1 as working_delta
    from intervals
    union all
    select
        schedule_id,
        interval_end_at as boundary_at,
        -1 as working_delta
    from intervals
    union all
    select
        schedule_id,
        boundary_at,
        working_delta
    from midnights

),

merge_boundaries as (

    select
        schedule_id,
        boundary_at,
        sum(working_delta) as working_delta
    from all_boundaries
    group by schedule_id, boundary_at

),

mark_working as (

    -- Working from a boundary on while more intervals have started than ended.
    select
        schedule_id,
        boundary_at,
        lead(boundary_at) over (partition by schedule_id order by boundary_at) as next_boundary_at,
        sum(working_delta) over (
            partition by schedule_id order by boundary_at rows between unbounded preceding and current row
        ) > 0 as is_working
    from merge_boundaries

),

measure_segments as (

    select
        *,
        case
            when is_working then cast(floor(
        (date_diff('millisecond', boundary_at::timestamp, next_boundary_at::timestamp ))
     / 1000.0) as bigint) else 0
        end as segment_seconds
    from mark_working

),

final as (

    select
        schedule_id,
        boundary_at,
        next_boundary_at,
        cast(boundary_at as date) as utc_day,
        is_working,
        cast(segment_seconds as bigint) as segment_seconds,
        cast(
            coalesce(
                sum(segment_seconds) over (
                    partition by schedule_id
                    order by boundary_at
                    rows between unbounded preceding and 1 preceding
                ),
                0
            ) as bigint
        ) as cumulative_seconds
    from measure_segments

)

select * from final;

-- int_tickets_timed
create or replace temp view int_tickets_timed as
-- One row per support ticket (int_tickets_unified): when it was first replied to, first
-- and last solved, and the calendar and business seconds from its creation to each (spec
-- §2, §4). Zendesk: first reply = the `fulfill` event of `reply_time` instance 1, else
-- created_at + ticket_metrics `reply_time_in_minutes.calendar`; solves = status changes to
-- `solved` in the ticket audits (the Create event counts), the last falling back to
-- ticket_metrics `solved_at`. JSM: first reply = the stop of the first completed cycle of
-- the "Time to first response" SLA field; solves = changelog changes to a status seed
-- `ticket_status_map` maps to solved (Resolved, Done), else to closed (Closed, Canceled:
-- the later Resolved -> Closed step is not a solve), the last falling back to the issue's
-- resolutiondate; `jira_reopens` = changes from a done status back to an open one.
-- Business seconds use the default schedule (int_business_hours_schedules.is_default):
-- one calendar lookup per timestamp (macro business_hours_cumulative).
with

tickets as (

    select * from temp.main.int_tickets_unified

),

metric_events as (

    select * from temp.main.stg_zendesk__ticket_metric_events

),

ticket_metrics as (

    select * from temp.main.stg_zendesk__ticket_metrics

),

audit_events as (

    select * from temp.main.stg_zendesk__ticket_audit_events

),

jira_issues as (

    select * from temp.main.stg_jira__issues

),

changelog_items as (

    select * from temp.main.stg_jira__changelog_items

),

sla_cycles as (

    select * from temp.main.stg_jira__sla_cycles

),

status_map as (

    select * from reference.ticket_status_map

),

schedules as (

    select * from temp.main.int_business_hours_schedules

),

calendar as (

    select * from temp.main.int_business_hours_calendar

),

zendesk_first_fulfills as (

    select
        'zendesk:' || ticket_id as ticket_id,
        min(event_at) as fulfilled_at
    from metric_events
    where metric = 'reply_time' and instance_id = 1 and event_type = 'fulfill'
    group by ticket_id

),

zendesk_solves as (

    select
        'zendesk:' || ticket_id as ticket_id,
        min(created_at) as first_solved_at,
        max(created_at) as last_solved_at
    from audit_events
    where field_name = 'status' and event_type in ('Create', 'Change') and value = 'solved'
    group by ticket_id

),

zendesk_metrics as (

    select
        reply_time_calendar_minutes,
        solved_at,
        'zendesk:' || ticket_id as ticket_id
    from ticket_metrics

),

map_jira_changes as (

    select
        changelog_items.changed_at,
        'jira:' || jira_issues.issue_key as ticket_id,
        coalesce(from_map.status, 'open') as from_status,
        coalesce(to_map.status, 'open') as to_status
    from changelog_items
    inner join jira_issues
        on changelog_items.issue_id = jira_issues.issue_id
    left join status_map as from_map
        on from_map.source = 'jira' and lower(changelog_items.from_string) = from_map.source_status
    left join status_map as to_map
        on to_map.source = 'jira' and lower(changelog_items.to_string) = to_map.source_status
    where changelog_items.field = 'status'

),

jira_solves as (

    select
        ticket_id,
        coalesce(
            min(case when to_status = 'solved' then changed_at end),
            min(case when to_status = 'closed' then changed_at end)
        ) as first_solved_at,
        coalesce(
            max(case when to_status = 'solved' then changed_at end),
            max(case when to_status = 'closed' then changed_at end)
        ) as last_solved_at,
        sum(
            case
                when from_status in ('solved', 'closed') and to_status not in ('solved', 'closed') then 1
                else 0
            end
        ) as reopens
    from map_jira_changes
    group by ticket_id

),

rank_jira_first_responses as (

    select
        sla_cycles.stopped_at,
        'jira:' || jira_issues.issue_key as ticket_id,
        row_number() over (
            partition by sla_cycles.issue_id order by sla_cycles.cycle_number
        ) as cycle_rank
    from sla_cycles
    inner join jira_issues
        on sla_cycles.issue_id = jira_issues.issue_id
    where
        sla_cycles.sla_name = 'Time to first response'
        and not sla_cycles.is_ongoing
        and sla_cycles.stopped_at is not null

),

jira_resolutions as (

    select
        resolved_at,
        'jira:' || issue_key as ticket_id
    from jira_issues

),

default_schedule as (

    -- At most one row, even with no schedule at all (then NULL: no business time).
    select max(schedule_id) as schedule_id from schedules
    where is_default

),

combine_times as (

    select
        tickets.ticket_id,
        tickets.source,
        default_schedule.schedule_id,
        tickets.created_at,
        case
            when tickets.source = 'zendesk'
                then coalesce(
                    zendesk_first_fulfills.fulfilled_at,
                    

    (tickets.created_at + cast(zendesk_metrics.reply_time_calendar_minutes as bigint) * interval 1 minute)
                )
            else jira_first_responses.stopped_at
        end as first_reply_at,
        coalesce(zendesk_solves.first_solved_at, jira_solves.first_solved_at) as first_solved_at_raw,
        coalesce(
            zendesk_solves.last_solved_at,
            jira_solves.last_solved_at,
            zendesk_metrics.solved_at,
            case when tickets.status in ('solved', 'closed') then jira_resolutions.resolved_at end
        ) as solved_at,
        case
            when tickets.source = 'jira' then cast(coalesce(jira_solves.reopens, 0) as integer)
        end as jira_reopens
    from tickets
    cross join default_schedule
    left join zendesk_first_fulfills
        on tickets.ticket_id = zendesk_first_fulfills.ticket_id
    left join zendesk_metrics
        on tickets.ticket_id = zendesk_metrics.ticket_id
    left join zendesk_solves
        on tickets.ticket_id = zendesk_solves.ticket_id
    left join jira_solves
        on tickets.ticket_id = jira_solves.ticket_id
    left join rank_jira_first_responses as jira_first_responses
        on tickets.ticket_id = jira_first_responses.ticket_id and jira_first_responses.cycle_rank = 1
    left join jira_resolutions
        on tickets.ticket_id = jira_resolutions.ticket_id

),

fill_first_solves as (

    -- Without a solve in the history, the first solve is the last (the fallback).
    select
        ticket_id,
        source,
        schedule_id,
        created_at,
        first_reply_at,
        solved_at,
        jira_reopens,
        coalesce(first_solved_at_raw, solved_at) as first_solved_at
    from combine_times

),

instants as (

    -- One lookup per (ticket, timestamp): unpivoted, looked up once, pivoted back.
    select
        ticket_id,
        schedule_id,
        'created' as instant_name,
        created_at as instant_at
    from fill_first_solves
    union all
    select
        ticket_id,
        schedule_id,
        'first_reply' as instant_name,
        first_reply_at as instant_at
    from fill_first_solves
    where first_reply_at is not null
    union all
    select
        ticket_id,
        schedule_id,
        'first_solved' as instant_name,
        first_solved_at as instant_at
    from fill_first_solves
    where first_solved_at is not null
    union all
    select
        ticket_id,
        schedule_id,
        'solved' as instant_name,
        solved_at as instant_at
    from fill_first_solves
    where solved_at is not null

),

look_up_business_time as (

    select
        lookup_source.*,
        case
            when lookup_calendar.next_boundary_at is not null
                then lookup_calendar.cumulative_seconds + case
                    when lookup_calendar.is_working
                        then cast(floor(
        (date_diff('millisecond', lookup_calendar.boundary_at::timestamp, lookup_source.instant_at::timestamp ))
     / 1000.0) as bigint)
                    else 0
                end
        end as business_cumulative_seconds
    from instants as lookup_source
    asof left join calendar as lookup_calendar
        on
            lookup_source.schedule_id = lookup_calendar.schedule_id
            and lookup_source.instant_at >= lookup_calendar.boundary_at

),

pivot_business_time as (

    select
        ticket_id,
        max(case when instant_name = 'created' then business_cumulative_seconds end) as created_cumulative,
        max(case when instant_name = 'first_reply' then business_cumulative_seconds end)
            as first_reply_cumulative,
        max(case when instant_name = 'first_solved' then business_cumulative_seconds end)
            as first_solved_cumulative,
        max(case when instant_name = 'solved' then business_cumulative_seconds end) as solved_cumulative
    from look_up_business_time
    group by ticket_id

),

final as (

    select
        times.ticket_id,
        times.source,
        times.schedule_id,
        times.created_at,
        times.first_reply_at,
        times.first_solved_at,
        times.solved_at,
        times.jira_reopens,
        cast(floor(
        (date_diff('millisecond', times.created_at::timestamp, times.first_reply_at::timestamp ))
     / 1000.0) as bigint) as first_reply_seconds,
        cast(business.first_reply_cumulative - business.created_cumulative as bigint)
            as first_reply_business_seconds,
        cast(floor(
        (date_diff('millisecond', times.created_at::timestamp, times.first_solved_at::timestamp ))
     / 1000.0) as bigint) as first_resolution_seconds,
        cast(business.first_solved_cumulative - business.created_cumulative as bigint)
            as first_resolution_business_seconds,
        cast(floor(
        (date_diff('millisecond', times.created_at::timestamp, times.solved_at::timestamp ))
     / 1000.0) as bigint) as full_resolution_seconds,
        cast(business.solved_cumulative - business.created_cumulative as bigint)
            as full_resolution_business_seconds
    from fill_first_solves as times
    left join pivot_business_time as business
        on times.ticket_id = business.ticket_id

)

select * from final;

-- int_ticket_group_periods
create or replace temp table int_ticket_group_periods as
-- One row per ticket × group interval [valid_from, valid_to) (valid_to NULL = current),
-- from the Zendesk audit history of `group_id` (the Create event gives the first group; a
-- ticket whose history starts with a Change began in that change's previous group; one
-- without any group event has its current group since creation). A JSM issue has one
-- period: its service desk project, `jira:<project key>` (JSM exports no agent group).
-- Used for the first group (escalation, created-side KPIs), the group at the last solve
-- and the group holding the backlog at a month's end (spec §2).
with

tickets as (

    select * from temp.main.int_tickets_unified

),

audit_events as (

    select * from temp.main.stg_zendesk__ticket_audit_events

),

group_events as (

    select
        event_type,
        previous_value,
        value as group_id,
        created_at as changed_at,
        audit_id,
        event_position,
        'zendesk:' || ticket_id as ticket_id,
        row_number() over (
            partition by ticket_id order by created_at, audit_id, event_position
        ) as event_number
    from audit_events
    where field_name = 'group_id' and event_type in ('Create', 'Change')

),

initial_groups as (

    -- Tickets whose history does not open with a Create event on group_id.
    select
        tickets.ticket_id,
        tickets.created_at as changed_at,
        '0' as audit_id,
        0 as event_position,
        case when first_events.ticket_id is not null then first_events.previous_value else tickets.group_id end
            as group_id
    from tickets
    left join group_events as first_events
        on tickets.ticket_id = first_events.ticket_id and first_events.event_number = 1
    where
        tickets.source = 'zendesk'
        and (first_events.ticket_id is null or first_events.event_type <> 'Create')

),

jira_groups as (

    select
        ticket_id,
        'jira:' || 
    string_split(source_ticket_id, '-')[ 1 ]
 as group_id,
        created_at as changed_at,
        '0' as audit_id,
        0 as event_position
    from tickets
    where source = 'jira'

),

all_assignments as (

    select
        ticket_id,
        group_id,
        changed_at,
        audit_id,
        event_position
    from initial_groups
    union all
    select
        ticket_id,
        group_id,
        changed_at,
        audit_id,
        event_position
    from group_events
    union all
    select
        ticket_id,
        group_id,
        changed_at,
        audit_id,
        event_position
    from jira_groups

),

order_assignments as (

    select
        ticket_id,
        group_id,
        changed_at,
        row_number() over (
            partition by ticket_id order by changed_at, audit_id, event_position
        ) as period_number,
        lead(changed_at) over (
            partition by ticket_id order by changed_at, audit_id, event_position
        ) as next_changed_at
    from all_assignments

),

final as (

    select
        ticket_id,
        cast(period_number as integer) as period_number,
        group_id,
        changed_at as valid_from,
        next_changed_at as valid_to
    from order_assignments

)

select * from final;

-- int_ticket_status_periods
create or replace temp table int_ticket_status_periods as
-- One row per ticket × status interval [valid_from, valid_to) (valid_to NULL = current),
-- from the status history: Zendesk audit events on `status` (the Create event gives the
-- first status), JSM changelog items on `status` (the first item's `from` status runs
-- from the issue's creation). A ticket without exported history has one period, its
-- current status since creation. Used for backlog and paused SLA clocks (spec §2, §4).
with

tickets as (

    select * from temp.main.int_tickets_unified

),

audit_events as (

    select * from temp.main.stg_zendesk__ticket_audit_events

),

changelog_items as (

    select * from temp.main.stg_jira__changelog_items

),

jira_issues as (

    select * from temp.main.stg_jira__issues

),

status_map as (

    select * from reference.ticket_status_map

),

zendesk_changes as (

    select
        'zendesk:' || ticket_id as ticket_id,
        value as status,
        created_at as changed_at,
        cast(audit_id as TEXT) as change_order
    from audit_events
    where field_name = 'status' and event_type in ('Create', 'Change') and value is not null

),

rank_jira_changes as (

    select
        changelog_items.*,
        row_number() over (
            partition by changelog_items.issue_id
            order by changelog_items.changed_at, changelog_items.history_id
        ) as change_number
    from changelog_items
    where changelog_items.field = 'status'

),

jira_changes as (

    -- The status before the first transition, from the issue's creation.
    select
        'jira:' || jira_issues.issue_key as ticket_id,
        lower(first_changes.from_string) as source_status,
        jira_issues.created_at as changed_at,
        '0' as change_order
    from rank_jira_changes as first_changes
    inner join jira_issues
        on first_changes.issue_id = jira_issues.issue_id
    where first_changes.change_number = 1

    union all

    select
        'jira:' || jira_issues.issue_key as ticket_id,
        lower(changes.to_string) as source_status,
        changes.changed_at,
        cast(changes.history_id as TEXT) as change_order
    from rank_jira_changes as changes
    inner join jira_issues
        on changes.issue_id = jira_issues.issue_id

),

map_jira_statuses as (

    select
        jira_changes.ticket_id,
        coalesce(status_map.status, 'open') as status,
        jira_changes.changed_at,
        jira_changes.change_order
    from jira_changes
    left join status_map
        on status_map.source = 'jira' and jira_changes.source_status = status_map.source_status

),

tickets_without_history as (

    select
        tickets.ticket_id,
        tickets.status,
        tickets.created_at as changed_at,
        '0' as change_order
    from tickets
    where
        tickets.ticket_id not in (select zendesk_changes.ticket_id from zendesk_changes)
        and tickets.ticket_id not in (select map_jira_statuses.ticket_id from map_jira_statuses)

),

all_changes as (

    select * from zendesk_changes
    union all
    select * from map_jira_statuses
    union all
    select * from tickets_without_history

),

order_changes as (

    select
        ticket_id,
        status,
        changed_at,
        lead(changed_at) over (partition by ticket_id order by changed_at, change_order) as next_changed_at,
        row_number() over (partition by ticket_id order by changed_at, change_order) as change_number
    from all_changes

),

final as (

    select
        ticket_id,
        cast(change_number as integer) as period_number,
        status,
        changed_at as valid_from,
        next_changed_at as valid_to,
        next_changed_at is null as is_current
    from order_changes

)

select * from final;

-- fct_tickets
create or replace temp view fct_tickets as
select
    cast(ticket_id as varchar) as ticket_id,
    cast(source as varchar) as source,
    cast(source_ticket_id as varchar) as source_ticket_id,
    cast(status as varchar) as status,
    cast(priority as varchar) as priority,
    cast(ticket_type as varchar) as ticket_type,
    cast(channel as varchar) as channel,
    cast(service_id as varchar) as service_id,
    cast(is_production as boolean) as is_production,
    cast(organization_id as varchar) as organization_id,
    cast(customer_id as varchar) as customer_id,
    cast(contract_id as varchar) as contract_id,
    cast(customer_tier as varchar) as customer_tier,
    cast(group_id as varchar) as group_id,
    cast(first_group_id as varchar) as first_group_id,
    cast(solved_group_id as varchar) as solved_group_id,
    cast(requester_id as varchar) as requester_id,
    cast(submitter_id as varchar) as submitter_id,
    cast(tags as varchar) as tags,
    cast(created_at as timestamp) as created_at,
    cast(first_reply_at as timestamp) as first_reply_at,
    cast(first_solved_at as timestamp) as first_solved_at,
    cast(solved_at as timestamp) as solved_at,
    cast(schedule_id as varchar) as schedule_id,
    cast(first_reply_seconds as bigint) as first_reply_seconds,
    cast(first_reply_business_seconds as bigint) as first_reply_business_seconds,
    cast(first_resolution_seconds as bigint) as first_resolution_seconds,
    cast(first_resolution_business_seconds as bigint) as first_resolution_business_seconds,
    cast(full_resolution_seconds as bigint) as full_resolution_seconds,
    cast(full_resolution_business_seconds as bigint) as full_resolution_business_seconds,
    cast(replies as integer) as replies,
    cast(reopens as integer) as reopens,
    cast(is_solved as boolean) as is_solved,
    cast(is_one_touch as boolean) as is_one_touch,
    cast(is_escalated as boolean) as is_escalated,
    cast(is_reopened as boolean) as is_reopened,
    cast(is_complaint as boolean) as is_complaint,
    cast(is_proactive as boolean) as is_proactive,
    cast(is_proactive_answered as boolean) as is_proactive_answered,
    cast(created_month_start as date) as created_month_start,
    cast(solved_month_start as date) as solved_month_start,
    cast(_loaded_at as timestamp) as _loaded_at
from (
-- One row per support ticket of Zendesk and Jira Service Management (spec §2), every
-- service including non-production ones (`is_production = false`), with its reply and
-- solve times (calendar and business, int_tickets_timed), groups (int_ticket_group_periods),
-- customer (the Zendesk organization's contract in force when the ticket was created) and
-- the flags the support KPIs count.
--
-- Incremental by ticket: a run recomputes the tickets whose records (or the users,
-- contracts and reference data they depend on) were loaded since the last build
-- (int_ticket_changes) and replaces their rows, so a ticket reopened months later
-- changes its row, and an incremental history equals a full rebuild.


with

changes as (

    select * from temp.main.int_ticket_changes

),


tickets as (

    select * from temp.main.int_tickets_unified
    

),

timed as (

    select * from temp.main.int_tickets_timed
    

),

group_periods as (

    select * from temp.main.int_ticket_group_periods
    

),

status_periods as (

    select * from temp.main.int_ticket_status_periods
    

),

ticket_metrics as (

    select * from temp.main.stg_zendesk__ticket_metrics

),

audit_events as (

    select * from temp.main.stg_zendesk__ticket_audit_events

),

users as (

    select * from temp.main.stg_zendesk__users

),

zendesk_groups as (

    select * from temp.main.stg_zendesk__groups

),

support_groups as (

    select * from reference.support_groups

),

contract_versions as (

    select * from temp.main.int_contract_versions

),

services as (

    select * from temp.main.stg_catalog__services

),

rank_group_tiers as (

    -- A seed row naming the group id wins over one naming the group (sample set-ups draw
    -- new ids, names stay). Tier L1 < L2 < L3.
    select
        zendesk_groups.group_id,
        support_groups.tier,
        row_number() over (
            partition by zendesk_groups.group_id
            order by case when nullif(support_groups.group_id, '') is not null then 0 else 1 end
        ) as match_rank
    from zendesk_groups
    inner join support_groups
        on
            zendesk_groups.group_id = support_groups.group_id
            or (
                nullif(support_groups.group_id, '') is null
                and zendesk_groups.group_name = support_groups.group_name
            )

),

group_tiers as (

    select
        group_id,
        tier,
        cast(
            case tier when 'L1' then 1 when 'L2' then 2 when 'L3' then 3 end as integer
        ) as tier_level
    from rank_group_tiers
    where match_rank = 1

),

first_groups as (

    select
        ticket_id,
        group_id
    from group_periods
    where period_number = 1

),

rank_solve_groups as (

    -- The group in effect at the last solve.
    select
        group_periods.ticket_id,
        group_periods.group_id,
        row_number() over (
            partition by group_periods.ticket_id order by group_periods.period_number desc
        ) as recency_rank
    from group_periods
    inner join timed
        on group_periods.ticket_id = timed.ticket_id
    where group_periods.valid_from <= timed.solved_at

),

escalations as (

    select
        group_periods.ticket_id,
        max(case when later_tiers.tier_level > first_tiers.tier_level then 1 else 0 end) as is_escalated
    from group_periods
    inner join first_groups
        on group_periods.ticket_id = first_groups.ticket_id
    inner join group_tiers as first_tiers
        on first_groups.group_id = first_tiers.group_id
    inner join group_tiers as later_tiers
        on group_periods.group_id = later_tiers.group_id
    group by group_periods.ticket_id

),

pending_answers as (

    -- The requester answered: a status change from pending back to open.
    select distinct later_periods.ticket_id
    from status_periods as later_periods
    inner join status_periods as earlier_periods
        on
            later_periods.ticket_id = earlier_periods.ticket_id
            and later_periods.period_number = earlier_periods.period_number + 1
    where earlier_periods.status = 'pending' and later_periods.status = 'open'

),

requester_comments as (

    select distinct 'zendesk:' || audit_events.ticket_id as ticket_id
    from audit_events
    inner join tickets
        on 'zendesk:' || audit_events.ticket_id = tickets.ticket_id
    where
        audit_events.event_type in ('Comment', 'VoiceComment')
        and coalesce(audit_events.comment_author_id, audit_events.author_id) = tickets.requester_id

),

rank_contracts as (

    -- The contract in force on the ticket's creation day (in the contract's zone); one per
    -- organization at a time, the latest-starting winning an overlap.
    select
        tickets.ticket_id,
        contract_versions.contract_id,
        contract_versions.customer_id,
        contract_versions.tier,
        row_number() over (
            partition by tickets.ticket_id
            order by contract_versions.start_date desc, contract_versions.valid_from desc
        ) as contract_rank
    from tickets
    inner join contract_versions
        on
            tickets.source = 'zendesk'
            and tickets.organization_id = contract_versions.zendesk_organization_id
            and contract_versions.valid_from <= cast(
                cast((tickets.created_at at time zone 'UTC') at time zone coalesce(nullif(contract_versions.timezone, ''), 'UTC') as timestamp)
                as date
            )
            and (
                contract_versions.valid_to is null
                or contract_versions.valid_to >= cast(
                    cast((tickets.created_at at time zone 'UTC') at time zone coalesce(nullif(contract_versions.timezone, ''), 'UTC') as timestamp)
                    as date
                )
            )

),

combine as (

    select
        tickets.ticket_id,
        tickets.source,
        tickets.source_ticket_id,
        tickets.status,
        tickets.priority,
        tickets.ticket_type,
        tickets.channel,
        tickets.service_id,
        coalesce(services.is_production, true) as is_production,
        tickets.organization_id,
        contracts.customer_id,
        contracts.contract_id,
        contracts.tier as customer_tier,
        coalesce(tickets.group_id, first_groups.group_id) as group_id,
        first_groups.group_id as first_group_id,
        solve_groups.group_id as solved_group_id,
        tickets.requester_id,
        tickets.submitter_id,
        tickets.tags,
        tickets.created_at,
        timed.first_reply_at,
        timed.first_solved_at,
        timed.solved_at,
        timed.schedule_id,
        timed.first_reply_seconds,
        timed.first_reply_business_seconds,
        timed.first_resolution_seconds,
        timed.first_resolution_business_seconds,
        timed.full_resolution_seconds,
        timed.full_resolution_business_seconds,
        ticket_metrics.replies,
        coalesce(ticket_metrics.reopens, timed.jira_reopens) as reopens,
        tickets.status in ('solved', 'closed') as is_solved,
        coalesce(escalations.is_escalated = 1, false)
        or ';' || coalesce(tickets.tags, '') || ';' like '%;escalated;%' as is_escalated,
        (
                ';' || coalesce(tickets.tags, '') || ';' like '%;complaint;%'
        ) as is_complaint,
        case
            when tickets.source = 'zendesk'
                then coalesce(
                    tickets.submitter_id <> tickets.requester_id
                    and submitters.role in ('agent', 'admin')
                    and coalesce(requesters.role, 'end-user') not in ('agent', 'admin'),
                    false
                )
        end as is_proactive,
        pending_answers.ticket_id is not null or requester_comments.ticket_id is not null as has_requester_answer,
        changes._loaded_at
    from tickets
    inner join timed
        on tickets.ticket_id = timed.ticket_id
    left join services
        on tickets.service_id = services.service_id
    left join rank_contracts as contracts
        on tickets.ticket_id = contracts.ticket_id and contracts.contract_rank = 1
    left join first_groups
        on tickets.ticket_id = first_groups.ticket_id
    left join rank_solve_groups as solve_groups
        on tickets.ticket_id = solve_groups.ticket_id and solve_groups.recency_rank = 1
    left join ticket_metrics
        on tickets.source = 'zendesk' and tickets.source_ticket_id = ticket_metrics.ticket_id
    left join escalations
        on tickets.ticket_id = escalations.ticket_id
    left join users as submitters
        on tickets.submitter_id = submitters.user_id
    left join users as requesters
        on tickets.requester_id = requesters.user_id
    left join pending_answers
        on tickets.ticket_id = pending_answers.ticket_id
    left join requester_comments
        on tickets.ticket_id = requester_comments.ticket_id
    left join changes
        on tickets.ticket_id = changes.ticket_id

),

final as (

    select
        ticket_id,
        source,
        source_ticket_id,
        status,
        priority,
        ticket_type,
        channel,
        service_id,
        is_production,
        organization_id,
        customer_id,
        contract_id,
        customer_tier,
        group_id,
        first_group_id,
        solved_group_id,
        requester_id,
        submitter_id,
        tags,
        created_at,
        first_reply_at,
        first_solved_at,
        solved_at,
        schedule_id,
        first_reply_seconds,
        first_reply_business_seconds,
        first_resolution_seconds,
        first_resolution_business_seconds,
        full_resolution_seconds,
        full_resolution_business_seconds,
        cast(replies as integer) as replies,
        cast(reopens as integer) as reopens,
        is_solved,
        -- Solved or closed with at most one reply and no reopen; NULL where replies or
        -- reopens are unknown (JSM exports no reply count).
        case
            when not is_solved then false
            when replies is null or reopens is null then null
            else replies <= 1 and reopens = 0
        end as is_one_touch,
        is_escalated,
        reopens >= 1 as is_reopened,
        is_complaint,
        is_proactive,
        case when is_proactive then has_requester_answer when not is_proactive then false end
            as is_proactive_answered,
        cast(date_trunc('month', cast((created_at at time zone 'UTC') at time zone 'UTC' as timestamp)) as date) as created_month_start,
        cast(date_trunc('month', cast((solved_at at time zone 'UTC') at time zone 'UTC' as timestamp)) as date) as solved_month_start,
        _loaded_at
    from combine

)

select * from final
) as model_output;

-- stg_finance__support_costs
create or replace temp view stg_finance__support_costs as
-- One row per month + Zendesk group: the support cost of that group in that month, the
-- latest file (by name), then the latest row, winning for a repeated key (a corrected
-- figure; a CSV export has no update stamp). `month_start` is the first day of the month
-- (a date inside the month counts for its month); `amount` is decimal(18,2) in
-- `currency`.
with

source as (

    select * from raw.finance__support_costs

),

renamed as (

    select
        cast(
            date_trunc('month', cast(trim(json_extract_string(record_json, '$.month_start')) as date))
            as date
        ) as month_start,
        trim(json_extract_string(record_json, '$.group_id')) as group_id,
        cast(trim(json_extract_string(record_json, '$.amount')) as decimal(18, 2)) as amount,
        upper(trim(json_extract_string(record_json, '$.currency'))) as currency,
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

select * from final;

-- kpi_support_performance
create or replace temp table kpi_support_performance as
select
    cast(month_start as date) as month_start,
    cast(group_id as varchar) as group_id,
    cast(tickets_created as integer) as tickets_created,
    cast(tickets_solved as integer) as tickets_solved,
    cast(frt_mean_minutes as decimal(18,2)) as frt_mean_minutes,
    cast(frt_p50_minutes as decimal(18,2)) as frt_p50_minutes,
    cast(frt_p90_minutes as decimal(18,2)) as frt_p90_minutes,
    cast(frt_business_mean_minutes as decimal(18,2)) as frt_business_mean_minutes,
    cast(resolution_mean_hours as decimal(18,2)) as resolution_mean_hours,
    cast(resolution_business_mean_hours as decimal(18,2)) as resolution_business_mean_hours,
    cast(fcr_pct as decimal(5,2)) as fcr_pct,
    cast(escalation_rate_pct as decimal(5,2)) as escalation_rate_pct,
    cast(reopen_rate_pct as decimal(5,2)) as reopen_rate_pct,
    cast(backlog_end_of_month as integer) as backlog_end_of_month,
    cast(support_cost as decimal(18,2)) as support_cost,
    cast(support_cost_currency as varchar) as support_cost_currency,
    cast(cost_per_ticket as decimal(18,2)) as cost_per_ticket,
    cast(cost_per_resolution as decimal(18,2)) as cost_per_resolution,
    cast(complaints_created as integer) as complaints_created,
    cast(complaints_resolved_pct as decimal(5,2)) as complaints_resolved_pct,
    cast(proactive_tickets as integer) as proactive_tickets,
    cast(proactive_engagement_rate_pct as decimal(5,2)) as proactive_engagement_rate_pct
from (
-- Support performance KPIs per reporting month × group (spec §2), production tickets only
-- (a ticket of a non-production service stays in fct_tickets). Created-side measures
-- (tickets_created, first reply, escalation, complaints, proactive tickets) fall in the
-- month created and count by the ticket's first group; solved-side measures
-- (tickets_solved, resolution times, FCR, reopens) in the month of the last solve, by the
-- group at that solve, for tickets solved or closed now; the backlog is read from the
-- status and group periods at the month's last instant. One row for every month from the
-- first to the last month with tickets × every group seen on a ticket or a support cost
-- (zeros where nothing happened); `group_id` is `none` for tickets without a group.
with

tickets as (

    select * from temp.main.fct_tickets

),

status_periods as (

    select * from temp.main.int_ticket_status_periods

),

group_periods as (

    select * from temp.main.int_ticket_group_periods

),

support_costs as (

    select * from temp.main.stg_finance__support_costs

),

month_numbers as (

    select
        (digit_0.position - 1) * 1 + (digit_1.position - 1) * 10 + (digit_2.position - 1) * 100 as number  -- noqa: RF04
    from
        (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_0 cross join (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_1 cross join (
    select 1 as position union all
    select 2 as position union all
    select 3 as position union all
    select 4 as position union all
    select 5 as position union all
    select 6 as position union all
    select 7 as position union all
    select 8 as position union all
    select 9 as position union all
    select 10 as position) as digit_2

),

production_tickets as (

    select
        *,
        coalesce(first_group_id, 'none') as created_group_id,
        coalesce(solved_group_id, first_group_id, 'none') as solving_group_id
    from tickets
    where is_production

),

bound_months as (

    select
        min(created_month_start) as first_month_start,
        max(
            case
                when solved_month_start > created_month_start then solved_month_start
                else created_month_start
            end
        ) as last_month_start
    from production_tickets

),

months as (

    select
        cast(

    (bound_months.first_month_start + cast(month_numbers.number as bigint) * interval 1 month) as date)
            as month_start
    from bound_months
    inner join month_numbers
        on
            month_numbers.number
            <= 
        (date_diff('month', bound_months.first_month_start::timestamp, bound_months.last_month_start::timestamp ))
    

),

month_ends as (

    -- The first instant after the month (UTC): "at the month's last instant" is just before.
    select
        month_start,
        cast((cast(cast(

    (month_start + cast(1 as bigint) * interval 1 month) as timestamp) as timestamp) at time zone 'UTC') at time zone 'UTC' as timestamp) as month_end_at
    from months

),

kpi_groups as (

    select created_group_id as group_id from production_tickets
    union
    select solving_group_id as group_id from production_tickets
    union
    select group_id from support_costs

),

created_side as (

    select
        created_month_start as month_start,
        created_group_id as group_id,
        count(*) as tickets_created,
        avg(first_reply_seconds) as frt_mean_seconds,
        quantile_cont(first_reply_seconds, 0.5) as frt_p50_seconds,
        quantile_cont(first_reply_seconds, 0.9) as frt_p90_seconds,
        avg(first_reply_business_seconds) as frt_business_mean_seconds,
        sum(case when is_escalated then 1 else 0 end) as escalated,
        sum(case when is_complaint then 1 else 0 end) as complaints_created,
        sum(case when is_complaint and is_solved then 1 else 0 end) as complaints_solved,
        sum(case when is_proactive then 1 else 0 end) as proactive_tickets,
        sum(case when is_proactive_answered then 1 else 0 end) as proactive_answered
    from production_tickets
    group by created_month_start, created_group_id

),

solved_side as (

    select
        solved_month_start as month_start,
        solving_group_id as group_id,
        count(*) as tickets_solved,
        avg(full_resolution_seconds) as resolution_mean_seconds,
        avg(full_resolution_business_seconds) as resolution_business_mean_seconds,
        sum(case when is_one_touch then 1 else 0 end) as one_touch,
        count(is_one_touch) as one_touch_known,
        sum(case when is_reopened then 1 else 0 end) as reopened,
        count(reopens) as reopens_known
    from production_tickets
    where is_solved and solved_at is not null
    group by solved_month_start, solving_group_id

),

backlog_tickets as (

    -- Created before the month's end and, at its last instant, not solved or closed.
    select
        month_ends.month_start,
        production_tickets.ticket_id,
        coalesce(group_periods.group_id, production_tickets.created_group_id) as group_id
    from production_tickets
    inner join month_ends
        on production_tickets.created_at < month_ends.month_end_at
    inner join status_periods
        on
            production_tickets.ticket_id = status_periods.ticket_id
            and month_ends.month_end_at > status_periods.valid_from
            and (status_periods.valid_to is null or month_ends.month_end_at <= status_periods.valid_to)
    left join group_periods
        on
            production_tickets.ticket_id = group_periods.ticket_id
            and month_ends.month_end_at > group_periods.valid_from
            and (group_periods.valid_to is null or month_ends.month_end_at <= group_periods.valid_to)
    where status_periods.status not in ('solved', 'closed')

),

backlog as (

    select
        month_start,
        coalesce(group_id, 'none') as group_id,
        count(distinct ticket_id) as backlog_end_of_month
    from backlog_tickets
    group by month_start, coalesce(group_id, 'none')

),

final as (

    select
        months.month_start,
        kpi_groups.group_id,
        cast(coalesce(created_side.tickets_created, 0) as integer) as tickets_created,
        cast(coalesce(solved_side.tickets_solved, 0) as integer) as tickets_solved,
        cast(round(cast(created_side.frt_mean_seconds / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as frt_mean_minutes,
        cast(round(cast(created_side.frt_p50_seconds / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as frt_p50_minutes,
        cast(round(cast(created_side.frt_p90_seconds / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as frt_p90_minutes,
        cast(round(cast(created_side.frt_business_mean_seconds / 60.0 as decimal(38, 6)), 2) as decimal(18, 2)) as frt_business_mean_minutes,
        cast(round(cast(solved_side.resolution_mean_seconds / 3600.0 as decimal(38, 6)), 2) as decimal(18, 2))
            as resolution_mean_hours,
        cast(
            round(cast(solved_side.resolution_business_mean_seconds / 3600.0 as decimal(38, 6)), 2)
            as decimal(18, 2)
        ) as resolution_business_mean_hours,
        cast(round(cast(100.0 * solved_side.one_touch / nullif(solved_side.one_touch_known, 0) as decimal(38, 6)), 2) as decimal(5, 2)) as fcr_pct,
        cast(round(cast(100.0 * created_side.escalated / nullif(created_side.tickets_created, 0) as decimal(38, 6)), 2) as decimal(5, 2)) as escalation_rate_pct,
        cast(round(cast(100.0 * solved_side.reopened / nullif(solved_side.reopens_known, 0) as decimal(38, 6)), 2) as decimal(5, 2)) as reopen_rate_pct,
        cast(coalesce(backlog.backlog_end_of_month, 0) as integer) as backlog_end_of_month,
        cast(support_costs.amount as decimal(18, 2)) as support_cost,
        support_costs.currency as support_cost_currency,
        cast(
            round(cast(support_costs.amount / nullif(created_side.tickets_created, 0) as decimal(38, 6)), 2)
            as decimal(18, 2)
        ) as cost_per_ticket,
        cast(
            round(cast(support_costs.amount / nullif(solved_side.tickets_solved, 0) as decimal(38, 6)), 2)
            as decimal(18, 2)
        ) as cost_per_resolution,
        cast(coalesce(created_side.complaints_created, 0) as integer) as complaints_created,
        cast(round(cast(100.0 * created_side.complaints_solved / nullif(created_side.complaints_created, 0) as decimal(38, 6)), 2) as decimal(5, 2)) as complaints_resolved_pct,
        cast(coalesce(created_side.proactive_tickets, 0) as integer) as proactive_tickets,
        cast(round(cast(100.0 * created_side.proactive_answered / nullif(created_side.proactive_tickets, 0) as decimal(38, 6)), 2) as decimal(5, 2))
            as proactive_engagement_rate_pct
    from months
    cross join kpi_groups
    left join created_side
        on months.month_start = created_side.month_start and kpi_groups.group_id = created_side.group_id
    left join solved_side
        on months.month_start = solved_side.month_start and kpi_groups.group_id = solved_side.group_id
    left join backlog
        on months.month_start = backlog.month_start and kpi_groups.group_id = backlog.group_id
    left join support_costs
        on months.month_start = support_costs.month_start and kpi_groups.group_id = support_costs.group_id

)

select * from final
) as model_output;
