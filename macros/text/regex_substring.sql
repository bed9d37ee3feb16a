{#- The first substring matching a regular expression (POSIX/RE2 syntax common to the
    engines), NULL when none: e.g. the `CHG0030040` of a deployment description. -#}
{% macro regex_substring(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_substring', 'service_kpis')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_substring(expression, pattern) -%}
    nullif(regexp_substr({{ expression }}, '{{ pattern }}'), '')
{%- endmacro %}

{% macro duckdb__regex_substring(expression, pattern) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}'), '')
{%- endmacro %}

{% macro postgres__regex_substring(expression, pattern) -%}
    substring({{ expression }} from '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_substring(expression, pattern) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', 0), '')
{%- endmacro %}
