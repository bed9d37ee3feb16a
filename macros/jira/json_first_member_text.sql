{#- Finds a member of the JSON object at a dotted `path` by the shape of its value, when
    its name differs per site (a Jira custom field id), and returns the text at `value`
    (a dotted path inside that member's value; default `probe`). The member is the first
    one, in document order, whose value has a non-null `probe` (a dotted path; digits
    index arrays: `0._links.self`) matching `pattern` when one is given (a SQL LIKE
    pattern expression). NULL when no member matches. The JSM request type is the
    `customfield_<n>` whose value has `requestType.name`; the Organizations field is an
    array of `{id, name, _links{self: …/servicedeskapi/organization/<id>}}`. -#}
{% macro json_first_member_text(column, path, probe, pattern=none, value=none) -%}
    {{ return(adapter.dispatch('json_first_member_text', 'service_kpis')(column, path, probe, pattern, value)) }}
{%- endmacro %}

{% macro default__json_first_member_text(column, path, probe, pattern=none, value=none) -%}
    {%- set probe_text = "json_extract_path_text(members.member_value, '" ~ (probe.split(".") | join("', '")) ~ "')" -%}
    (
        select json_extract_path_text(members.member_value, '{{ (value or probe).split(".") | join("', '") }}')
        from json_each(json_extract_path({{ column }}, '{{ path.split(".") | join("', '") }}'))
            with ordinality as members (member_key, member_value, position)
        where {{ probe_text }} is not null
        {%- if pattern is not none %}
            and {{ probe_text }} like {{ pattern }}
        {%- endif %}
        order by members.position
        limit 1
    )
{%- endmacro %}

{#- DuckDB JSON paths index arrays with brackets: `0._links.self` -> `$[0]._links.self`. -#}
{% macro duckdb_json_path_of(dotted) -%}
    {%- set steps = [] -%}
    {%- for part in dotted.split(".") -%}
        {%- do steps.append("[" ~ part ~ "]" if part.isdigit() else "." ~ part) -%}
    {%- endfor -%}
    $ {{- steps | join("") }}
{%- endmacro %}

{% macro duckdb__json_first_member_text(column, path, probe, pattern=none, value=none) -%}
    {%- set probe_text = "json_extract_string(member_value, '" ~ duckdb_json_path_of(probe) ~ "')" -%}
    json_extract_string(
        list_filter(
            cast(json_extract({{ column }}, '$.{{ path }}.*') as varchar[]),
            lambda member_value: {{ probe_text }} is not null
            {%- if pattern is not none %} and {{ probe_text }} like {{ pattern }}{% endif %}
        )[1],
        '{{ duckdb_json_path_of(value or probe) }}'
    )
{%- endmacro %}

{#- `json`, not `jsonb`: json_each keeps document order (numbered WITH ORDINALITY). -#}
{% macro postgres__json_first_member_text(column, path, probe, pattern=none, value=none) -%}
    {%- set object = "(" ~ column ~ ")::json #> '{" ~ (path.split(".") | join(",")) ~ "}'" -%}
    {%- set probe_text = "(members.member_value #>> '{" ~ (probe.split(".") | join(",")) ~ "}')" -%}
    (
        select (members.member_value #>> '{ {{- (value or probe).split(".") | join(",") -}} }')
        from json_each(case when json_typeof({{ object }}) = 'object' then {{ object }} end)
            with ordinality as members (member_key, member_value, position)
        where {{ probe_text }} is not null
        {%- if pattern is not none %}
            and {{ probe_text }} like {{ pattern }}
        {%- endif %}
        order by members.position
        limit 1
    )
{%- endmacro %}

{#- from_json into a map keeps the members in document order. -#}
{% macro spark__json_first_member_text(column, path, probe, pattern=none, value=none) -%}
    {%- set probe_text = "get_json_object(member_value, '" ~ duckdb_json_path_of(probe) ~ "')" -%}
    get_json_object(
        try_element_at(
            filter(
                map_values(from_json(get_json_object({{ column }}, '$.{{ path }}'), 'map<string,string>')),
                member_value -> {{ probe_text }} is not null
                {%- if pattern is not none %} and {{ probe_text }} like {{ pattern }}{% endif %}
            ),
            1
        ),
        '{{ duckdb_json_path_of(value or probe) }}'
    )
{%- endmacro %}
