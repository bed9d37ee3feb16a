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

{#- The body of a staging model's CTE that adds, to every copy of its `relation` (a CTE
    with `version_rank`, 1 = the winning copy, and `_loaded_at`), `as_column`: when the
    winning copy's `content` was first loaded, i.e. the earliest load among the copies
    ranked above the best-ranked copy whose content differs (every copy when none does).
    A later export of the same content (a snapshot that repeats a record unchanged) keeps
    the older time; so does an older version arriving late. int_ticket_changes reads these
    times, so that unchanged re-exports bring no ticket back. -#}
{% macro with_content_loaded_at(relation, partition_by, content, as_column='_content_loaded_at') -%}
    select
        *,
        min(
            case
                when content_changed_rank is null or version_rank < content_changed_rank then _loaded_at
            end
        ) over (partition by {{ partition_by }}) as {{ as_column }}
    from (
        select
            *,
            min(
                case
                    when coalesce({{ content }}, '') <> coalesce(winning_content, '') then version_rank
                end
            ) over (partition by {{ partition_by }}) as content_changed_rank
        from (
            select
                *,
                max(case when version_rank = 1 then {{ content }} end) over (
                    partition by {{ partition_by }}
                ) as winning_content
            from {{ relation }}
        ) as with_winning_content
    ) as with_content_changes
{%- endmacro %}
