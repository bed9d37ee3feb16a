{#- The key personal data (an e-mail, a name) is exposed as from staging on: the keyed
    HMAC-SHA256 (RFC 2104) of the trimmed, lower-cased text, as 64 lower-case hex digits.
    The same person gets the same key in every tool and on every engine, and without the
    key a dictionary of e-mails does not reverse it. NULL stays NULL.

    The key is the environment variable KPI_PII_HMAC_KEY (UTF-8 text, 16 to 64 bytes).
    Without it the documented samples-only key below is used, so `make run` works on the
    generated samples; with KPI_ENV=production a missing key fails the run instead.

    Portable SQL: HMAC(K, m) = SHA256((K xor opad) || SHA256((K xor ipad) || m)). The two
    padded keys are constants, worked out here at compile time, so each engine needs only
    SHA-256 over bytes, hex decoding and byte concatenation (no pgcrypto, no UDF).
    Compiled SQL therefore holds key material: models calling this macro are tables, never
    views (whose text the database shows to every role); keep `target/` private.

    A raw value the retention purge replaced (`hmac-sha256:<hex>`, orchestration/privacy)
    already is the key: it passes through, so staging, and every mart, stay unchanged. -#}

{#- For the generated sample exports only: it is in the repository, so it is no secret.
    orchestration/privacy/keys.py holds the same text (a test checks they agree). -#}
{% macro samples_only_pii_hmac_key() -%}
    {{ return('samples-only-key-not-a-secret') }}
{%- endmacro %}

{% macro purged_value_prefix() -%}
    {{ return('hmac-sha256:') }}
{%- endmacro %}

{% macro personal_data_key(expression) -%}
    {%- set pads = personal_data_key_pads() -%}
    {%- set prefix = purged_value_prefix() -%}
    case
        when {{ expression }} like '{{ prefix }}%'
            then substring({{ expression }}, {{ prefix | length + 1 }})
        else {{ adapter.dispatch('personal_data_key', 'service_kpis')(
            'lower(trim(' ~ expression ~ '))', pads.inner, pads.outer
        ) }}
    end
{%- endmacro %}

{#- The HMAC key padded to SHA-256's 64-byte block, xor 0x36 (inner) and xor 0x5c
    (outer), as hex. Jinja has no xor operator: bit by bit. -#}
{% macro personal_data_key_pads() -%}
    {%- set key = env_var('KPI_PII_HMAC_KEY', '') -%}
    {%- if key == '' -%}
        {%- if env_var('KPI_ENV', 'dev') == 'production' -%}
            {{ exceptions.raise_compiler_error(
                'KPI_ENV=production needs KPI_PII_HMAC_KEY (the personal-data HMAC key)'
            ) }}
        {%- endif -%}
        {%- set key = samples_only_pii_hmac_key() -%}
    {%- endif -%}
    {%- set key_bytes = key.encode('utf-8') | list -%}
    {%- if key_bytes | length < 16 or key_bytes | length > 64 -%}
        {{ exceptions.raise_compiler_error('KPI_PII_HMAC_KEY must be 16 to 64 bytes of UTF-8') }}
    {%- endif -%}
    {%- set padded = key_bytes + [0] * (64 - key_bytes | length) -%}
    {%- set pads = {'inner': '', 'outer': ''} -%}
    {%- for name, pad in [('inner', 54), ('outer', 92)] -%}
        {%- set hex = [] -%}
        {%- for byte in padded -%}
            {%- set bits = namespace(value=0) -%}
            {%- for bit in range(8) -%}
                {%- set weight = 2 ** bit -%}
                {%- if (byte // weight) % 2 != (pad // weight) % 2 -%}
                    {%- set bits.value = bits.value + weight -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do hex.append('%02x' | format(bits.value)) -%}
        {%- endfor -%}
        {%- do pads.update({name: hex | join('')}) -%}
    {%- endfor -%}
    {{ return(pads) }}
{%- endmacro %}

{% macro default__personal_data_key(text, inner, outer) -%}
    {{ exceptions.raise_compiler_error(
        'personal_data_key: no HMAC-SHA256 for adapter ' ~ adapter.type()
    ) }}
{%- endmacro %}

{% macro duckdb__personal_data_key(text, inner, outer) -%}
    sha256(unhex('{{ outer }}') || unhex(sha256(unhex('{{ inner }}') || encode({{ text }}))))
{%- endmacro %}

{% macro postgres__personal_data_key(text, inner, outer) -%}
    encode(sha256(
        decode('{{ outer }}', 'hex')
        || sha256(decode('{{ inner }}', 'hex') || convert_to({{ text }}, 'UTF8'))
    ), 'hex')
{%- endmacro %}

{% macro spark__personal_data_key(text, inner, outer) -%}
    sha2(concat(
        unhex('{{ outer }}'),
        unhex(sha2(concat(unhex('{{ inner }}'), encode({{ text }}, 'UTF-8')), 256))
    ), 256)
{%- endmacro %}
