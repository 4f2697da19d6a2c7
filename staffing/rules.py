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
from datetime import date, datetime, time, timedelta

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


# --- The weekly pattern and lending agreements: pure checks the services raise as domain errors --------------------

MAX_STRETCHES_PER_DAY = 6  # a day cut into more than six pieces is a typo, not a working day
MAX_AGREEMENT_YEARS = 3


def pattern_problem(pattern: Iterable[tuple[int, time, time]]) -> tuple[str, int] | None:
    """Why a weekly pattern cannot be saved, as (code, index of the first stretch at fault), or None when it can:
    a weekday outside Monday (0) to Sunday (6), a stretch that does not start before it ends, two stretches of one
    day that overlap (touching ones may stand: they are read as one), too many stretches in a day."""
    by_day: dict[int, list[tuple[time, time, int]]] = {}
    for index, (weekday, starts, ends) in enumerate(pattern):
        if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
            return "bad_weekday", index
        if not starts < ends:
            return "stretch_not_in_order", index
        by_day.setdefault(weekday, []).append((starts, ends, index))
    for stretches in by_day.values():
        if len(stretches) > MAX_STRETCHES_PER_DAY:
            return "too_many_stretches", stretches[MAX_STRETCHES_PER_DAY][2]
        stretches.sort()
        for (_a, previous_end, _i), (starts, _b, index) in zip(stretches, stretches[1:]):
            if starts < previous_end:
                return "stretches_overlap", index
    return None


def add_years(day: date, years: int) -> date:
    """The same date `years` later (29 February becomes 28 February in a year without one); the last date of the
    calendar when that year is beyond it."""
    year = day.year + years
    if year > date.max.year:
        return date.max
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def agreement_span_ok(valid_from: date, valid_until: date) -> bool:
    """An agreement runs at most three years: its last day is before the third anniversary of its first (any day
    will do when that anniversary is beyond the calendar)."""
    limit = add_years(valid_from, MAX_AGREEMENT_YEARS)
    return valid_until < limit or limit == date.max


def agreement_status(
    *, lender_confirmed: bool, borrower_confirmed: bool, ended: bool, valid_from: date, valid_until: date, today: date
) -> str:
    """Where an agreement stands today: `ended`, `awaiting_lender`, `awaiting_borrower` (one side has not confirmed;
    `awaiting_both` never happens, the proposer's side confirms by proposing), `not_yet` (confirmed, before its first
    day), `in_force`, or `over` (confirmed, after its last day)."""
    if ended:
        return "ended"
    if not lender_confirmed and not borrower_confirmed:
        return "awaiting_both"
    if not lender_confirmed:
        return "awaiting_lender"
    if not borrower_confirmed:
        return "awaiting_borrower"
    if today < valid_from:
        return "not_yet"
    if today > valid_until:
        return "over"
    return "in_force"
