"""The demo booking history as plain data (no ORM): what seed_demo bulk-inserts so reports have content.

Deterministic per instrument (its random stream is seeded by the instrument's key), so a booking's identity,
`uid`, is the same on every run and a second run recognises what it made. At most one booking per instrument
and day, inside opening hours (buffers included), never on a public holiday or a day with downtime; none is
holding (pending or approved), so the history never stands in the way of a new request.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import jpholiday

from backend.tokyo import TOKYO

NAMESPACE = uuid.UUID("6f1d2b0e-7c1a-4d43-9f55-6b3f0a1c2e77")
STATUSES = [("completed", 76), ("rejected", 6), ("cancelled", 9), ("no_show", 4), ("expired", 5)]
LEAD_HOURS = [(1, 2), (3, 3), (6, 4), (20, 4), (30, 3), (50, 2), (70, 1)]  # decided this long after the request


@dataclass(frozen=True)
class HistoryInstrument:
    key: str  # "<institution key>/<model>": seeds the random stream and the uids
    weekly_hours: tuple[tuple[int, time, time], ...]
    modes: tuple[str, ...]
    slot_minutes: int
    min_minutes: int
    max_minutes: int
    setup_minutes: int
    cleanup_minutes: int
    busy_days: frozenset[date] = frozenset()  # days with downtime


@dataclass(frozen=True)
class PastBooking:
    uid: uuid.UUID
    customer: str  # username
    start: datetime
    end: datetime
    mode: str
    status: str
    samples: int  # drawn to keep the random stream as it was; the product prices every booking as one sample
    created_at: datetime
    decided_at: datetime | None
    actual_start: datetime | None
    actual_end: datetime | None


def history_uid(instrument_key: str, n: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{instrument_key}/{n}")


def first_day(today: date, months: int) -> date:
    """The first day of the month `months` before today's."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def next_weekday(day: date) -> date:
    """The day itself, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


def _slot(rng: random.Random, instrument: HistoryInstrument, day: date) -> tuple[datetime, datetime] | None:
    """A start and end on the slot grid inside one opening interval of the day, its buffers included."""
    intervals = [(o, c) for weekday, o, c in instrument.weekly_hours if weekday == day.weekday()]
    if not intervals:
        return None
    opens, closes = rng.choice(intervals)
    slot = instrument.slot_minutes
    first = opens.hour * 60 + opens.minute + instrument.setup_minutes
    last = closes.hour * 60 + closes.minute - instrument.cleanup_minutes
    first = -(-first // slot) * slot  # up to the grid
    room = (last - first) // slot * slot
    longest = min(instrument.max_minutes, room)
    if longest < instrument.min_minutes:
        return None
    minutes = rng.randrange(instrument.min_minutes, longest + 1, slot) if longest > instrument.min_minutes else longest
    offset = rng.randrange(0, room - minutes + 1, slot)
    start = datetime.combine(day, time(0), tzinfo=TOKYO) + timedelta(minutes=first + offset)
    return start, start + timedelta(minutes=minutes)


def history(
    instrument: HistoryInstrument, customers: list[tuple[str, int]], *, since: date, until: date
) -> list[PastBooking]:
    """Past bookings of one instrument on the working days in [since, until)."""
    rng = random.Random(instrument.key)
    popularity = rng.uniform(0.5, 0.95)  # chance that a working day has a booking
    bookings, n = [], 0
    day = since
    while day < until:
        current, day = day, day + timedelta(days=1)
        if current.weekday() >= 6 or jpholiday.is_holiday(current) or current in instrument.busy_days:
            continue
        if rng.random() >= popularity:
            continue
        slot = _slot(rng, instrument, current)
        if slot is None:
            continue
        start, end = slot
        status = _weighted(rng, STATUSES)
        undecided = status == "expired" or (status == "cancelled" and rng.random() < 0.5)
        decided_at = None if undecided else start - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
        created_at = (
            start - timedelta(days=rng.randint(5, 20))
            if decided_at is None
            else decided_at - timedelta(hours=_weighted(rng, LEAD_HOURS), minutes=rng.randint(0, 59))
        )
        actual_start = actual_end = None
        if status == "completed":
            actual_start = start + timedelta(minutes=rng.choice([0, 0, 0, 5, 10]))
            actual_end = end + timedelta(minutes=rng.choice([0, 0, 0, -15, -30, 10]))
            if actual_end <= actual_start:
                actual_end = end
        n += 1
        bookings.append(
            PastBooking(
                uid=history_uid(instrument.key, n),
                customer=_weighted(rng, customers),
                start=start,
                end=end,
                mode=rng.choice(instrument.modes),
                status=status,
                samples=rng.randint(1, 6),
                created_at=created_at,
                decided_at=decided_at,
                actual_start=actual_start,
                actual_end=actual_end,
            )
        )
    return bookings
