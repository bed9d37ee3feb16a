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

{#- Spark pairs two generators of one select list as a cross product, not in lockstep:
    there, number elements with json_array_numbered_elements (one generator). -#}
{% macro spark__json_array_positions(column, path) -%}
    {{ exceptions.raise_compiler_error(
        "json_array_positions cannot run beside json_array_elements on Spark: "
        ~ "use json_array_numbered_elements(column, path, element_name, position_name)"
    ) }}
{%- endmacro %}

{#- `<element> as element_name, <position> as position_name` for a select list: each
    element of the JSON array at a dotted `path` as JSON text (json_array_elements) with
    its 1-based position (json_array_positions), one row per element; a missing or empty
    array gives no row. Spark: one `inline` generator over (element, position) structs. -#}
{% macro json_array_numbered_elements(column, path, element_name, position_name) -%}
    {{ return(adapter.dispatch('json_array_numbered_elements', 'service_kpis')(column, path, element_name, position_name)) }}
{%- endmacro %}

{% macro default__json_array_numbered_elements(column, path, element_name, position_name) -%}
    {{ json_array_elements(column, path) }} as {{ element_name }},
    {{ json_array_positions(column, path) }} as {{ position_name }}
{%- endmacro %}

{% macro spark__json_array_numbered_elements(column, path, element_name, position_name) -%}
    inline(transform(
        from_json(get_json_object({{ column }}, '$.{{ path }}'), 'array<string>'),
        (element, position) -> named_struct('element', element, 'position', position + 1)
    )) as ({{ element_name }}, {{ position_name }})
{%- endmacro %}
