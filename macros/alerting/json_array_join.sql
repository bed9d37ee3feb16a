{#- The scalars of the JSON array at a dotted `path` of a JSON text column joined into
    one text with `separator` (Opsgenie `tags` -> `critical;service:svc-mail`). NULL
    when the array is missing or empty. -#}
{% macro json_array_join(column, path, separator=';') -%}
    {{ return(adapter.dispatch('json_array_join', 'service_kpis')(column, path, separator)) }}
{%- endmacro %}

{% macro default__json_array_join(column, path, separator=';') -%}
    (
        select nullif(string_agg(elements.element, '{{ separator }}' order by elements.position), '')
        from json_array_elements_text(json_extract_path({{ column }}, '{{ path.split(".") | join("', '") }}'))
            with ordinality as elements (element, position)
    )
{%- endmacro %}

{% macro duckdb__json_array_join(column, path, separator=';') -%}
    nullif(array_to_string(cast(json_extract_string({{ column }}, '$.{{ path }}[*]') as varchar[]), '{{ separator }}'), '')
{%- endmacro %}

{% macro postgres__json_array_join(column, path, separator=';') -%}
    (
        select nullif(string_agg(elements.element, '{{ separator }}' order by elements.position), '')
        {%- set array_json = "(" ~ column ~ ")::json #> '{" ~ (path.split(".") | join(",")) ~ "}'" %}
        from json_array_elements_text(case when json_typeof({{ array_json }}) = 'array' then {{ array_json }} end)
            with ordinality as elements (element, position)
    )
{%- endmacro %}

{% macro spark__json_array_join(column, path, separator=';') -%}
    nullif(array_join(from_json(get_json_object({{ column }}, '$.{{ path }}'), 'array<string>'), '{{ separator }}'), '')
{%- endmacro %}
