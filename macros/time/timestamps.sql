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

{#- Whole seconds from `start` to `finish` (NULL when either is NULL). -#}
{% macro seconds_between(start, finish) -%}
    {{ dbt.datediff(start, finish, 'second') }}
{%- endmacro %}
