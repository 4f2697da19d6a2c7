"""Business days in Japan: Monday to Friday except public holidays (jpholiday), counted on Tokyo dates.

Pure functions. Used for the coordinators' reminder (not referred within 2 business days) and the
report's "answered within 3 business days".
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import jpholiday

from backend.tokyo import TOKYO


@lru_cache(maxsize=4096)
def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and not jpholiday.is_holiday(day)


def business_days_between(start: datetime, end: datetime) -> int:
    """How many business days have begun after `start`'s date up to and including `end`'s date (Tokyo).

    Asked on Friday and answered on Monday: 1. Answered the same day: 0. Asked on Saturday, answered
    on Tuesday: 2.
    """
    first, last = start.astimezone(TOKYO).date(), end.astimezone(TOKYO).date()
    count, day = 0, first + timedelta(days=1)
    while day <= last:
        count += is_business_day(day)
        day += timedelta(days=1)
    return count


def add_business_days(moment: datetime, days: int) -> datetime:
    """The same Tokyo wall-clock time `days` business days later (weekends and public holidays skipped)."""
    local = moment.astimezone(TOKYO)
    day, left = local.date(), days
    while left > 0:
        day += timedelta(days=1)
        left -= is_business_day(day)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=TOKYO)


def first_answer_fields(asked_at: datetime, answered_at: datetime, *, with_response_time: bool = False) -> dict:
    """The fields that record a first answer (of a referral, or of the consultation): when it came and how many
    business days after the question; a consultation also keeps the exact `response_time`. The services store
    them, and the demo's consultation history through the same function."""
    fields = {"first_answered_at": answered_at, "response_business_days": business_days_between(asked_at, answered_at)}
    if with_response_time:
        fields["response_time"] = answered_at - asked_at
    return fields
