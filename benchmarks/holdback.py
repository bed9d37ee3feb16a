"""The incremental step's 1%: the newest pages of the event streams, held back from the
first run and dropped in afterwards, as the next sync would bring them late.

Only event streams are held back (STREAMS: metric events, audits, ticket metrics, ratings,
log entries, deployment statuses, survey answers): the records that keep arriving about
tickets, incidents and deployments already loaded, as the project's own incremental test
delivers them late (orchestration_tests/test_incremental_e2e.py). The entities themselves
(tickets, incidents, users, contracts, the catalog) all load in the first run: holding back
a page of tickets while their events load leaves events without their ticket, which the
data tests flag (a first run on a partial landing, not the benchmark's subject).

A file's date is the first `YYYY-MM[-DD]` in its name (pages of the same period follow by
name); files without a date are never held back. Folders are visited largest first, round
after round, each giving its next-newest file while the total stays within the budget
(a fraction of all landing bytes); a folder keeps at least three quarters of its files.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path

_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
STREAMS = (
    "zendesk/ticket_metric_events",
    "zendesk/ticket_audits",
    "zendesk/ticket_metrics",
    "zendesk/satisfaction_ratings",
    "pagerduty/log_entries",
    "servicenow/sys_audit",
    "github/deployment_statuses",
    "delighted/survey_responses",
)


def _newest_first(names: Iterable[str]) -> list[str]:
    dated = [(match.group(0), name) for name in names if (match := _DATE.search(name))]
    return [name for _, name in sorted(dated, reverse=True)]


def choose_holdback(
    sizes: dict[str, int], fraction: float = 0.01, streams: tuple[str, ...] = STREAMS
) -> list[str]:
    """Relative paths (`<tool>/<entity>/<file>` → bytes) to hold back: the streams' newest
    pages first, at most `fraction` of all bytes."""
    budget = fraction * sum(sizes.values())
    folders: dict[str, list[str]] = {}
    for path in sizes:
        folder = Path(path).parent.as_posix()
        if folder in streams:
            folders.setdefault(folder, []).append(path)
    queues = {folder: _newest_first(paths)[: len(paths) // 4] for folder, paths in folders.items()}
    order = sorted(queues, key=lambda folder: (-sum(sizes[p] for p in folders[folder]), folder))
    chosen: list[str] = []
    held = 0
    added = True
    while added:
        added = False
        for folder in order:
            queue = queues[folder]
            if queue and held + sizes[queue[0]] <= budget:
                path = queue.pop(0)
                chosen.append(path)
                held += sizes[path]
                added = True
    return sorted(chosen)


def landing_sizes(landing: Path) -> dict[str, int]:
    return {
        path.relative_to(landing).as_posix(): path.stat().st_size
        for path in sorted(landing.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def move(paths: Iterable[str], source: Path, target: Path) -> None:
    for relative in paths:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source / relative, destination)
