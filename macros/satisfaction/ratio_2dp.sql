{#- numerator / denominator with 2 decimals (a mean score), rounded once, half away from
    zero on decimals like `pct` in aggregates/rounding.sql; NULL when the denominator is 0. -#}
{% macro ratio_2dp(numerator, denominator) -%}
    cast(round(cast(1.0 * {{ numerator }} / nullif({{ denominator }}, 0) as decimal(38, 6)), 2) as decimal(18, 2))
{%- endmacro %}
