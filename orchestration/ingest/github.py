"""GitHub deployment exports (source-exports.md §6c; landing.md ``github/*``).

Deployments (``GET /repos/{owner}/{repo}/deployments``) and deployment statuses
(``GET /repos/{owner}/{repo}/deployments/{id}/statuses``) land as the API returns them: a
top-level JSON array per page (or JSON Lines). Times are ISO-8601 UTC ``Z``.

Neither record names its repository or deployment by a plain field: a deployment carries
``repository_url`` (``https://api.github.com/repos/<owner>/<name>``), a status
``deployment_url`` (``…/repos/<owner>/<name>/deployments/<id>``); staging cuts the
``owner/name`` and the deployment id out of them. A status without ``deployment_url``
cannot be tied to its deployment and is rejected.
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

DEPLOYMENTS = SourceSpec(
    tool="github",
    entity="deployments",
    file_format=FileFormat.JSON,
    records_key=None,
    checks=(
        *required("$.id"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at"),
        *typed(Check.BOOLEAN, "$.production_environment", "$.transient_environment"),
    ),
    description="GitHub deployments (GET /repos/{owner}/{repo}/deployments).",
)

DEPLOYMENT_STATUSES = SourceSpec(
    tool="github",
    entity="deployment_statuses",
    file_format=FileFormat.JSON,
    records_key=None,
    checks=(
        *required("$.id", "$.deployment_url"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at"),
    ),
    description="GitHub deployment statuses (GET …/deployments/{id}/statuses).",
)

SPECS = (DEPLOYMENTS, DEPLOYMENT_STATUSES)
