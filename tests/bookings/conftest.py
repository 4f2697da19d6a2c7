from datetime import date, datetime, time, timedelta

import jpholiday

from backend.tokyo import TOKYO


def working_day(min_days_ahead: int = 14, *, next_too: bool = False) -> date:
    """A weekday at least N days ahead (in Tokyo) that is not a public holiday; with next_too, one whose next day is
    one too (the `day` fixture: tests book `day` and `day + 1` alike, whatever the date of the run)."""

    def working(d: date) -> bool:
        return d.weekday() < 5 and not jpholiday.is_holiday(d)

    day = datetime.now(TOKYO).date() + timedelta(days=min_days_ahead)
    while not (working(day) and (not next_too or working(day + timedelta(days=1)))):
        day += timedelta(days=1)
    return day


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


def iso(moment: datetime) -> str:
    return moment.isoformat()
