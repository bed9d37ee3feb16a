"""GitLab exports (source-exports.md §6a; landing.md ``gitlab/*``).

Deployments (``GET /projects/:id/deployments``), environments (``GET /projects/:id/
environments``) and merge requests (``GET /projects/:id/merge_requests``) land as the API
returns them: a top-level JSON array per page (or JSON Lines of the records). Times are
ISO-8601 UTC with milliseconds; commit dates carry the author's offset
(``2016-08-11T13:28:26.000+02:00``), converted to UTC in staging.

Which project a record belongs to: a deployment names it in ``deployable.pipeline.
project_id``, an environment in ``project_id`` or ``project.id``, a merge request in
``project_id``. Where the record does not, the file name does: ``project-<id>_<anything>
.json`` (e.g. ``project-4711_2026-03-01.json``) puts ``{"project_id": "4711"}`` in the
record's ``_file_context``; staging uses the record's id first, then the file's.

A deployment has no top-level ``finished_at``: staging takes ``deployable.finished_at``
(the deploy job), else ``updated_at`` when the status is ``success``.
"""

import re
from pathlib import Path

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

_PROJECT_FILE = re.compile(r"^project-(\d+)(?:_.*)?$")


def project_hint(path: Path) -> dict[str, str]:
    """``project-4711_2026-03-01.json`` -> ``{"project_id": "4711"}``; other names -> ``{}``."""
    match = _PROJECT_FILE.match(path.stem)
    return {"project_id": match.group(1)} if match else {}


DEPLOYMENTS = SourceSpec(
    tool="gitlab",
    entity="deployments",
    file_format=FileFormat.JSON,
    records_key=None,
    checks=(
        *required("$.id"),
        *typed(Check.NUMBER, "$.iid"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at"),
        *typed(Check.TIMESTAMP, "$.deployable.started_at", "$.deployable.finished_at"),
        *typed(Check.TIMESTAMP, "$.deployable.commit.created_at"),
        *typed(Check.TIMESTAMP, "$.deployable.commit.authored_date"),
    ),
    file_hints=project_hint,
    description="GitLab deployments (GET /projects/:id/deployments), one version per export.",
)

ENVIRONMENTS = SourceSpec(
    tool="gitlab",
    entity="environments",
    file_format=FileFormat.JSON,
    records_key=None,
    checks=(
        *required("$.id"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at"),
    ),
    file_hints=project_hint,
    description="GitLab environments (GET /projects/:id/environments): tier and state.",
)

MERGE_REQUESTS = SourceSpec(
    tool="gitlab",
    entity="merge_requests",
    file_format=FileFormat.JSON,
    records_key=None,
    checks=(
        *required("$.id"),
        *typed(Check.NUMBER, "$.iid"),
        *typed(Check.TIMESTAMP, "$.created_at", "$.updated_at", "$.merged_at", "$.closed_at"),
    ),
    file_hints=project_hint,
    description="GitLab merge requests (GET /projects/:id/merge_requests).",
)

SPECS = (DEPLOYMENTS, ENVIRONMENTS, MERGE_REQUESTS)
