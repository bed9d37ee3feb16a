"""delighted exports (source-exports.md, landing.md): entities listed in SPECS."""

from orchestration.ingest.spec import SourceSpec

SPECS: tuple[SourceSpec, ...] = ()
