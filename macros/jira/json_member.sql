{#- The JSON text of the member of a JSON object text column whose name is given by a SQL
    expression (a column, e.g. a name from `json_object_member_keys`), where `json_text`
    needs the path written out. NULL when the member is absent; a JSON null member gives
    the text `null`. -#}
{% macro json_member(column, key) -%}
    {{ return(adapter.dispatch('json_member', 'service_kpis')(column, key)) }}
{%- endmacro %}

{% macro default__json_member(column, key) -%}
    cast(json_extract_path({{ column }}, {{ key }}) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro duckdb__json_member(column, key) -%}
    cast(json_extract({{ column }}, '$."' || {{ key }} || '"') as varchar)
{%- endmacro %}

{% macro postgres__json_member(column, key) -%}
    ((({{ column }})::json -> ({{ key }}))::text)
{%- endmacro %}

{#- A JSON null member gives NULL here, not the text `null`. -#}
{% macro spark__json_member(column, key) -%}
    get_json_object({{ column }}, concat("$['", {{ key }}, "']"))
{%- endmacro %}
