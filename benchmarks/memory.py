"""Peak resident memory of this process and everything it starts (dbt subprocesses, the
sample generator's worker): `/proc` sampled a few times a second, summed over the process
tree, plus the kernel's own high-water marks (`getrusage`), which are exact but per process.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path

PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in (PROC / str(pid) / "task").iterdir():
            text = (task / "children").read_text()
            children.extend(int(child) for child in text.split())
    except OSError:
        pass
    return children


def _rss_bytes(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss_bytes(root: int | None = None) -> int:
    """Resident bytes of a process and all its descendants, now."""
    pending, total, seen = [root or os.getpid()], 0, set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_bytes(pid)
        pending.extend(_children(pid))
    return total


def largest_process_rss_bytes() -> int:
    """The kernel's peak RSS of this process or of the largest finished child (ru_maxrss,
    KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) * 1024


class PeakSampler:
    """`with PeakSampler() as sampler: ...` then `sampler.peak_bytes`: the largest process
    tree RSS seen while the block ran (a spike shorter than `interval` can be missed)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, tree_rss_bytes())
