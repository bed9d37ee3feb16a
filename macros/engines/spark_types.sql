{#- Spark SQL spells some types differently: a bare `varchar`/`char` (no length) is not a
    Spark type and `text`/`double precision`/`numeric` are not Spark names. Contracts
    (`data_type`), seed `column_types` and unit-test fixture casts keep the names DuckDB and
    PostgreSQL use; on Spark they are translated here: varchar/text/char -> string,
    double precision -> double, numeric(p,s) -> decimal(p,s). Any other name is kept. -#}
{% macro spark_type_name(data_type) -%}
    {%- set name = (data_type | string).strip() -%}
    {%- set lowered = name.lower() -%}
    {%- if lowered in ('varchar', 'text', 'char', 'character varying', 'string', 'character') -%}
        string
    {%- elif lowered == 'double precision' -%}
        double
    {%- elif lowered.startswith('numeric') -%}
        decimal{{ name[7:] }}
    {%- else -%}
        {{ name }}
    {%- endif -%}
{%- endmacro %}

{#- dbt.cast on Spark: contracts build `cast(null as <data_type>)` from each declared
    column to compare with the model's columns. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type_name(type) }})
{%- endmacro %}

{#- Seeds on Spark: dbt-spark's seed macros with each `column_types` name translated. -#}
{% macro spark_seed_model(model) -%}
    {%- set column_types = {} -%}
    {%- for column, data_type in model['config'].get('column_types', {}).items() -%}
        {%- do column_types.update({column: spark_type_name(data_type)}) -%}
    {%- endfor -%}
    {%- set config = dict(model['config']) -%}
    {%- do config.update({'column_types': column_types}) -%}
    {%- set patched = dict(model) -%}
    {%- do patched.update({'config': config}) -%}
    {{ return(patched) }}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) -%}
    {{ return(dbt.spark__create_csv_table(spark_seed_model(model), agate_table)) }}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) -%}
    {{ return(dbt.spark__load_csv_rows(spark_seed_model(model), agate_table)) }}
{%- endmacro %}
