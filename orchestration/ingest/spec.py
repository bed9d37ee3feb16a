"""How a landing folder is read: the declaration each tool module makes per entity.

A ``SourceSpec`` says where an export lands, which raw table keeps it, where the records
sit inside a page, and which fields a record must have for staging to use it. The loader
(``loader.py``) does the rest the same way for every source, so adding a source is adding
a spec to ``registry.py``, not writing a new loader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Check(Enum):
    """A per-field validation, evaluated in SQL on the record's JSON text."""

    REQUIRED = "required"  # present and not empty
    TIMESTAMP = "timestamp"  # ISO-8601 (with or without offset) or 'YYYY-MM-DD HH:MM:SS'
    DATE = "date"  # YYYY-MM-DD
    BOOLEAN = "boolean"  # true/false (JSON boolean or the strings)
    NUMBER = "number"  # a JSON number or a numeric string
    EPOCH_MS = "epoch_ms"  # integer milliseconds since 1970-01-01 UTC
    EPOCH_S = "epoch_s"  # integer seconds since 1970-01-01 UTC


@dataclass(frozen=True)
class FieldCheck:
    """One field of a record and the check it must pass when present.

    ``path`` is a DuckDB JSON path (``$.created_at``, ``$.deployable.finished_at``).
    Only ``REQUIRED`` rejects a missing value; the other checks reject a value that is
    present but cannot be read as that type.
    """

    path: str
    check: Check

    @property
    def name(self) -> str:
        return self.path.removeprefix("$.")


class FileFormat(Enum):
    JSON = "json"  # API pages (envelope or top-level array) and JSON Lines
    CSV = "csv"  # exports no SaaS tool makes (landing.md): header row, UTF-8, comma


@dataclass(frozen=True)
class SourceSpec:
    """One landing folder: ``<tool>/<entity>`` -> ``raw.<tool>__<entity>``."""

    tool: str
    entity: str
    file_format: FileFormat
    # JSON: the envelope key that holds the records (None: the page is a top-level array).
    records_key: str | None = None
    checks: tuple[FieldCheck, ...] = ()
    # CSV: columns a file must have (a missing one rejects the file) and may have.
    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()
    # Values only the file name carries (GitLab project id, Jenkins job, Zendesk schedule).
    file_hints: Callable[[Path], dict[str, str]] | None = None
    description: str = ""
    extensions: tuple[str, ...] = field(default=())

    @property
    def folder(self) -> str:
        return f"{self.tool}/{self.entity}"

    @property
    def raw_table(self) -> str:
        return f"{self.tool}__{self.entity}"

    @property
    def accepted_extensions(self) -> tuple[str, ...]:
        if self.extensions:
            return self.extensions
        if self.file_format is FileFormat.CSV:
            return (".csv",)
        return (".json", ".jsonl", ".ndjson")


def required(*paths: str) -> tuple[FieldCheck, ...]:
    return tuple(FieldCheck(path, Check.REQUIRED) for path in paths)


def typed(check: Check, *paths: str) -> tuple[FieldCheck, ...]:
    return tuple(FieldCheck(path, check) for path in paths)
