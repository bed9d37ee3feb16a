"""The service catalog CSV (landing.md): the one place that maps every tool's ids to a
service. Current state: the latest file (by file name) wins in staging."""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

SERVICES = SourceSpec(
    tool="catalog",
    entity="services",
    file_format=FileFormat.CSV,
    required_columns=(
        "service_id",
        "service_name",
        "criticality",
        "owner_team",
        "is_production",
        "pagerduty_service_ids",
        "opsgenie_teams",
        "statuspage_component_ids",
        "servicenow_cmdb_ci_ids",
        "gitlab_project_ids",
        "jenkins_jobs",
        "github_repos",
    ),
    optional_columns=("ticket_tags", "jira_components"),
    checks=(*required("$.service_id"), *typed(Check.BOOLEAN, "$.is_production")),
    description="Service catalog: service -> ids in every tool.",
)

SPECS = (SERVICES,)
