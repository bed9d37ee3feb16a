{#- The number at a dotted path of a JSON text column as a bigint, NULL when absent. Goes
    through numeric so a decimal text (`3305.0`, accepted by ingest's NUMBER check) reads
    too, rounded to the nearest integer. Plain SQL over json_text and dbt types. -#}
{% macro json_bigint(column, path) -%}
    cast(cast({{ json_text(column, path) }} as {{ dbt.type_numeric() }}) as {{ dbt.type_bigint() }})
{%- endmacro %}
