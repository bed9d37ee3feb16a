{#- Lower-case text without digits: the fingerprint of a title ("Disk 93% full on db-7"
    and "Disk 95% full on db-2" are the same problem, spec §1 recurrence). -#}
{% macro strip_digits(expression) -%}
    {{ return(adapter.dispatch('strip_digits', 'service_kpis')(expression)) }}
{%- endmacro %}

{% macro default__strip_digits(expression) -%}
    trim(regexp_replace(lower({{ expression }}), '[0-9]+', '', 'g'))
{%- endmacro %}

{% macro spark__strip_digits(expression) -%}
    trim(regexp_replace(lower({{ expression }}), '[0-9]+', ''))
{%- endmacro %}
