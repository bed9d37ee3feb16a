{#- One row per element of the JSON array at a dotted `path` of a JSON text column, as
    the element's JSON text. A set-returning select-list expression: use it in a select
    list beside plain columns of the same row (nested entities of an export, e.g.
    Statuspage incident updates), never twice in one select. An empty or missing array
    gives no row. -#}
{% macro json_array_elements(column, path) -%}
    {{ return(adapter.dispatch('json_array_elements', 'service_kpis')(column, path)) }}
{%- endmacro %}

{% macro default__json_array_elements(column, path) -%}
    json_array_elements_text(json_extract_path({{ column }}, '{{ path.split(".") | join("', '") }}'))
{%- endmacro %}

{% macro duckdb__json_array_elements(column, path) -%}
    unnest(cast(json_extract({{ column }}, '$.{{ path }}[*]') as varchar[]))
{%- endmacro %}

{#- Only an array is unnested: PostgreSQL raises on a JSON null or scalar, which DuckDB
    (and the contract above) treat as no element. -#}
{% macro postgres__json_array_elements(column, path) -%}
    {%- set array_json = "(" ~ column ~ ")::json #> '{" ~ (path.split(".") | join(",")) ~ "}'" -%}
    json_array_elements(case when json_typeof({{ array_json }}) = 'array' then {{ array_json }} end)::text
{%- endmacro %}

{% macro spark__json_array_elements(column, path) -%}
    explode(from_json(get_json_object({{ column }}, '$.{{ path }}'), 'array<string>'))
{%- endmacro %}
