-- The latest version of each Zendesk user (by updated_at, else created_at, then file
-- name, then record number). Name, e-mail, phone, photo, notes, signature and custom
-- user fields are personal data and stay in raw: the e-mail is exposed only as
-- `user_key`, a stable hash (personal_data_key) that joins the same person across tools.
-- An omitted `suspended` flag is false; an omitted `active` stays NULL (unknown).
-- `_role_loaded_at`: when the current role was first loaded (the earliest copy ranked above
-- the newest copy with another role): the ticket models read only the role, so a snapshot
-- that changes a user's `last_login_at` does not bring the user's tickets back.
{#- A table, not a view: the personal_data_key SQL holds key material, and a view's text
    is visible to every database role (macros/privacy/personal_data_key.sql). -#}
{{ config(materialized='table') }}

with

source as (

    select * from {{ source('zendesk', 'users') }}

),

renamed as (

    select
        {{ json_text('record_json', 'id') }} as user_id,
        {{ personal_data_key(json_text('record_json', 'email')) }} as user_key,
        lower({{ json_text('record_json', 'role') }}) as role,  -- noqa: RF04
        cast({{ json_text('record_json', 'role_type') }} as integer) as role_type,
        {{ json_text('record_json', 'custom_role_id') }} as custom_role_id,
        {{ json_text('record_json', 'organization_id') }} as organization_id,
        {{ json_text('record_json', 'default_group_id') }} as default_group_id,
        {{ json_text('record_json', 'time_zone') }} as time_zone,
        {{ json_text('record_json', 'iana_time_zone') }} as iana_time_zone,
        lower({{ json_text('record_json', 'active') }}) = 'true' as is_active,
        coalesce(lower({{ json_text('record_json', 'suspended') }}) = 'true', false) as is_suspended,
        {{ iso_to_utc(json_text('record_json', 'created_at')) }} as created_at,
        {{ iso_to_utc(json_text('record_json', 'updated_at')) }} as updated_at,
        {{ iso_to_utc(json_text('record_json', 'last_login_at')) }} as last_login_at,
        _file_path,
        _record_number,
        _loaded_at
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by
                coalesce(updated_at, created_at) desc,
                _file_path desc,
                _record_number desc
        ) as version_rank
    from renamed

),

find_role_loads as (

    {{ with_content_loaded_at('ranked', 'user_id', 'role', as_column='_role_loaded_at') }}

),

final as (

    select
        user_id,
        user_key,
        role,
        role_type,
        custom_role_id,
        organization_id,
        default_group_id,
        time_zone,
        iana_time_zone,
        is_active,
        is_suspended,
        created_at,
        updated_at,
        last_login_at,
        _file_path,
        _record_number,
        _loaded_at,
        _role_loaded_at
    from find_role_loads
    where version_rank = 1

)

select * from final
