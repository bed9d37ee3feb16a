{#- Rows 0 .. 10^digits - 1 as `number`, built from `integer_spine(10)` (one row per digit
    position, cross-joined), for the business-hours week and day spines: 4 digits = 10,000
    weeks or days, filtered down to the data's range by the caller. -#}
{% macro number_spine(digits) -%}
    select
        {% for digit in range(digits) -%}
            (digit_{{ digit }}.position - 1) * {{ 10 ** digit }}{% if not loop.last %} + {% endif %}
        {%- endfor %} as number  -- noqa: RF04
    from
        {% for digit in range(digits) -%}
            ({{ integer_spine(10) }}) as digit_{{ digit }}{% if not loop.last %} cross join {% endif %}
        {%- endfor %}
{%- endmacro %}
