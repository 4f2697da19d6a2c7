"""Step 2, available hours: the open time of each instrument in each month of the period.

Computed in Python from opening hours, public holidays and downtimes, which do not grow with the number of
bookings (2 queries: opening hours, downtimes).
"""

from collections import defaultdict

import jpholiday

from backend.periods import Period
from bookings import rules
from bookings.selectors import policies_of
from equipment.models import Downtime, Instrument

from ..figures import US
from .scope import Windows


def _seconds_us(intervals) -> int:
    return sum(((i.end - i.start) // US for i in intervals), 0)


def _downtimes(instruments: list[Instrument], period: Period) -> dict[int, list[rules.Interval]]:
    downtimes: dict[int, list[rules.Interval]] = defaultdict(list)
    for instrument_id, start, end in Downtime.objects.filter(
        instrument__in=instruments, start__lt=period.end, end__gt=period.start
    ).values_list("instrument_id", "start", "end"):
        downtimes[instrument_id].append(rules.Interval(start, end))
    return downtimes


def available_us_by_month(
    instruments: list[Instrument], windows: Windows, period: Period
) -> dict[int, dict[tuple[int, int], int]]:
    """Open time of each instrument in each month: opening hours on Tokyo dates that are not public holidays,
    minus downtime, within the period and the institution's membership."""
    policies = policies_of(instruments)
    # One call for the period's public holidays: jpholiday works each day out afresh the first time it is asked.
    first, last = period.local_start.date(), period.local_end.date()
    is_holiday = {day for day, _name in jpholiday.between(first, last)}.__contains__
    downtimes = _downtimes(instruments, period)
    # Instruments mostly share their weekly hours: the open time of one pattern in one span is computed once.
    opening_of: dict[tuple, tuple[list[rules.Interval], int]] = {}

    def open_us(policy, start, end, own_downtimes) -> int:
        pattern = (policy.weekly_hours, start, end)
        if pattern not in opening_of:
            opening = rules.opening_intervals(policy, start, end, is_holiday=is_holiday)
            opening_of[pattern] = opening, _seconds_us(opening)
        opening, seconds = opening_of[pattern]
        return _seconds_us(rules.subtract(opening, own_downtimes)) if own_downtimes else seconds

    result: dict[int, dict[tuple[int, int], int]] = {}
    for instrument in instruments:
        policy, own_downtimes = policies[instrument.id], downtimes.get(instrument.id)
        per_month = result[instrument.id] = {}
        for key, lo, hi in period.months():
            total = 0
            for joined, left in windows[instrument.institution_id]:
                start, end = max(lo, joined), min(hi, left) if left else hi
                if start < end:
                    total += open_us(policy, start, end, own_downtimes)
            per_month[key] = total
    return result
