{#- Values of a ServiceNow Table API record exported with `sysparm_display_value=false`
    (source-exports.md §5): every value is a JSON string and `""` means "not set". The
    macros are portable: they are built only on the dispatched `json_text`. -#}

{#- The sys_id a reference field points at, whichever form the export used:
    `{"link": ..., "value": "<sys_id>"}` (also `{"display_value", "value"}`), a bare sys_id
    string (`sysparm_exclude_reference_link=true`), or `""`/absent/null -> NULL. -#}
{% macro servicenow_reference(column, field) -%}
    case
        when {{ json_text(column, field ~ '.value') }} is not null
            then nullif(trim({{ json_text(column, field ~ '.value') }}), '')
        when substring({{ json_text(column, field) }}, 1, 1) = '{' then null
        else nullif(trim({{ json_text(column, field) }}), '')
    end
{%- endmacro %}

{#- A string field as text, `""` -> NULL. -#}
{% macro servicenow_text(column, field) -%}
    nullif({{ json_text(column, field) }}, '')
{%- endmacro %}

{#- A boolean field (`"true"`/`"false"`) -> boolean; `""`/absent -> NULL. -#}
{% macro servicenow_boolean(column, field) -%}
    case lower(trim({{ json_text(column, field) }}))
        when 'true' then true
        when 'false' then false
    end
{%- endmacro %}
