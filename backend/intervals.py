"""Half-open time intervals and their arithmetic, pure (no Django): shared by the booking rules (bookings.rules) and
the operators' rules (staffing.rules).

- An `Interval` is half-open, [start, end), with aware datetimes; 10:00–11:00 and 11:00–12:00 touch but do not overlap.
- Set operations (`merge`, `subtract`, `intersect`) return sorted, disjoint, non-adjacent intervals and keep the
  datetimes they were given. `weekly_intervals` builds intervals in UTC, like the database.
- Weekly patterns are wall-clock times in Asia/Tokyo; nothing is open on a day `is_holiday` says is a holiday.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import jpholiday

from backend.tokyo import TOKYO

HolidayTest = Callable[[date], bool]


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self):
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("Interval needs aware datetimes")
        if not self.start < self.end:
            raise ValueError(f"Interval must end after it starts: {self.start} .. {self.end}")

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def in_zone(self, zone) -> "Interval":
        """The same interval with both ends expressed in `zone` (for display)."""
        return Interval(self.start.astimezone(zone), self.end.astimezone(zone))


# --- Interval arithmetic -------------------------------------------------------------------------------------------


def overlaps(a: Interval, b: Interval) -> bool:
    """Whether two half-open intervals share a moment (touching ends do not count)."""
    return a.start < b.end and b.start < a.end


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The same moments as sorted, disjoint intervals; overlapping and touching intervals become one."""
    merged: list[Interval] = []
    for interval in sorted(intervals, key=lambda i: (i.start, i.end)):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def subtract(base: Iterable[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    """The moments of `base` that are in none of `cuts`."""
    cuts = merge(cuts)
    result = []
    for piece in merge(base):
        start = piece.start
        for cut in cuts:
            if cut.end <= start or cut.start >= piece.end:
                continue
            if cut.start > start:
                result.append(Interval(start, cut.start))
            start = max(start, cut.end)
            if start >= piece.end:
                break
        if start < piece.end:
            result.append(Interval(start, piece.end))
    return result


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The moments that are in both `a` and `b`."""
    b = merge(b)
    pieces = []
    for x in merge(a):
        for y in b:
            start, end = max(x.start, y.start), min(x.end, y.end)
            if start < end:
                pieces.append(Interval(start, end))
    return merge(pieces)


def in_utc(intervals: Iterable[Interval]) -> list[Interval]:
    """The same intervals with their datetimes expressed in UTC."""
    return [Interval(i.start.astimezone(UTC), i.end.astimezone(UTC)) for i in intervals]


def total_seconds(intervals: Iterable[Interval]) -> float:
    """Seconds covered by the intervals, each moment counted once."""
    return sum(i.seconds for i in merge(intervals))


def local_dates(interval: Interval) -> list[date]:
    """The Tokyo calendar dates [start, end) touches; an interval ending at midnight does not touch the next day."""
    first = interval.start.astimezone(TOKYO).date()
    last = (interval.end.astimezone(TOKYO) - timedelta(microseconds=1)).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def weekly_intervals(
    weekly: Iterable[tuple[int, time, time]],
    start: datetime,
    end: datetime,
    *,
    is_holiday: HolidayTest = jpholiday.is_holiday,
) -> list[Interval]:
    """A weekly pattern of (weekday, from, until), 0 = Monday, Tokyo wall-clock times, laid over [start, end): none on
    a holiday. Clipped to the window, merged, in UTC."""
    weekly = tuple(weekly)
    window = Interval(start, end)
    pieces = []
    for day in local_dates(window):
        if is_holiday(day):
            continue
        for weekday, opens, closes in weekly:
            if weekday == day.weekday():
                pieces.append(
                    Interval(
                        datetime.combine(day, opens, tzinfo=TOKYO).astimezone(UTC),
                        datetime.combine(day, closes, tzinfo=TOKYO).astimezone(UTC),
                    )
                )
    return intersect(pieces, [Interval(start.astimezone(UTC), end.astimezone(UTC))])
