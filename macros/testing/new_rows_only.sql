{#-
    Incremental runs of `make run` test a day's rows, not all rows (orchestration/build_plan.py).

    dbt reads the relation of every generic data test through `get_where_subquery`. When the
    run's dbt asset sets KPI_DBT_TEST_NEW_ROWS=1 (a plan for new data, the dbt project unchanged
    since its last build), a row-wise test (not_null, accepted_values, relationships) of a
    staging model reads only the rows loaded after its raw table was last built
    (`audit.dbt_build_state.built_through`): the older rows passed the same test then, and a
    staging view re-parses its raw JSON for every test that reads it. Uniqueness tests, tests
    of other layers, first builds, full refreshes, changed code and any `dbt build` run by hand
    read every row, with the test's own `where` as in dbt-core.
-#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set since = kpi_new_rows_since() if execute else none -%}
    {%- if since is not none -%}
        {%- do conditions.append('_loaded_at > ' ~ since) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- The load time after which the current test reads rows, as SQL, or none for every row. -#}
{% macro kpi_new_rows_since() -%}
    {{ return(adapter.dispatch('kpi_new_rows_since')()) }}
{%- endmacro %}


{#- Only `make run` plans builds, on DuckDB: other engines test every row. -#}
{% macro default__kpi_new_rows_since() -%}
    {{ return(none) }}
{%- endmacro %}


{% macro duckdb__kpi_new_rows_since() -%}
    {%- set row_wise = ('not_null', 'accepted_values', 'relationships') -%}
    {%- if env_var('KPI_DBT_TEST_NEW_ROWS', '') != '1'
        or model.resource_type != 'test'
        or model.fqn[1] != 'staging'
        or (model.test_metadata or {}).get('name') not in row_wise -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) -%}
    {%- set tables = [] -%}
    {%- for node_id in (tested.depends_on.nodes if tested else []) -%}
        {%- if node_id.startswith('source.') -%}
            {%- do tables.append(graph.sources[node_id].identifier) -%}
        {%- else -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set state = adapter.get_relation(database=target.database, schema='audit', identifier='dbt_build_state') -%}
    {%- if not tables or state is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select
            case
                when count(*) = {{ tables | length }} and count(built_through) = {{ tables | length }}
                    then strftime(min(built_through), '%Y-%m-%d %H:%M:%S.%f')
            end as since
        from {{ state }}
        where raw_table in ('{{ tables | join("', '") }}')
    {%- endset -%}
    {%- set since = run_query(query).columns[0].values()[0] -%}
    {{ return("timestamp '" ~ since ~ "'" if since else none) }}
{%- endmacro %}
