"""Jira Service Management exports (source-exports.md §4; landing.md ``jira/issues``).

Issues land as search pages with ``expand=changelog`` (``POST /rest/api/3/search/jql``:
``{"issues": [...], "nextPageToken", "isLast"}``, or the older ``{"expand", "startAt",
"maxResults", "total", "issues"}``), or as JSON Lines of the issues. Each issue is
``{id, key, fields{...}, changelog{histories[...]}}``; the same issue repeats across
exports and staging keeps its latest version (by ``fields.updated``).

Times are Jira's ``2016-09-28T23:08:32.097+1000``: milliseconds and a ``+HHMM`` offset
without a colon (the rendering zone of the exporting user or site). The loader's TIMESTAMP
check (DuckDB ``try_cast(... as timestamptz)``) reads that form with its offset, and
staging converts it to UTC.

SLA fields are ``customfield_<n>`` whose ids differ per site: nothing here names them.
Staging finds them by the shape of their value (an object with ``name`` and
``completedCycles``/``ongoingCycle``) and reads only ``millis``/``epochMillis``, never the
localised ``friendly`` text. Only top-level and ``fields.*`` values can be checked here
(the loader's checks take one JSON path each, no wildcards): the changelog and SLA cycles
are parsed by staging as they come.
"""

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

ISSUES = SourceSpec(
    tool="jira",
    entity="issues",
    file_format=FileFormat.JSON,
    records_key="issues",
    checks=(
        *required("$.id", "$.key", "$.fields.created"),
        *typed(
            Check.TIMESTAMP,
            "$.fields.created",
            "$.fields.updated",
            "$.fields.resolutiondate",
        ),
    ),
    description=(
        "Jira Service Management issues with their changelog and SLA custom fields, "
        "one version per export."
    ),
)

SPECS = (ISSUES,)
