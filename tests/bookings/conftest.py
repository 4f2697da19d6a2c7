from datetime import date, datetime, time, timedelta

import jpholiday

from backend.tokyo import TOKYO


def working_day(min_days_ahead: int = 14) -> date:
    """A weekday at least N days ahead that is not a public holiday (tests never depend on today's date)."""
    day = date.today() + timedelta(days=min_days_ahead)
    while day.weekday() >= 5 or jpholiday.is_holiday(day):
        day += timedelta(days=1)
    return day


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


def iso(moment: datetime) -> str:
    return moment.isoformat()
