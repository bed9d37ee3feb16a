{#- The text of a JSON scalar given as JSON text: an element of `json_array_elements`
    (`"billing"` -> billing, `"caf\u00e9"` -> café, `42` -> 42, `null` -> NULL). Zendesk
    ticket `tags[]` are an array of strings, so each element comes quoted. -#}
{% macro json_scalar_text(expression) -%}
    {{ return(adapter.dispatch('json_scalar_text', 'service_kpis')(expression)) }}
{%- endmacro %}

{#- No portable JSON scalar reader: strip the surrounding quotes (escapes stay as they
    are, which tags and ids never need). -#}
{% macro default__json_scalar_text(expression) -%}
    nullif(trim(both '"' from {{ expression }}), 'null')
{%- endmacro %}

{% macro duckdb__json_scalar_text(expression) -%}
    json_extract_string({{ expression }}, '$')
{%- endmacro %}

{% macro postgres__json_scalar_text(expression) -%}
    (({{ expression }})::json #>> '{}')
{%- endmacro %}

{#- Spark's json_array_elements already gives a string element unquoted and unescaped
    (from_json into array<string>), and a JSON null as NULL. -#}
{% macro spark__json_scalar_text(expression) -%}
    {{ expression }}
{%- endmacro %}
