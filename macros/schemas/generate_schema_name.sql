{#- Schemas are exactly raw, staging, intermediate, marts, reference and audit: a custom
    schema is used as it is, without dbt's default `<target_schema>_` prefix. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
