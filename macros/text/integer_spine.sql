{#- Rows 1..n as `position`: with `list_item` it turns a `;`-separated list cell
    (landing.md CSV convention) into rows on every engine, no engine-specific unnest. -#}
{% macro integer_spine(n) -%}
    {%- for position in range(1, n + 1) %}
    select {{ position }} as position{% if not loop.last %} union all{% endif %}
    {%- endfor %}
{%- endmacro %}
