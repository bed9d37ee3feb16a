"""Compare the relations two engines built from the same raw rows, row for row.

Values are brought to one Python form before comparing: numbers compare by value
(`Decimal('4125')` equals `4125`) unless ``strict_scale`` asks decimals to keep their
scale too (marts: `10.00` is not `10.0`), timestamps as naive UTC datetimes, booleans as
bool. Rows are ordered by all their columns, so no engine's row order matters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

Row = tuple[Any, ...]
FLOAT_DIGITS = 9


@dataclass(frozen=True)
class Relation:
    """What one engine holds in one relation: column names and rows."""

    columns: tuple[str, ...]
    rows: list[Row]


def normalise(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | Decimal | str | date | time):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, float):
        return round(value, FLOAT_DIGITS)
    return str(value)


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, int | float | Decimal):
        return (2, Decimal(str(value)))
    if isinstance(value, datetime):
        return (3, value)
    if isinstance(value, date):
        return (4, value)
    return (5, str(value))


def sorted_rows(rows: Sequence[Sequence[Any]]) -> list[Row]:
    normalised = [tuple(normalise(value) for value in row) for row in rows]
    return sorted(normalised, key=lambda row: tuple(_sort_key(value) for value in row))


def decimal_scales(rows: Sequence[Row]) -> list[tuple[str, ...]]:
    """The text of every decimal, where `10.0` and `10.00` differ."""
    return [tuple(str(value) for value in row if isinstance(value, Decimal)) for row in rows]


def differences(
    name: str, expected: Relation, actual: Relation, strict_scale: bool = False
) -> list[str]:
    """What differs between the reference engine's relation and another engine's."""
    if expected.columns != actual.columns:
        return [f"{name}: columns {actual.columns} != {expected.columns}"]
    left, right = sorted_rows(expected.rows), sorted_rows(actual.rows)
    if len(left) != len(right):
        return [f"{name}: {len(right)} rows != {len(left)} rows"]
    found = []
    for number, (want, got) in enumerate(zip(left, right, strict=True), start=1):
        if want != got:
            found.append(f"{name} row {number}: {got!r} != {want!r}")
        elif strict_scale and decimal_scales([want]) != decimal_scales([got]):
            found.append(f"{name} row {number} decimal scale: {got!r} != {want!r}")
    return found[:5]
