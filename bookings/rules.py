"""Booking rules as pure functions: interval arithmetic, opening hours, availability, the slot grid.

No ORM and no request objects: services load rows, build an `InstrumentPolicy` and `Interval`s, and call in here.
The checks of a booking request, built on these, are in `request_rules`.

Conventions:
- An `Interval` is half-open, [start, end), with aware datetimes; 10:00–11:00 and 11:00–12:00 touch but do not overlap.
- Set operations (`merge`, `subtract`, `intersect`) return sorted, disjoint, non-adjacent intervals and keep the
  datetimes they were given. Intervals this module *builds* (`opening_intervals`, `free_and_busy_intervals`,
  `requestable_intervals`) are in UTC, like the database; convert to `TOKYO` for display.
- Opening hours are wall-clock times in Asia/Tokyo; an instrument is closed on Japanese public holidays.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jpholiday

# The interval arithmetic is shared with the operators' rules (staffing.rules); these names stay readable from here.
from backend.intervals import (  # noqa: F401
    HolidayTest,
    Interval,
    in_utc,
    intersect,
    local_dates,
    merge,
    overlaps,
    subtract,
    total_seconds,
    weekly_intervals,
)
from backend.tokyo import TOKYO


@dataclass(frozen=True)
class InstrumentPolicy:
    """The booking rules of one instrument (mirrors the rule fields of equipment.Instrument).

    `weekly_hours` holds (weekday, opens, closes) with 0 = Monday, local Tokyo times, opens < closes; a weekday may
    appear several times (a lunch break is two intervals).
    """

    slot_minutes: int = 30
    min_minutes: int = 30
    max_minutes: int = 480
    lead_time_hours: int = 24
    horizon_days: int = 90
    setup_minutes: int = 0
    cleanup_minutes: int = 0
    modes: tuple[str, ...] = ("self", "assisted", "commissioned")
    requires_qualification: bool = True
    status: str = "active"
    weekly_hours: tuple[tuple[int, time, time], ...] = ()


def find_clash(request_hold: Interval, holds: Iterable[Interval]) -> Interval | None:
    """The earliest of `holds` that overlaps `request_hold` (both already widened by their buffers), or None."""
    return next((hold for hold in sorted(holds) if overlaps(request_hold, hold)), None)


# --- Opening hours and availability --------------------------------------------------------------------------------


def held_interval(booking: Interval, policy: InstrumentPolicy) -> Interval:
    """What a holding booking blocks: its own time plus the set-up before and the clean-up after."""
    return Interval(
        booking.start - timedelta(minutes=policy.setup_minutes),
        booking.end + timedelta(minutes=policy.cleanup_minutes),
    )


def opening_intervals(
    policy: InstrumentPolicy, start: datetime, end: datetime, *, is_holiday: HolidayTest = jpholiday.is_holiday
) -> list[Interval]:
    """When the instrument is open within [start, end): weekly hours on each Tokyo date, none on public holidays.

    Clipped to the window, merged, in UTC.
    """
    return weekly_intervals(policy.weekly_hours, start, end, is_holiday=is_holiday)


def free_and_busy_intervals(
    policy: InstrumentPolicy,
    start: datetime,
    end: datetime,
    *,
    downtimes: Iterable[Interval],
    holds: Iterable[Interval],
    is_holiday: HolidayTest = jpholiday.is_holiday,
) -> tuple[list[Interval], list[Interval]]:
    """(free, busy) within [start, end), for showing a calendar. Both in UTC, merged, and never overlapping.

    `holds` are the `held_interval`s of other holding bookings (buffers included). busy = (downtimes ∪ holds) clipped
    to the window: bare intervals, saying nothing of whose booking it is. free = opening hours minus busy.

    A request [s, e) needs [s, e) inside free, but that is not enough: its own buffers, [s - setup, s) and
    [e, e + cleanup), must not run into other holds either (they may fall outside opening hours or in downtime).
    `requestable_intervals` gives the exact answer.
    """
    busy = busy_intervals(start, end, downtimes=downtimes, holds=holds)
    free = subtract(opening_intervals(policy, start, end, is_holiday=is_holiday), busy)
    return free, busy


def busy_intervals(start: datetime, end: datetime, *, downtimes: Iterable[Interval], holds: Iterable[Interval]):
    """Downtimes and holds clipped to [start, end), merged, in UTC: what a calendar shows as taken."""
    window = Interval(start.astimezone(UTC), end.astimezone(UTC))
    return intersect(in_utc([*downtimes, *holds]), [window])


def requestable_intervals(
    policy: InstrumentPolicy,
    start: datetime,
    end: datetime,
    *,
    downtimes: Iterable[Interval],
    holds: Iterable[Interval],
    is_holiday: HolidayTest = jpholiday.is_holiday,
) -> list[Interval]:
    """Where a new request [s, e) may lie, as far as time is concerned: in UTC, a subset of the free intervals.

    [s - setup, e + cleanup) misses a hold [hs, he) exactly when [s, e) misses [hs - cleanup, he + setup); so this is
    opening hours minus downtime minus each hold widened that way. A request inside one of these intervals that also
    passes `request_rules.check_request` (length, grid, ...) clashes with nothing. Pass every hold overlapping
    `held_interval(Interval(start, end), policy)`: holds just outside the window can still push into it.
    """
    widened = [
        Interval(h.start - timedelta(minutes=policy.cleanup_minutes), h.end + timedelta(minutes=policy.setup_minutes))
        for h in holds
    ]
    return subtract(opening_intervals(policy, start, end, is_holiday=is_holiday), in_utc([*downtimes, *widened]))


# --- The slot grid, months, qualification --------------------------------------------------------------------------


def is_on_slot_grid(moment: datetime, slot_minutes: int) -> bool:
    """Whether a moment falls on the slot grid: whole minutes since Tokyo midnight divisible by the slot length."""
    local = moment.astimezone(TOKYO)
    return local.second == 0 and local.microsecond == 0 and (local.hour * 60 + local.minute) % slot_minutes == 0


def on_grid(intervals: Iterable[Interval], slot_minutes: int) -> list[Interval]:
    """Each interval shrunk to the slot grid (start rounded up, end rounded down, Tokyo time); what is
    then shorter than one slot is dropped. What a calendar may offer as a bookable slot."""
    step = timedelta(minutes=slot_minutes)
    result = []
    for interval in intervals:
        local_start = interval.start.astimezone(TOKYO)
        midnight = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
        start = midnight + -(-(local_start - midnight) // step) * step  # ceil to the grid
        end = start + ((interval.end - start) // step) * step if interval.end > start else start
        if end - start >= step:
            result.append(Interval(start.astimezone(UTC), end.astimezone(UTC)))
    return result


def shortest_request_minutes(policy: InstrumentPolicy) -> int | None:
    """The shortest length a request may have: the minimum length rounded up to the slot grid, or None when that
    is longer than the maximum (no request can ever pass `request_rules.check_request`)."""
    slot = policy.slot_minutes
    shortest = -(-max(policy.min_minutes, slot) // slot) * slot
    return shortest if shortest <= policy.max_minutes else None


def bookable_stretches(policy: InstrumentPolicy, requestable: Iterable[Interval], *, now: datetime) -> list[Interval]:
    """The stretches of `requestable` time (`requestable_intervals`) where a request may be made at `now`, as the
    request checks see time: on the slot grid, starting no earlier than the lead time and no later than the
    horizon, each at least as long as the shortest request allowed. Its first stretch's start is the next free slot.
    """
    shortest = shortest_request_minutes(policy)
    if shortest is None:
        return []
    earliest = now + timedelta(hours=policy.lead_time_hours)
    latest_start = now + timedelta(days=policy.horizon_days)
    pieces = [Interval(max(i.start, earliest), i.end) for i in requestable if i.end > earliest]
    return [i for i in on_grid(pieces, policy.slot_minutes) if i.start <= latest_start and i.seconds >= shortest * 60]


def hours_by_month(interval: Interval, tz: ZoneInfo = TOKYO) -> dict[tuple[int, int], float]:
    """The interval's hours in each (year, month) of `tz`, split at local midnight on the 1st.

    Used for monthly quotas and reports when a booking runs across a month end.
    """
    parts: dict[tuple[int, int], float] = {}
    cursor = interval.start.astimezone(tz)
    while cursor < interval.end:
        year, month = (cursor.year + 1, 1) if cursor.month == 12 else (cursor.year, cursor.month + 1)
        next_month = datetime(year, month, 1, tzinfo=tz)
        part_end = min(next_month, interval.end)
        # Subtract in UTC: aware datetimes sharing a tzinfo subtract as wall-clock time (wrong across DST).
        seconds = (part_end.astimezone(UTC) - cursor.astimezone(UTC)).total_seconds()
        parts[(cursor.year, cursor.month)] = seconds / 3600
        cursor = next_month
    return parts


def needs_qualification(policy: InstrumentPolicy, mode: str) -> bool:
    """Whether a request in this mode is only open to qualified users (operating the instrument alone)."""
    return mode == "self" and policy.requires_qualification


# --- Deadlines and sequence numbers (shared with the demo and bench generators) ----------------------------------


# Staff decide at the latest this long before the start, so that an approved requester still has time to prepare
# (samples, travel, a colleague's day); a request asked later than twice this ahead gets half the time left instead.
DECISION_MARGIN = timedelta(hours=24)


def decision_deadline(*, requested_at: datetime, start: datetime, decision_limit_hours: int) -> datetime:
    """When a pending request expires undecided: the instrument's decision limit after it was asked, but at the
    latest `DECISION_MARGIN` before the start, and never later than halfway between the request and the start.

    So a request is never born expired (the deadline is after the request whenever the start is), and never decided
    at the very start. A start not after the request (no service lets one through) gives the start."""
    if start <= requested_at:
        return start
    return min(requested_at + timedelta(hours=decision_limit_hours), start - decision_margin(start - requested_at))


def decision_margin(ahead: timedelta) -> timedelta:
    """How long before the start staff decide a request made `ahead` of it: `DECISION_MARGIN`, or half of `ahead`
    (in whole minutes, as the demo and bench generators count, when there is a minute to spare) if that is less."""
    half = ahead / 2
    if half >= DECISION_MARGIN:
        return DECISION_MARGIN
    return half if half < timedelta(minutes=1) else timedelta(minutes=half // timedelta(minutes=1))


def cancellation_deadline(*, start: datetime, cancellation_deadline_hours: int) -> datetime:
    """Until when the requester may cancel a holding booking themselves (staff may cancel any time)."""
    return start - timedelta(hours=cancellation_deadline_hours)


def sequence_after(status: str, *, approved: bool = False) -> int:
    """The iCalendar SEQUENCE of a booking that reached `status` through the services without a proposal.

    A request starts at 0 and every transition adds one: approved, rejected and expired are one step away;
    completed and no-show two (through approved); cancelled one from pending, two when it was `approved` first."""
    if status == "pending":
        return 0
    return 2 if status in ("completed", "no_show") or (status == "cancelled" and approved) else 1
