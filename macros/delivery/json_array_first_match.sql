{#- The JSON text of the first element of the array at a dotted `path` whose `key` equals
    `value` (a SQL expression, e.g. a quoted literal); without `key`, the first element.
    NULL when no element matches or the array is missing. Elements are matched by content,
    never by position: Jenkins `actions[]` holds its entries in no fixed order, with empty
    `{}` entries between them (`json_array_first_match('record_json', 'actions', '_class',
    "'hudson.plugins.git.util.BuildData'")`). -#}
{% macro json_array_first_match(column, path, key=none, value=none) -%}
    {{ return(adapter.dispatch('json_array_first_match', 'service_kpis')(column, path, key, value)) }}
{%- endmacro %}

{% macro default__json_array_first_match(column, path, key=none, value=none) -%}
    (
        select cast(matches.element as {{ dbt.type_string() }})
        from json_array_elements(json_extract_path({{ column }}, '{{ path.split(".") | join("', '") }}'))
            with ordinality as matches (element, element_position)
        {%- if key is not none %}
        where json_extract_path_text(matches.element, '{{ key }}') = {{ value }}
        {%- endif %}
        order by matches.element_position
        limit 1
    )
{%- endmacro %}

{% macro duckdb__json_array_first_match(column, path, key=none, value=none) -%}
    {%- if key is none -%}
    cast(json_extract({{ column }}, '$.{{ path }}[*]') as varchar[])[1]
    {%- else -%}
    list_filter(
        cast(json_extract({{ column }}, '$.{{ path }}[*]') as varchar[]),
        lambda element: json_extract_string(element, '$.{{ key }}') = {{ value }}
    )[1]
    {%- endif -%}
{%- endmacro %}

{% macro postgres__json_array_first_match(column, path, key=none, value=none) -%}
    (
        select matches.element::text
        {%- set array_json = "(" ~ column ~ ")::json #> '{" ~ (path.split(".") | join(",")) ~ "}'" %}
        from json_array_elements(case when json_typeof({{ array_json }}) = 'array' then {{ array_json }} end)
            with ordinality as matches (element, element_position)
        {%- if key is not none %}
        where matches.element ->> '{{ key }}' = {{ value }}
        {%- endif %}
        order by matches.element_position
        limit 1
    )
{%- endmacro %}

{% macro spark__json_array_first_match(column, path, key=none, value=none) -%}
    {%- if key is none -%}
    get_json_object({{ column }}, '$.{{ path }}[0]')
    {%- else -%}
    try_element_at(
        filter(
            from_json(get_json_object({{ column }}, '$.{{ path }}'), 'array<string>'),
            element -> get_json_object(element, '$.{{ key }}') = {{ value }}
        ),
        1
    )
    {%- endif -%}
{%- endmacro %}
