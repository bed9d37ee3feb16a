{#- The value of the first `<prefix><value>` item of a `;`-separated list text
    (Opsgenie tags `critical;service:svc-mail` with prefix `service:` -> `svc-mail`). The
    prefix matches case-insensitively; the value keeps its case, trimmed. NULL when no
    item carries the prefix or its value is empty. Plain cross-database SQL. -#}
{% macro tagged_value(list_text, prefix) -%}
    {%- set padded = dbt.concat(["';'", list_text]) -%}
    {%- set needle = "';" ~ (prefix | lower) ~ "'" -%}
    {%- set found = dbt.position(needle, 'lower(' ~ padded ~ ')') -%}
    case
        when {{ found }} > 0
            then nullif(trim({{ dbt.split_part(
                'substring(' ~ padded ~ ', ' ~ found ~ ' + ' ~ (prefix | length + 1) ~ ')',
                "';'",
                1
            ) }}), '')
    end
{%- endmacro %}
