{#- dbt.dateadd/dbt.datediff on Spark for hour, minute, second, millisecond and
    microsecond. dbt-spark 1.11 casts the interval to whole seconds (`(1/1000000)` per
    millisecond: a millisecond offset is lost) and computes millisecond differences from
    whole seconds plus the `SSS` of the second timestamp; here both work on microseconds
    since the epoch. Differences count unit boundaries crossed, like DuckDB and
    dbt-postgres (10:00:00.900 -> 10:00:01.100 is 1 second, 200 milliseconds). Day and
    longer parts keep dbt-spark's macros. The offset is multiplied as a bigint: an int
    number of minutes (480) times an int 60000000 overflows Spark's 32-bit int and, with
    ANSI mode off (dbt-spark's session), silently wraps. -#}
{% macro spark_micros_per(datepart) -%}
    {%- set micros = {
        'hour': 3600000000,
        'minute': 60000000,
        'second': 1000000,
        'millisecond': 1000,
        'microsecond': 1,
    } -%}
    {{ return(micros.get(datepart | lower)) }}
{%- endmacro %}

{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- set micros = spark_micros_per(datepart) -%}
    {%- if micros is none -%}
        {{ dbt.spark__dateadd(datepart, interval, from_date_or_timestamp) }}
    {%- else -%}
        timestamp_micros(unix_micros(cast({{ from_date_or_timestamp }} as timestamp)) + cast(({{ interval }}) * cast({{ micros }} as bigint) as bigint))
    {%- endif -%}
{%- endmacro %}

{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set micros = spark_micros_per(datepart) -%}
    {%- if micros is none -%}
        {{ dbt.spark__datediff(first_date, second_date, datepart) }}
    {%- elif micros == 1 -%}
        (unix_micros(cast({{ second_date }} as timestamp)) - unix_micros(cast({{ first_date }} as timestamp)))
    {%- else -%}
        (floor(unix_micros(cast({{ second_date }} as timestamp)) / {{ micros }}) - floor(unix_micros(cast({{ first_date }} as timestamp)) / {{ micros }}))
    {%- endif -%}
{%- endmacro %}
