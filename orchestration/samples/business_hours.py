"""Working time of a weekly schedule, as kpi-definitions.md §4 defines it.

A `BusinessCalendar` turns a schedule (IANA zone, weekly intervals in minutes from Sunday
00:00 local, holidays as inclusive date ranges) into sorted UTC intervals over a range of
days, so "business seconds between a and b" and "the instant `n` business seconds after
a" are two binary searches. DST is honoured: a 09:00-17:00 day is 8 hours on both sides
of a change, because each day's intervals are placed in local time.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 1440

# Mon-Fri 09:00-17:00 in minutes from Sunday 00:00 (Mon 09:00 = 1440 + 540 = 1980).
NINE_TO_FIVE: tuple[tuple[int, int], ...] = tuple(
    (day * MINUTES_PER_DAY + 540, day * MINUTES_PER_DAY + 1020) for day in range(1, 6)
)


def weekday_intervals(start_minute: int, end_minute: int, days: Iterable[int] = range(1, 6)):
    """Intervals `start..end` (minutes of the day) on `days` (0 = Sunday .. 6 = Saturday)."""
    return tuple(
        (day * MINUTES_PER_DAY + start_minute, day * MINUTES_PER_DAY + end_minute) for day in days
    )


class BusinessCalendar:
    """Sorted UTC working intervals of one schedule between `first_day` and `last_day`."""

    def __init__(
        self,
        zone: str,
        intervals: Sequence[tuple[int, int]],
        holidays: Iterable[tuple[date, date]] = (),
        first_day: date = date(2025, 11, 1),
        last_day: date = date(2026, 12, 31),
    ) -> None:
        tz = ZoneInfo(zone)
        closed: set[date] = set()
        for start, end in holidays:
            day = start
            while day <= end:
                closed.add(day)
                day += timedelta(days=1)
        by_weekday: dict[int, list[tuple[int, int]]] = {}
        for start, end in intervals:
            weekday = start // MINUTES_PER_DAY
            base = weekday * MINUTES_PER_DAY
            by_weekday.setdefault(weekday, []).append((start - base, end - base))
        starts: list[int] = []
        ends: list[int] = []
        day = first_day
        while day <= last_day:
            if day not in closed:
                midnight = datetime(day.year, day.month, day.day)
                for start, end in sorted(by_weekday.get((day.weekday() + 1) % 7, ())):
                    local_start = midnight + timedelta(minutes=start)
                    local_end = midnight + timedelta(minutes=end)
                    starts.append(int(local_start.replace(tzinfo=tz).timestamp()))
                    ends.append(int(local_end.replace(tzinfo=tz).timestamp()))
            day += timedelta(days=1)
        self.starts = starts
        self.ends = ends
        cumulative = [0]
        for start, end in zip(starts, ends, strict=True):
            cumulative.append(cumulative[-1] + end - start)
        self._before = cumulative[:-1]  # business seconds before interval i
        self._through = cumulative[1:]  # business seconds up to the end of interval i

    def _cumulative(self, at: int) -> int:
        """Business seconds from the calendar's start to `at`."""
        index = bisect.bisect_right(self.starts, at) - 1
        if index < 0:
            return 0
        end = self.ends[index]
        return self._before[index] + (at if at < end else end) - self.starts[index]

    def seconds_between(self, start: int, end: int) -> int:
        """Business seconds in [start, end) (0 when end <= start)."""
        if end <= start:
            return 0
        return self._cumulative(end) - self._cumulative(start)

    def add(self, start: int, seconds: int) -> int:
        """The instant at which `seconds` business seconds have passed since `start`."""
        if seconds <= 0:
            return start
        target = self._cumulative(start) + seconds
        index = bisect.bisect_left(self._through, target)
        if index >= len(self.starts):
            raise ValueError("business time runs past the end of the calendar")
        return self.starts[index] + target - self._before[index]

    def is_open(self, at: int) -> bool:
        index = bisect.bisect_right(self.starts, at) - 1
        return index >= 0 and at < self.ends[index]

    def next_open(self, at: int) -> int:
        """`at` if working time, else the start of the next working interval."""
        index = bisect.bisect_right(self.starts, at) - 1
        if index >= 0 and at < self.ends[index]:
            return at
        return self.starts[index + 1]
