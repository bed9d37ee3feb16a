"""Delighted survey responses (source-exports.md §7; landing.md ``delighted/survey_responses``).

``GET /v1/survey_responses.json`` returns a top-level JSON array of responses (or JSON
Lines of them): ``{id, person, survey_type (nps|csat|ces|…), score, comment, permalink,
created_at, updated_at, person_properties, notes[], tags[], additional_answers[]}``.
``created_at``/``updated_at`` are Unix epoch SECONDS. ``person_properties`` is null or an
object carrying the customer join keys the sender added (``customer_id``,
``zendesk_organization_id``) beside Delighted's own keys ("Delighted Source", …).

A response is re-exported when it changes (a comment added, a score edited): staging
keeps the latest version by ``updated_at``. The comment and the permalink stay in ``raw``
(free text, and a link that opens the response).
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

SURVEY_RESPONSES = SourceSpec(
    tool="delighted",
    entity="survey_responses",
    file_format=FileFormat.JSON,
    records_key=None,
    checks=(
        *required("$.id", "$.survey_type", "$.score", "$.created_at"),
        *typed(Check.EPOCH_S, "$.created_at", "$.updated_at"),
        *typed(Check.NUMBER, "$.score"),
    ),
    description="Delighted survey responses (NPS, CSAT, CES), one version per export.",
)

SPECS = (SURVEY_RESPONSES,)
