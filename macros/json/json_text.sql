{#- The text value at a dotted path of a JSON text column (`incident.id`), NULL when absent.
    JSON null gives NULL; objects and arrays give their JSON text. -#}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'service_kpis')(column, path)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}
    json_extract_path_text({{ column }}, '{{ path.split(".") | join("', '") }}')
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    json_extract_string({{ column }}, '$.{{ path }}')
{%- endmacro %}

{#- `json`, not `jsonb`: an object or array comes back as its source text (key order and
    spacing kept, as DuckDB's compact text of compact raw JSON), not re-rendered. Wrapped in
    parentheses: `#>>` has the precedence of `||`. -#}
{% macro postgres__json_text(column, path) -%}
    (({{ column }})::json #>> '{ {{- path.split(".") | join(",") -}} }')
{%- endmacro %}

{% macro spark__json_text(column, path) -%}
    get_json_object({{ column }}, '$.{{ path }}')
{%- endmacro %}
