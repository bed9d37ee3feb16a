{#- Timestamps are stored as UTC `timestamp` without zone (spec conventions). -#}

{#- Text with an explicit offset or `Z` (`2015-10-06T21:30:42Z`, `…-06:00`, `…+0900`)
    -> UTC timestamp. -#}
{% macro iso_to_utc(expression) -%}
    {{ return(adapter.dispatch('iso_to_utc', 'service_kpis')(expression)) }}
{%- endmacro %}

{% macro default__iso_to_utc(expression) -%}
    cast(cast({{ expression }} as {{ dbt.type_timestamp() }} with time zone) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__iso_to_utc(expression) -%}
    cast(cast({{ expression }} as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro spark__iso_to_utc(expression) -%}
    to_utc_timestamp(cast({{ expression }} as timestamp), current_timezone())
{%- endmacro %}

{#- A UTC timestamp -> wall-clock time in `zone` (an IANA name), for cutting periods. -#}
{% macro utc_to_local(expression, zone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'service_kpis')(expression, zone)) }}
{%- endmacro %}

{% macro default__utc_to_local(expression, zone) -%}
    cast(({{ expression }} at time zone 'UTC') at time zone {{ zone }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__utc_to_local(expression, zone) -%}
    from_utc_timestamp({{ expression }}, {{ zone }})
{%- endmacro %}

{#- The first day of the reporting month of a UTC timestamp (var `reporting_timezone`). -#}
{% macro reporting_month_start(expression) -%}
    cast({{ dbt.date_trunc('month', utc_to_local(expression, "'" ~ var('reporting_timezone') ~ "'")) }} as date)
{%- endmacro %}

{#- The Monday of the reporting ISO week of a UTC timestamp (var `reporting_timezone`). -#}
{% macro reporting_week_start(expression) -%}
    cast({{ dbt.date_trunc('week', utc_to_local(expression, "'" ~ var('reporting_timezone') ~ "'")) }} as date)
{%- endmacro %}

{#- ISO day of the week (1 = Monday .. 7 = Sunday) of a UTC timestamp in the reporting time
    zone: whole days since Monday 1900-01-01, modulo 7 (no engine-specific dow function). -#}
{% macro reporting_iso_weekday(expression) -%}
    (cast({{ dbt.datediff(
        "cast('1900-01-01' as date)",
        "cast(" ~ utc_to_local(expression, "'" ~ var('reporting_timezone') ~ "'") ~ " as date)",
        'day',
    ) }} as {{ dbt.type_int() }}) % 7 + 1)
{%- endmacro %}

{#- Hour of the day (0-23) of a UTC timestamp in the reporting time zone. -#}
{% macro reporting_hour(expression) -%}
    cast(extract(hour from {{ utc_to_local(expression, "'" ~ var('reporting_timezone') ~ "'") }}) as {{ dbt.type_int() }})
{%- endmacro %}

{#- Whole seconds elapsed from `start` to `finish`, truncated toward the past (10:00:00.900
    -> 10:00:01.100 is 0 s, not the 1 second boundary crossed); NULL when either is NULL. -#}
{% macro seconds_between(start, finish) -%}
    cast(floor({{ dbt.datediff(start, finish, 'millisecond') }} / 1000.0) as bigint)
{%- endmacro %}

{#- Naive text in UTC with no offset (ServiceNow `2016-12-12 15:19:57`) -> timestamp. -#}
{% macro utc_text_to_timestamp(expression) -%}
    cast(nullif(trim({{ expression }}), '') as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Naive wall-clock text in `zone` (a SQL expression giving an IANA name; PagerDuty
    Analytics times with the envelope's `time_zone`) -> UTC timestamp. -#}
{% macro local_to_utc(expression, zone) -%}
    {{ return(adapter.dispatch('local_to_utc', 'service_kpis')(expression, zone)) }}
{%- endmacro %}

{% macro default__local_to_utc(expression, zone) -%}
    cast((cast({{ expression }} as {{ dbt.type_timestamp() }}) at time zone {{ zone }}) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__local_to_utc(expression, zone) -%}
    to_utc_timestamp(cast({{ expression }} as timestamp), {{ zone }})
{%- endmacro %}

{#- Seconds or milliseconds since 1970-01-01 UTC (Jenkins `timestamp` ms, Delighted and
    Zendesk seconds) -> UTC timestamp. `unit` is 's' or 'ms'. -#}
{% macro epoch_to_utc(expression, unit='s') -%}
    {{ return(adapter.dispatch('epoch_to_utc', 'service_kpis')(expression, unit)) }}
{%- endmacro %}

{% macro default__epoch_to_utc(expression, unit='s') -%}
    {%- set millis = '1' if unit == 'ms' else '1000' -%}
    {{ dbt.dateadd('millisecond', 'cast(' ~ expression ~ ' as bigint) * ' ~ millis, "cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{% macro duckdb__epoch_to_utc(expression, unit='s') -%}
    make_timestamp(cast({{ expression }} as bigint) * {{ '1000' if unit == 'ms' else '1000000' }})
{%- endmacro %}

{% macro postgres__epoch_to_utc(expression, unit='s') -%}
    (to_timestamp(cast({{ expression }} as double precision){{ ' / 1000.0' if unit == 'ms' }}) at time zone 'UTC')
{%- endmacro %}

{% macro spark__epoch_to_utc(expression, unit='s') -%}
    {{ 'timestamp_millis' if unit == 'ms' else 'timestamp_seconds' }}(cast({{ expression }} as bigint))
{%- endmacro %}

{#- A ServiceNow glide_duration rendered as an epoch-offset date (`1970-01-02 04:23:17`
    = 1 day 4:23:17) -> whole seconds (102197). -#}
{% macro servicenow_duration_seconds(expression) -%}
    {{ dbt.datediff("cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")", utc_text_to_timestamp(expression), 'second') }}
{%- endmacro %}

{#- A timestamp plus a number of milliseconds (an offset or a duration). DuckDB's
    `interval 1 millisecond * n` (dbt.dateadd) casts n to a 32-bit integer, so offsets of
    24.9 days (2^31 ms) or more failed: to_milliseconds takes a bigint. -#}
{% macro add_milliseconds(milliseconds, timestamp) -%}
    {{ return(adapter.dispatch('add_milliseconds', 'service_kpis')(milliseconds, timestamp)) }}
{%- endmacro %}

{% macro default__add_milliseconds(milliseconds, timestamp) -%}
    {{ dbt.dateadd('millisecond', milliseconds, timestamp) }}
{%- endmacro %}

{% macro duckdb__add_milliseconds(milliseconds, timestamp) -%}
    ({{ timestamp }} + to_milliseconds(cast({{ milliseconds }} as bigint)))
{%- endmacro %}
