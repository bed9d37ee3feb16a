"""opsgenie exports (source-exports.md). Entities are declared here and listed in SPECS."""

from orchestration.ingest.spec import SourceSpec

SPECS: tuple[SourceSpec, ...] = ()
