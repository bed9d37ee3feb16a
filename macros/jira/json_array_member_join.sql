{#- The `member` of each object of the JSON array at a dotted `path` joined into one text
    with `separator`, in array order (Jira `fields.components[{name}]` -> `Billing;Login`).
    Elements without the member are skipped; NULL when the array is missing or empty. -#}
{% macro json_array_member_join(column, path, member, separator=';') -%}
    {{ return(adapter.dispatch('json_array_member_join', 'service_kpis')(column, path, member, separator)) }}
{%- endmacro %}

{% macro default__json_array_member_join(column, path, member, separator=';') -%}
    (
        select nullif(string_agg(json_extract_path_text(elements.element, '{{ member }}'), '{{ separator }}' order by elements.position), '')
        from json_array_elements(json_extract_path({{ column }}, '{{ path.split(".") | join("', '") }}'))
            with ordinality as elements (element, position)
    )
{%- endmacro %}

{% macro duckdb__json_array_member_join(column, path, member, separator=';') -%}
    nullif(array_to_string(cast(json_extract_string({{ column }}, '$.{{ path }}[*].{{ member }}') as varchar[]), '{{ separator }}'), '')
{%- endmacro %}

{% macro postgres__json_array_member_join(column, path, member, separator=';') -%}
    (
        select nullif(string_agg(elements.element ->> '{{ member }}', '{{ separator }}' order by elements.position), '')
        {%- set value = "(" ~ column ~ ")::json #> '{" ~ (path.split(".") | join(",")) ~ "}'" %}
        from json_array_elements(case when json_typeof({{ value }}) = 'array' then {{ value }} end)
            with ordinality as elements (element, position)
    )
{%- endmacro %}

{#- array_join skips NULLs: elements without the member. -#}
{% macro spark__json_array_member_join(column, path, member, separator=';') -%}
    nullif(array_join(transform(from_json(get_json_object({{ column }}, '$.{{ path }}'), 'array<string>'), element -> get_json_object(element, '$.{{ member }}')), '{{ separator }}'), '')
{%- endmacro %}
