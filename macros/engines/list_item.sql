{#- The item at `position` (1-based; a SQL expression, e.g. a column of `integer_spine`)
    of a delimited list text: `list_item("'a;b;c'", "';'", 'positions.position')` is `b`
    at position 2. Past the last item: NULL or '' depending on the engine (filter both).
    dbt.split_part takes only a literal part number on PostgreSQL and Spark (its macro
    compares it with 0 in Jinja), hence this macro. -#}
{% macro list_item(list_text, delimiter, position) -%}
    {{ return(adapter.dispatch('list_item', 'service_kpis')(list_text, delimiter, position)) }}
{%- endmacro %}

{% macro default__list_item(list_text, delimiter, position) -%}
    split_part({{ list_text }}, {{ delimiter }}, {{ position }})
{%- endmacro %}

{% macro duckdb__list_item(list_text, delimiter, position) -%}
    string_split({{ list_text }}, {{ delimiter }})[{{ position }}]
{%- endmacro %}

{#- Spark's split() takes a regular expression: the delimiter is quoted literally. -#}
{% macro spark__list_item(list_text, delimiter, position) -%}
    try_element_at(split({{ list_text }}, concat('\\Q', {{ delimiter }}, '\\E')), {{ position }})
{%- endmacro %}
