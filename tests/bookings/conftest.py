from datetime import date, datetime, time, timedelta

import jpholiday
import pytest

from bookings.rules import TOKYO
from tests.factories import RateFactory


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


@pytest.fixture
def day():
    return working_day()


@pytest.fixture
def sem(world):
    """The SEM of institution A: Mon–Fri 9–12 and 13–17, 30-minute grid, rates for SMEs and large companies."""
    for category, amount in (("sme", 4500), ("large", 9000), ("academic", 3000), ("internal", 0)):
        for mode in ("self", "assisted", "commissioned"):
            RateFactory(instrument=world.sem, user_category=category, mode=mode, amount_jpy=amount)
    return world.sem


@pytest.fixture
def request_body(sem, day):
    return {
        "instrument": sem.id,
        "start": iso(at(day, 10)),
        "end": iso(at(day, 12)),
        "mode": "assisted",
        "purpose": "樹脂破断面の観察",
        "sample": "PP樹脂 3点",
        "confidential": False,
    }
