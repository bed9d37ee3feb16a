{#- The text captured by the first group `( )` of a regular expression (POSIX/RE2 syntax
    common to the engines, no backslashes), NULL when the text does not match:
    `regex_first_group('url', '/job/(.+)/[0-9]+/?$')` on
    `http://ci/job/team/job/svc/39/` gives `team/job/svc`. -#}
{% macro regex_first_group(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_first_group', 'service_kpis')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_first_group(expression, pattern) -%}
    nullif(regexp_substr({{ expression }}, '{{ pattern }}', 1, 1, 'e', 1), '')
{%- endmacro %}

{% macro duckdb__regex_first_group(expression, pattern) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', 1), '')
{%- endmacro %}

{% macro postgres__regex_first_group(expression, pattern) -%}
    nullif(substring({{ expression }} from '{{ pattern }}'), '')
{%- endmacro %}

{% macro spark__regex_first_group(expression, pattern) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', 1), '')
{%- endmacro %}
