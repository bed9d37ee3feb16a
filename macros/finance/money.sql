{#- Money (spec conventions): decimal(18,2), rounded half away from zero once, at the last
    step, on a decimal (the unrounded value is first fixed at 10 decimals, so an engine
    that divides decimals into doubles, like DuckDB, never rounds a double). -#}
{% macro money(expression) -%}
    cast(round(cast({{ expression }} as decimal(38, 10)), 2) as decimal(18, 2))
{%- endmacro %}
