"""Packing bookings into the days of the bench instruments (plain arithmetic): where bookings fit in a day, how
many an instrument takes, and how a total is shared out by demand."""

import random

from .world import Span, World, working_days

FILL = 0.8  # an instrument is booked at most this share of what fits with minimum-length bookings


class DayProfile:
    """Places bookings in one day of an instrument: on the slot grid, each hold [start − set-up, end + clean-up)
    inside one opening interval, holds never overlapping. Shared by instruments with the same rules."""

    def __init__(self, intervals, slot, min_minutes, max_minutes, setup, cleanup):
        self.intervals, self.slot = intervals, slot
        self.min, self.max, self.setup, self.cleanup = min_minutes, max_minutes, setup, cleanup
        self._fits: dict[int, int] = {}
        self.capacity = self.fits_from(intervals[0][0])

    def first_start(self, cursor: int) -> tuple[int, int] | None:
        """The earliest start at or after `cursor` (hold included) where a minimum-length booking fits, with the
        close of its interval."""
        slot, setup, need = self.slot, self.setup, self.min + self.cleanup
        for opens, closes in self.intervals:
            start = -(-(max(cursor, opens) + setup) // slot) * slot
            if start + need <= closes:
                return start, closes
        return None

    def fits_from(self, cursor: int) -> int:
        """How many minimum-length bookings still fit from `cursor` on (memoised)."""
        known = self._fits.get(cursor)
        if known is None:
            known, at = 0, cursor
            while (found := self.first_start(at)) is not None:
                known += 1
                at = found[0] + self.min + self.cleanup
            self._fits[cursor] = known
        return known

    def pack(self, rng: random.Random, k: int) -> list[tuple[int, int]]:
        """k bookings (start, end) in minutes since midnight; k must not exceed `capacity`."""
        slot, lo, setup, cleanup = self.slot, self.min, self.setup, self.cleanup
        steps = (self.max - lo) // slot // k  # busier days get shorter bookings
        footprint = -(-(lo + setup + cleanup) // slot)  # slots
        out, cursor = [], self.intervals[0][0]
        for j in range(k):
            rest = k - j - 1
            spare = self.fits_from(cursor) - rest - 1  # minimum-length bookings to spare after this one
            for gap, extra in (
                (rng.randrange(spare * footprint + 1) if spare > 0 else 0, rng.randint(0, steps)),
                (0, rng.randint(0, steps)),
                (0, 0),
            ):
                found = self.first_start(cursor + gap * slot)
                if found is None:
                    continue
                start, closes = found
                end = start + lo + extra * slot
                if end + cleanup <= closes and (rest == 0 or self.fits_from(end + cleanup) >= rest):
                    break  # (0, 0) always gets here: fits_from(cursor) = 1 + fits_from(its end + clean-up)
            out.append((start, end))
            cursor = end + cleanup
        return out


def capacity(world: World, span: Span) -> int:
    """How many bookings the instruments take in the span at most (FILL of packing them at minimum length)."""
    days = len(working_days(span.first_day, span.last_day))
    per_day: dict[tuple, int] = {}
    total = 0
    for p in world.instruments:
        key = (p.intervals, p.slot, p.min_minutes, p.max_minutes, p.setup, p.cleanup)
        if key not in per_day:
            per_day[key] = DayProfile(*key).capacity
        total += int(per_day[key] * days * FILL)
    return total


def allocate(demands: list[float], capacities: list[int], total: int) -> list[int]:
    """Integer counts proportional to demand, none above its capacity, adding up to total (water-filling).
    Raises ValueError when the capacities add up to less than total."""
    room = sum(capacities)
    if room < total:
        raise ValueError(room)
    counts = [0] * len(demands)
    open_ = [i for i, c in enumerate(capacities) if c > 0]
    left = total
    while left > 0 and open_:
        weight = sum(demands[i] for i in open_) or len(open_)
        share = {i: left * (demands[i] or 1) / weight for i in open_}
        full = [i for i in open_ if counts[i] + share[i] >= capacities[i]]
        if full:
            for i in full:
                left -= capacities[i] - counts[i]
                counts[i] = capacities[i]
            open_ = [i for i in open_ if i not in set(full)]
            continue
        given = 0
        for i in open_:
            add = int(share[i])
            counts[i] += add
            given += add
        left -= given
        for i in sorted(open_, key=lambda i: share[i] - int(share[i]), reverse=True)[:left]:
            counts[i] += 1
        left = 0
    return counts
