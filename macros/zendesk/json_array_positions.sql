{#- The 1-based position of each element of the JSON array at a dotted `path`: a
    set-returning select-list expression meant to sit in the SAME select list as
    `json_array_elements(column, path)` over the same array, whose rows it numbers
    (DuckDB zips `unnest` with `generate_subscripts`; PostgreSQL 10+ runs select-list
    set-returning functions in lockstep). A missing or empty array gives no row, like
    `json_array_elements`. Zendesk audit events without an `id` are keyed by it. -#}
{% macro json_array_positions(column, path) -%}
    {{ return(adapter.dispatch('json_array_positions', 'service_kpis')(column, path)) }}
{%- endmacro %}

{% macro default__json_array_positions(column, path) -%}
    generate_series(1, json_array_length(json_extract_path({{ column }}, '{{ path.split(".") | join("', '") }}')))
{%- endmacro %}

{% macro duckdb__json_array_positions(column, path) -%}
    generate_subscripts(cast(json_extract({{ column }}, '$.{{ path }}[*]') as varchar[]), 1)
{%- endmacro %}

{% macro postgres__json_array_positions(column, path) -%}
    generate_series(1, json_array_length(({{ column }})::json #> '{ {{- path.split(".") | join(",") -}} }'))
{%- endmacro %}
