"""The incremental step's 1%: the newest export pages of the landing folders, held back
from the first run and dropped in afterwards, as the next scheduled sync would bring them.

A file's date is the first `YYYY-MM[-DD]` in its name (pages of the same period follow by
name); files without a date (one-off reference exports) are never held back. Folders are
visited largest first, round after round, each giving its next-newest file while the total
stays within the budget; a folder keeps at least three quarters of its files.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path

_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


def _newest_first(names: Iterable[str]) -> list[str]:
    dated = [(match.group(0), name) for name in names if (match := _DATE.search(name))]
    return [name for _, name in sorted(dated, reverse=True)]


def choose_holdback(sizes: dict[str, int], fraction: float = 0.01) -> list[str]:
    """Relative paths (`<tool>/<entity>/<file>` → bytes) to hold back: newest first, at most
    `fraction` of all bytes."""
    budget = fraction * sum(sizes.values())
    folders: dict[str, list[str]] = {}
    for path in sizes:
        folders.setdefault(str(Path(path).parent), []).append(path)
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
