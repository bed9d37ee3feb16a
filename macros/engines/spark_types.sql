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

{#- A seed value as a Spark SQL literal. dbt-spark binds seed values by pasting
    `'<value>'` into the insert unescaped: a quote (Nuku'alofa) breaks the statement and an
    empty cell arrives as the string 'None'. Here an empty cell is `null` (as on DuckDB and
    PostgreSQL) and any other value a string literal with backslashes and quotes escaped
    (Spark's default string-literal escapes), cast to the column's type by the caller. -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ (value | string).replace('\\', '\\\\').replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{#- dbt-spark's spark__load_csv_rows, with the values as escaped literals instead of its
    unescaped bindings (see spark_seed_literal) and column_types in Spark's spelling. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = spark_seed_model(model)['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ spark_seed_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}
