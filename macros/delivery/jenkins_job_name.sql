{#- The full name (`folder/job`) of the Jenkins job a build record belongs to, first found
    wins (orchestration/ingest/jenkins.py):
    1. the build's `url`: `http://ci/job/team/job/svc-deploy/39/` -> `team/svc-deploy`
       (the path after the first `/job/`, without the build number, `/job/` -> `/`,
       `%20` -> space);
    2. the page envelope's `fullName`, when the export's `tree` asked for it;
    3. the file name hint `job_name` (`team__svc-deploy@….json`, `team__svc-deploy_<date>.json`);
    4. the build's `fullDisplayName` `team » svc-deploy #39`, when it ends in ` #<n>`
       (`»` -> `/`; display names of folders may differ from their names). -#}
{% macro jenkins_job_name(record_column, context_column) -%}
    coalesce(
        replace(
            replace({{ regex_first_group(json_text(record_column, 'url'), '/job/(.+)/[0-9]+/?$') }}, '/job/', '/'),
            '%20',
            ' '
        ),
        {{ json_text(context_column, 'fullName') }},
        {{ json_text(context_column, 'job_name') }},
        replace({{ regex_first_group(json_text(record_column, 'fullDisplayName'), '^(.+) #[0-9]+$') }}, ' » ', '/')
    )
{%- endmacro %}

{#- `<job_name>#<number>`: the key of a Jenkins build across jobs. -#}
{% macro jenkins_build_id(record_column, context_column) -%}
    {{ dbt.concat([jenkins_job_name(record_column, context_column), "'#'", json_text(record_column, 'number')]) }}
{%- endmacro %}
