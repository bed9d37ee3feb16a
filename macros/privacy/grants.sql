{#- Access by role (dbt_project.yml `+grants`, by folder): the four roles, and what dbt's
    per-relation grants cannot express: roles must exist before the first grant, a role
    needs USAGE on a schema to read a table in it, and `raw` and `audit` are written
    outside dbt (ingest, load_raw, the purge, validation). Engines without grants
    (DuckDB: a file, protected by file permissions; Spark without a catalog) keep the
    config and do nothing with it. -#}

{% macro kpi_roles() -%}
    {{ return(['kpi_reader', 'finance', 'auditor', 'engineer']) }}
{%- endmacro %}

{#- Which roles may use each schema; `tables` = may also read every table in it (for
    schemas dbt does not build). The finance role reads raw's finance exports only. -#}
{% macro kpi_schema_access() -%}
    {{ return({
        'raw': {'usage': ['engineer', 'finance'], 'tables': ['engineer']},
        'staging': {'usage': ['engineer', 'finance'], 'tables': []},
        'intermediate': {'usage': ['engineer'], 'tables': []},
        'reference': {'usage': ['engineer'], 'tables': []},
        'restricted': {'usage': ['engineer'], 'tables': []},
        'marts': {'usage': ['kpi_reader', 'finance', 'auditor', 'engineer'], 'tables': []},
        'audit': {'usage': ['auditor', 'engineer'], 'tables': ['auditor', 'engineer']},
    }) }}
{%- endmacro %}

{#- on-run-start: create the roles that are missing (NOLOGIN: people and BI tools log in
    as their own users, members of these roles). Without the CREATEROLE privilege this
    only warns; a grant to a role nobody created then fails with the server's error. -#}
{% macro ensure_kpi_roles() -%}
    {{ return(adapter.dispatch('ensure_kpi_roles', 'service_kpis')()) }}
{%- endmacro %}

{% macro default__ensure_kpi_roles() -%}
    {{ log('Grants are not applied on ' ~ adapter.type() ~ ': no roles to create') }}
{%- endmacro %}

{% macro postgres__ensure_kpi_roles() -%}
    {%- for role in kpi_roles() %}
    do $$
    begin
        if not exists (select from pg_catalog.pg_roles where rolname = '{{ role }}') then
            create role {{ role }} nologin;
        end if;
    exception
        when duplicate_object then null;
        when insufficient_privilege then
            raise warning 'role {{ role }} is missing and cannot be created here';
    end
    $$;
    {%- endfor %}
{%- endmacro %}

{#- on-run-end: schema USAGE, and reads of the schemas dbt does not build. Only schemas
    that exist; `audit` gets default privileges, so its append-only tables, created later
    by other writers under the same owner, are readable by auditors at once. -#}
{% macro grant_kpi_schema_access() -%}
    {{ return(adapter.dispatch('grant_kpi_schema_access', 'service_kpis')()) }}
{%- endmacro %}

{% macro default__grant_kpi_schema_access() -%}
    {{ log('Grants are not applied on ' ~ adapter.type() ~ ': no schema access to grant') }}
{%- endmacro %}

{% macro postgres__grant_kpi_schema_access() -%}
    {%- for schema, access in kpi_schema_access().items() %}
    do $$
    begin
        if exists (select from pg_catalog.pg_namespace where nspname = '{{ schema }}') then
            grant usage on schema {{ schema }} to {{ access.usage | join(', ') }};
            {%- if access.tables %}
            grant select on all tables in schema {{ schema }} to {{ access.tables | join(', ') }};
            alter default privileges in schema {{ schema }}
                grant select on tables to {{ access.tables | join(', ') }};
            {%- endif %}
        end if;
    end
    $$;
    {%- endfor %}
    do $$
    declare
        finance_table record;
    begin
        for finance_table in
            select table_name from information_schema.tables
            where table_schema = 'raw' and table_name like 'finance\_\_%'
        loop
            execute format('grant select on raw.%I to finance', finance_table.table_name);
        end loop;
    end
    $$;
{%- endmacro %}

{#- dbt's per-relation grants: a no-op where the engine has none. dbt-duckdb would warn
    once per run; dbt-spark would run `show grants`, which fails without a catalog. -#}
{% macro duckdb__apply_grants(relation, grant_config, should_revoke=True) -%}
    {{ log('Grants are not applied on DuckDB (file permissions protect the file): ' ~ relation) }}
{%- endmacro %}

{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
    {{ log('Grants are not applied on Spark (no catalog with access control): ' ~ relation) }}
{%- endmacro %}
