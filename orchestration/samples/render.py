"""Formatting helpers every tool renderer shares: JSON text, time formats, stable ids.

Times inside the generator are epoch seconds (int or float) in UTC; each tool renders them
in its own export format (source-exports.md, "Timestamp cheat-sheet").
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from orchestration.samples.world import month_starts


def dumps(payload: Any) -> str:
    """Compact JSON, as the APIs send it."""
    return json.dumps(payload, ensure_ascii=False, indent=None, separators=(",", ":"))


def write_json(path: Path, payload: Any) -> None:
    path.write_text(dumps(payload) + "\n", encoding="utf-8")


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=1 << 20)
def iso_ms_z(epoch: float) -> str:
    """`2026-01-05T08:15:30.123Z` (GitLab, Opsgenie)."""
    whole = int(epoch)
    millis = round((epoch - whole) * 1000)
    if millis == 1000:
        whole, millis = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def iso_offset(epoch: float, zone_name: str | None, millis: bool = True) -> str:
    """ISO-8601 with the offset of `zone_name` (`-06:00`), or `Z` when it is None."""
    if zone_name is None:
        return (
            iso_ms_z(epoch) if millis else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
        )
    local = datetime.fromtimestamp(round(epoch, 3), tz=zone(zone_name))
    return local.isoformat(timespec="milliseconds" if millis else "seconds")


@lru_cache(maxsize=1 << 20)
def naive_local(epoch: float, zone_name: str) -> str:
    """`2026-03-09T10:05:00`: wall-clock time in `zone_name`, no offset (PD Analytics)."""
    local = datetime.fromtimestamp(int(epoch), tz=zone(zone_name))
    return local.strftime("%Y-%m-%dT%H:%M:%S")


@lru_cache(maxsize=1 << 20)
def sn_time(epoch: float | None) -> str:
    """ServiceNow raw date-time `2026-01-05 08:15:30` (UTC), `""` when None."""
    if epoch is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(epoch)))


def sn_duration(seconds: float | None) -> str:
    """ServiceNow glide_duration `1970-01-02 04:23:17` (= 1 day 4:23:17), `""` when None."""
    if seconds is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(max(0, int(seconds))))


@lru_cache(maxsize=1 << 20)
def stable_hex(salt: str, *parts: object) -> str:
    """32 hex characters fixed by `salt` (seed-dependent) and `parts`: sys_ids, uuids."""
    text = "\x1f".join([salt, *(str(part) for part in parts)])
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def stable_uuid(salt: str, *parts: object) -> str:
    """A uuid4-shaped id fixed by `salt` and `parts` (Opsgenie team ids)."""
    h = stable_hex(salt, *parts)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def stable_int(salt: str, low: int, high: int, *parts: object) -> int:
    return low + int(stable_hex(salt, *parts), 16) % (high - low + 1)


def month_label(epoch: int) -> str:
    return time.strftime("%Y-%m", time.gmtime(epoch))


def weekday(epoch: float) -> int:
    """0 = Monday (UTC)."""
    return time.gmtime(int(epoch)).tm_wday


EXPORT_DELAY_SECONDS = 30 * 60


def monthly_exports(delay: int = EXPORT_DELAY_SECONDS) -> list[tuple[str, int, int, int]]:
    """(label, since, until, export_at) of the monthly exports with a one-month look-back.

    The export of month M runs at `delay` after M ends and asks for the records created
    (or updated) since the start of M-1, so every record appears in two exports, the
    later one with its newer state.
    """
    starts = month_starts()
    return [
        (month_label(starts[m]), starts[max(0, m - 1)], starts[m + 1], starts[m + 1] + delay)
        for m in range(len(starts) - 1)
    ]


def write_array_pages(
    folder: Path, stem: str, records: list[Any], limit: int, min_pages: int = 0
) -> int:
    """`stem_pNNN.json` pages holding top-level arrays of `limit` records; the count."""
    pages = max(min_pages, -(-len(records) // limit))
    for page in range(pages):
        write_json(
            folder / f"{stem}_p{page + 1:03d}.json", records[page * limit : (page + 1) * limit]
        )
    return len(records)
