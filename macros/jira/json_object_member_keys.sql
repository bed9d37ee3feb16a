{#- One row per member name of the JSON object at a dotted `path` of a JSON text column,
    in document order: a set-returning select-list expression (like `json_array_elements`,
    never two of them in one select). A missing path, JSON null or a non-object gives no
    row. For objects whose member names are not known in advance: a Jira issue's
    `fields`, whose SLA custom fields are `customfield_<n>` with ids that differ per site,
    are found by the shape of their value (`json_member`), not by name. -#}
{% macro json_object_member_keys(column, path) -%}
    {{ return(adapter.dispatch('json_object_member_keys', 'service_kpis')(column, path)) }}
{%- endmacro %}

{% macro default__json_object_member_keys(column, path) -%}
    json_object_keys(json_extract_path({{ column }}, '{{ path.split(".") | join("', '") }}'))
{%- endmacro %}

{% macro duckdb__json_object_member_keys(column, path) -%}
    unnest(json_keys({{ column }}, '$.{{ path }}'))
{%- endmacro %}

{#- json_object_keys raises on a non-object (JSON null included): those give no row. -#}
{% macro postgres__json_object_member_keys(column, path) -%}
    {%- set value = "(" ~ column ~ ")::json #> '{" ~ (path.split(".") | join(",")) ~ "}'" -%}
    json_object_keys(case when json_typeof({{ value }}) = 'object' then {{ value }} end)
{%- endmacro %}

{#- json_object_keys gives NULL for a non-object: explode makes no row of it. -#}
{% macro spark__json_object_member_keys(column, path) -%}
    explode(json_object_keys(get_json_object({{ column }}, '$.{{ path }}')))
{%- endmacro %}
