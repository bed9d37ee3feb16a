{#- Join condition: `value` (an unrounded SQL expression) lies in the band row `alias` of
    seed `dora_bands`: between lower_bound and upper_bound (an empty bound is open), the
    end named by `inclusive_bound` belonging to the band. -#}
{% macro dora_band_matches(value, alias) -%}
    ({{ alias }}.lower_bound is null or {{ value }} > {{ alias }}.lower_bound
        or ({{ alias }}.inclusive_bound = 'lower' and {{ value }} = {{ alias }}.lower_bound))
    and ({{ alias }}.upper_bound is null or {{ value }} < {{ alias }}.upper_bound
        or ({{ alias }}.inclusive_bound = 'upper' and {{ value }} = {{ alias }}.upper_bound))
{%- endmacro %}
