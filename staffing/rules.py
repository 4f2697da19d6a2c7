"""Operators' time as pure functions: when an operator is at work, free, and able to take a booking.

No ORM: selectors load the weekly pattern, absences and assignments as `Interval`s and call in here. Every interval
this module builds is in UTC (backend.intervals).

- At work: the weekly pattern (Tokyo wall-clock times) on each date, none on a public holiday (祝日).
- Free: at work, minus absences, minus the operator's assignments in force.
- An operator can take a booking when the booking's operator hold (its time widened by the operator buffer) lies
  inside one stretch of free time: the whole hold at work, and no absence or other assignment touching it.
- The time an assisted or commissioned request may start in is where the instrument is requestable *and* at least one
  qualified operator could take it: the intersection of the instrument's requestable time with the union, over the
  operators, of each one's free time shrunk by the buffers (`requestable_with_operators`).
"""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

import jpholiday

from backend.intervals import HolidayTest, Interval, intersect, merge, subtract, weekly_intervals


def buffers(*, setup_minutes: int, cleanup_minutes: int, buffer_minutes: int | None) -> tuple[timedelta, timedelta]:
    """How long before and after a booking its operator is reserved: the instrument's operator buffer on both sides
    when it has one, otherwise its set-up and clean-up."""
    if buffer_minutes is not None:
        return timedelta(minutes=buffer_minutes), timedelta(minutes=buffer_minutes)
    return timedelta(minutes=setup_minutes), timedelta(minutes=cleanup_minutes)


def operator_hold(slot: Interval, *, before: timedelta, after: timedelta) -> Interval:
    """The operator's reserved time for a booking of `slot`."""
    return Interval(slot.start - before, slot.end + after)


def at_work(
    weekly: Iterable[tuple[int, time, time]],
    start: datetime,
    end: datetime,
    *,
    is_holiday: HolidayTest = jpholiday.is_holiday,
) -> list[Interval]:
    """When the operator works within [start, end): their weekly pattern, no public holidays. UTC, merged."""
    return weekly_intervals(weekly, start, end, is_holiday=is_holiday)


def free_time(at_work: Iterable[Interval], *, absences: Iterable[Interval], assignments: Iterable[Interval]):
    """At work, minus absences and assignments in force."""
    return subtract(at_work, [*absences, *assignments])


def can_take(hold: Interval, free: Iterable[Interval]) -> bool:
    """Whether the whole hold lies inside one stretch of the operator's (merged) free time."""
    return any(piece.start <= hold.start and hold.end <= piece.end for piece in merge(free))


def startable(free: Iterable[Interval], *, before: timedelta, after: timedelta) -> list[Interval]:
    """Where a booking's own time [s, e) may lie for this operator to take it: each free stretch shrunk by the
    buffers (its hold [s - before, e + after) must fit inside the stretch)."""
    shrunk = []
    for piece in merge(free):
        start, end = piece.start + before, piece.end - after
        if start < end:
            shrunk.append(Interval(start, end))
    return shrunk


def requestable_with_operators(
    requestable: Iterable[Interval], free_by_operator: Iterable[Iterable[Interval]], *, before, after
) -> list[Interval]:
    """The instrument's requestable time where at least one operator could take a booking: its intersection with
    the union of each operator's `startable` time. A request spanning two operators' stretches is inside this union
    without any one operator able to take all of it: the request's own check (`can_take` per operator) decides."""
    union = merge(piece for free in free_by_operator for piece in startable(free, before=before, after=after))
    return intersect(requestable, union)
