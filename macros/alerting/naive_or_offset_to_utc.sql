{#- ISO-8601 text -> UTC timestamp: with an offset or `Z` by that offset, without one
    (PagerDuty Analytics `2023-05-31T10:05:00`) as wall-clock time in `zone` (a SQL
    expression giving an IANA name, e.g. the envelope's `time_zone`), DST-aware. Guards
    against a source starting to send offsets: a cast to timestamp would drop them
    silently. Plain SQL over `iso_to_utc` and `local_to_utc`. -#}
{% macro naive_or_offset_to_utc(expression, zone) -%}
    case
        when upper({{ expression }}) like '%Z'
            or substring({{ expression }}, 12) like '%+%'
            or substring({{ expression }}, 12) like '%-%'
            then {{ iso_to_utc(expression) }}
        else {{ local_to_utc(expression, zone) }}
    end
{%- endmacro %}
