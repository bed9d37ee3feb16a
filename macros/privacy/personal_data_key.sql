{#- A stable, non-reversible-by-eye key for personal data (an e-mail, a name): the
    SHA-256 hex of the trimmed, lower-cased text, so the same requester joins across
    tools without the clear value leaving `raw`. NULL stays NULL. (The access and privacy
    issue replaces this with a keyed HMAC; callers keep calling this macro.) -#}
{% macro personal_data_key(expression) -%}
    {{ return(adapter.dispatch('personal_data_key', 'service_kpis')(expression)) }}
{%- endmacro %}

{% macro default__personal_data_key(expression) -%}
    {{ dbt.hash('lower(trim(' ~ expression ~ '))') }}
{%- endmacro %}

{% macro duckdb__personal_data_key(expression) -%}
    sha256(lower(trim({{ expression }})))
{%- endmacro %}

{% macro postgres__personal_data_key(expression) -%}
    encode(sha256(convert_to(lower(trim({{ expression }})), 'UTF8')), 'hex')
{%- endmacro %}

{% macro spark__personal_data_key(expression) -%}
    sha2(lower(trim({{ expression }})), 256)
{%- endmacro %}
