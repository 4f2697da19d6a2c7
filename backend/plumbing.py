"""Small helpers the services of every app share."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

from .errors import DomainError

TOKYO = ZoneInfo("Asia/Tokyo")
# The moments the product takes at all, Japan time: years 2000 to 2100. Nothing it books, blocks or reports
# lies outside; beyond them a typo (0001, 9999) only overflows conversions or blocks an instrument for ages.
EARLIEST = datetime(2000, 1, 1, tzinfo=TOKYO)
LATEST = datetime(2101, 1, 1, tzinfo=TOKYO)  # exclusive
# RFC 3339 (ISO 8601 extended, the offset as ±hh:mm or Z), seconds optional, a space allowed for the T.
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?P<offset>[Zz]|[+-]\d{2}:\d{2})?",
    re.ASCII,
)


def user_or_none(actor):
    """The actor to record on a row: a saved user, or None for the system (tasks, seeding)."""
    return actor if getattr(actor, "pk", None) else None


def _naive(field: str) -> DomainError:
    return DomainError(
        "naive_datetime",
        "日時はタイムゾーン付き(ISO 8601、例: 2026-11-24T10:00+09:00)で指定してください。 "
        "(Give datetimes in ISO 8601 with a UTC offset.)",
        field=field,
    )


def require_aware(**values: datetime) -> None:
    """Refuse a missing or naive datetime (one without a UTC offset), naming the field."""
    for field, value in values.items():
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise _naive(field)


def require_in_range(**values: datetime) -> None:
    """Refuse an aware datetime outside [EARLIEST, LATEST), naming the field."""
    for field, value in values.items():
        if not EARLIEST <= value < LATEST:
            raise DomainError(
                "datetime_out_of_range",
                f"日時は{EARLIEST.year}年から{LATEST.year - 1}年までの範囲で指定してください。 "
                f"(Give a datetime between the years {EARLIEST.year} and {LATEST.year - 1}.)",
                field=field,
            )


def parse_aware_datetime(text, *, field: str) -> datetime:
    """The one reader of datetimes given as text (API bodies and query parameters, links): RFC 3339 with an
    offset, within the years the product takes. Anything else is a DomainError naming the field, never an
    exception of the datetime module (an offset pushing year 1 or 9999 out of range overflows conversions)."""
    match = _DATETIME.fullmatch(text.strip()) if isinstance(text, str) else None
    if match and not match["offset"]:
        raise _naive(field)
    if not match:
        raise DomainError(
            "invalid_datetime",
            "日時をISO 8601(例: 2026-11-24T10:00+09:00)で指定してください。 "
            "(Give an ISO 8601 datetime with a UTC offset, e.g. 2026-11-24T10:00+09:00.)",
            field=field,
        )
    try:
        value = datetime.fromisoformat(match[0].upper())
    except ValueError:  # a month 13, an offset +25:00, …
        raise DomainError(
            "invalid_datetime",
            "存在しない日時です。 (No such date or time.)",
            field=field,
        ) from None
    require_in_range(**{field: value})
    return value


def parse_day(text, *, field: str) -> date:
    """A day given as text (YYYY-MM-DD, e.g. a page's ?day=), within the same years as parse_aware_datetime."""
    text = text.strip() if isinstance(text, str) else ""
    try:
        day = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII) else None
    except ValueError:  # 2026-02-30
        day = None
    if day is None:
        raise DomainError(
            "invalid_date", "日付をYYYY-MM-DDで指定してください。 (Give a date as YYYY-MM-DD.)", field=field
        )
    require_in_range(**{field: datetime.combine(day, time.min, tzinfo=TOKYO)})
    return day


def require_order(start: datetime, end: datetime, *, field: str = "end") -> None:
    if end <= start:
        raise DomainError(
            "end_before_start", "終了は開始より後にしてください。 (End must be after start.)", field=field
        )
