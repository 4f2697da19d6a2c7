from datetime import date, datetime, time, timedelta

import jpholiday
import pytest
from django.conf import settings
from django.utils import translation

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


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a page requested in English leaves English active in the thread
    (Django's LocaleMiddleware does not deactivate it), which would turn a later test's messages English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
