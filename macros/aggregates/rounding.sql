{#- Published numbers: computed unrounded, rounded once at the end, half away from zero on
    decimals (never on doubles, which PostgreSQL rounds half to even). -#}

{#- A number of seconds -> minutes with 2 decimals. -#}
{% macro seconds_to_minutes(expression) -%}
    cast(round(cast({{ expression }} / 60.0 as decimal(38, 6)), 2) as decimal(18, 2))
{%- endmacro %}

{#- 100 × numerator / denominator with 2 decimals; NULL when the denominator is 0. -#}
{% macro pct(numerator, denominator) -%}
    cast(round(cast(100.0 * {{ numerator }} / nullif({{ denominator }}, 0) as decimal(38, 6)), 2) as decimal(5, 2))
{%- endmacro %}

{#- A number of seconds -> hours with 2 decimals. -#}
{% macro seconds_to_hours(expression) -%}
    cast(round(cast({{ expression }} / 3600.0 as decimal(38, 6)), 2) as decimal(18, 2))
{%- endmacro %}

{#- Any unrounded number -> decimal(18, 2), half away from zero on decimals. -#}
{% macro round_2(expression) -%}
    cast(round(cast({{ expression }} as decimal(38, 6)), 2) as decimal(18, 2))
{%- endmacro %}
