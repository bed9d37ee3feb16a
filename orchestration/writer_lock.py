"""One writer at a time: a lock file beside the DuckDB warehouse.

DuckDB lets one process open a database file for writing; a second one fails with a raw
"Could not set lock on file" error. Every process that writes the warehouse (`make run`,
`make purge`, the steps of a Dagster run) first takes an exclusive `flock` on
`<warehouse>.lock` and writes into it who holds it (pid, command, start time). A second
writer then waits for it (`wait_seconds`) or stops with a message naming the holder.

The lock is the kernel's: it goes away with the process that held it (a crashed run
leaves a stale file, never a stale lock). It is re-entrant within a process, so the CLI
can hold it for a whole run while the assets it executes in process take it again.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

POLL_SECONDS = 0.5

_held: dict[str, tuple[int, int]] = {}  # lock path -> (file descriptor, depth)
_guard = threading.Lock()


class WarehouseBusy(RuntimeError):
    """Another process is writing the warehouse."""

    def __init__(self, warehouse: Path, holder: dict[str, object] | None, waited: float) -> None:
        self.warehouse = warehouse
        self.holder = holder or {}
        who = describe_holder(self.holder)
        wait_note = f" (waited {waited:.0f} s)" if waited >= 1 else ""
        super().__init__(
            f"The warehouse {warehouse} is being written by another process{wait_note}: {who}. "
            "Wait for it to finish (or pass --wait SECONDS to queue behind it); "
            "DuckDB allows one writing process per file."
        )


@dataclass(frozen=True)
class LockInfo:
    path: Path
    holder: dict[str, object]


def lock_path(warehouse: Path | str) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".lock")


def describe_holder(holder: dict[str, object]) -> str:
    if not holder:
        return "holder unknown (the lock file is being written)"
    return (
        f"pid {holder.get('pid')} ({holder.get('command')}), "
        f"started {holder.get('started_at')} on {holder.get('host')}"
    )


def read_holder(warehouse: Path | str) -> dict[str, object] | None:
    """Who holds (or last held) the lock, from the lock file; None when there is none."""
    try:
        text = lock_path(warehouse).read_text()
    except FileNotFoundError:
        return None
    try:
        return json.loads(text) if text.strip() else None
    except ValueError:
        return None


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def warehouse_writer(
    warehouse: Path | str,
    command: str | None = None,
    wait_seconds: float = 0.0,
    on_wait: Callable[[dict[str, object]], None] | None = None,
) -> Iterator[LockInfo]:
    """Hold the warehouse's writer lock for the block; raise `WarehouseBusy` when another
    process holds it for longer than `wait_seconds`. `on_wait(holder)` is called once
    when this process starts waiting."""
    path = lock_path(warehouse)
    key = str(path.resolve()) if path.parent.exists() else str(path)
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield LockInfo(path, read_holder(warehouse) or {})
        finally:
            with _guard:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    started = time.monotonic()
    announced = False
    try:
        while not _try_lock(fd):
            waited = time.monotonic() - started
            if waited >= wait_seconds:
                raise WarehouseBusy(Path(warehouse), read_holder(warehouse), waited)
            if not announced and on_wait is not None:
                on_wait(read_holder(warehouse) or {})
                announced = True
            time.sleep(POLL_SECONDS)
    except BaseException:
        os.close(fd)
        raise
    holder = {
        "pid": os.getpid(),
        "command": command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": os.uname().nodename,
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder).encode(), 0)
    with _guard:
        _held[key] = (fd, 1)
    try:
        yield LockInfo(path, holder)
    finally:
        with _guard:
            del _held[key]
        # The file stays (another process may be waiting on it); only the lock goes.
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
