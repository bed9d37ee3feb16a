{#- The config of an incremental model keyed by `unique_key`: a run replaces the rows of
    the keys that arrived since the last run (`delete+insert`). Use it as
    `{{ config(**incremental_by_key('log_entry_id')) }}`, never `materialized='incremental'`
    directly, so each engine gets a strategy it has. -#}
{% macro incremental_by_key(unique_key) -%}
    {{ return(adapter.dispatch('incremental_by_key', 'service_kpis')(unique_key)) }}
{%- endmacro %}

{% macro default__incremental_by_key(unique_key) -%}
    {{ return({
        'materialized': 'incremental',
        'unique_key': unique_key,
        'incremental_strategy': 'delete+insert',
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}

{#- Spark without Delta/Iceberg (parquet tables) has no delete+insert or merge, and
    `insert_overwrite` would replace whole partitions, not keys: the model is rebuilt as a
    table on every run, which equals the incremental history by construction. -#}
{% macro spark__incremental_by_key(unique_key) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{#- The load time before any load: the watermark of an empty incremental model, and the
    stand-in for "never loaded" where a NULL would not compare. -#}
{% macro load_time_floor() -%}
    cast('1970-01-01 00:00:00' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The body of an incremental staging model's `arrived_keys` CTE: the distinct keys of
    the raw rows loaded since the model's newest row. Only the key is read from each raw
    row's JSON; the model then parses and ranks every stored copy of these keys alone
    (`where <key> in (select <key_name> from arrived_keys)`). An empty model (first built
    before any file arrived) takes every key. -#}
{% macro keys_loaded_since_last_build(key_expression, key_name, relation='source') -%}
    select distinct {{ key_expression }} as {{ key_name }}
    from {{ relation }}
    where _loaded_at > (
        select coalesce(max(_loaded_at), {{ load_time_floor() }}) from {{ this }}
    )
{%- endmacro %}

{#- The body of an incremental ticket model's `changed_tickets` CTE: the tickets of
    int_ticket_changes (imported as `changes`) loaded since the model's newest row, with
    their source and source id (to filter the staging rows without building the
    `zendesk:<id>` key on each). An empty model takes every ticket. -#}
{% macro tickets_changed_since_last_build() -%}
    select
        changes.ticket_id,
        changes.source,
        changes.source_ticket_id
    from changes
    where changes._loaded_at > (
        select coalesce(max(built._loaded_at), {{ load_time_floor() }}) from {{ this }} as built
    )
{%- endmacro %}

{#- The filter of an incremental ticket model's input CTE: in an incremental run, only the
    rows of the tickets in the model's `changed_tickets` CTE; nothing in a full build.
    `column` holds the `ticket_id` (`zendesk:<id>`), or with `source` the source's own id
    (`source_ticket_id`). -#}
{% macro where_ticket_changed(column, source=none) -%}
    {%- if is_incremental() -%}
        {%- if source is none %}
    where {{ column }} in (select changed_tickets.ticket_id from changed_tickets)
        {%- else %}
    where {{ column }} in (
        select changed_tickets.source_ticket_id from changed_tickets
        where changed_tickets.source = '{{ source }}'
    )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
