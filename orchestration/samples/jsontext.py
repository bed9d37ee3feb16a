"""JSON text built directly, for the high-volume support exports.

`json.dumps` spends most of its time walking dicts; the Zendesk exports are millions of
small records whose keys and most values are fixed, so their renderers format the
JSON text themselves with these helpers (the tests parse every written file back).
The output is what `render.dumps` would give for the same record: compact, keys in the
written order, non-ASCII text kept as is.
"""

from __future__ import annotations

import json
import time
from typing import Any

_QUOTED: dict[str, str] = {}


def q(text: str | None) -> str:
    """A JSON string literal (cached: subjects, names and comment texts repeat)."""
    if text is None:
        return "null"
    found = _QUOTED.get(text)
    if found is None:
        found = json.dumps(text, ensure_ascii=False)
        if len(_QUOTED) < 200_000:
            _QUOTED[text] = found
    return found


def n(value: int | float | bool | None) -> str:
    """A JSON number, boolean or null."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


_TIMES: dict[int, str] = {}


def ts(epoch: int | None) -> str:
    """`"2026-01-05T08:15:30Z"` (quoted), or null. Cached: one instant shows up in an
    audit, its metric events, the ticket and its metrics."""
    if epoch is None:
        return "null"
    text = _TIMES.get(epoch)
    if text is None:
        if len(_TIMES) >= 400_000:
            _TIMES.clear()
        text = _TIMES[epoch] = time.strftime('"%Y-%m-%dT%H:%M:%SZ"', time.gmtime(epoch))
    return text


def strings(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ",".join(q(value) for value in values) + "]"


def dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def page_text(envelope: dict[str, Any], key: str, record_texts: list[str]) -> str:
    """The page `envelope` (with `key` in its place) holding the encoded records."""
    marker = "\x00records\x00"
    head = dumps({**envelope, key: marker})
    return head.replace(dumps(marker), "[" + ",".join(record_texts) + "]", 1) + "\n"
