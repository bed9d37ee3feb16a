{#- Milliseconds of [started_at, ended_at) inside [window_start, window_end); 0 when they do
    not overlap or the interval is NULL (a left join without a match). Plain CASE and
    dbt.datediff: the same on every engine. -#}
{% macro interval_overlap_ms(started_at, ended_at, window_start, window_end) -%}
    case
        when {{ ended_at }} > {{ window_start }} and {{ started_at }} < {{ window_end }}
            then {{ dbt.datediff(
                'case when ' ~ started_at ~ ' > ' ~ window_start ~ ' then ' ~ started_at ~ ' else ' ~ window_start ~ ' end',
                'case when ' ~ ended_at ~ ' < ' ~ window_end ~ ' then ' ~ ended_at ~ ' else ' ~ window_end ~ ' end',
                'millisecond',
            ) }}
        else 0
    end
{%- endmacro %}
