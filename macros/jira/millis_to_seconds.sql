{#- Whole seconds of a millisecond count (Jira SLA `goalDuration.millis`, …), floored
    toward the past like `seconds_between` (1999 ms -> 1 s, -1500 ms -> -2 s); NULL stays
    NULL. Plain cross-database SQL. -#}
{% macro millis_to_seconds(expression) -%}
    cast(floor(cast({{ expression }} as {{ dbt.type_bigint() }}) / 1000.0) as {{ dbt.type_bigint() }})
{%- endmacro %}
