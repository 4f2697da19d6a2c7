"""Report periods: a Japanese fiscal year, a calendar month or any range, as a half-open [start, end).

Pure functions, no ORM. Bounds are aware datetimes at Tokyo midnight when given as dates; a date given as
`end` is the last day included. Every refusal is a 400 naming the field at fault. Labels and refusals are in the
active language (the reader's; a report built in Celery runs in its requester's).
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from backend.errors import DomainError
from backend.i18n import long_date, long_datetime
from backend.plumbing import naive_datetime_error
from backend.tokyo import TOKYO

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_DAYS = 5 * 366  # five fiscal years, leap days included
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def fiscal_year_of(day: date) -> int:
    """The Japanese fiscal year (年度) a day falls in: April to March, named by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def tokyo_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=TOKYO)


def first_of_next_month(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @classmethod
    def fiscal_year(cls, fy: int) -> "Period":
        """Japanese fiscal year `fy`: 1 April fy – 31 March fy+1 (年度)."""
        return cls(tokyo_midnight(date(fy, 4, 1)), tokyo_midnight(date(fy + 1, 4, 1)))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(tokyo_midnight(date(year, month, 1)), tokyo_midnight(first_of_next_month(year, month)))

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(TOKYO)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(TOKYO)

    def _whole_days(self) -> bool:
        return self.local_start.time() == time(0) and self.local_end.time() == time(0)

    @property
    def kind(self) -> str:
        """ "fy" (a Japanese fiscal year), "month" (a calendar month) or "range" (anything else)."""
        s, e = self.local_start, self.local_end
        if self._whole_days():
            if s.month == 4 and s.day == 1 and e.date() == date(s.year + 1, 4, 1):
                return "fy"
            if s.day == 1 and e.date() == first_of_next_month(s.year, s.month):
                return "month"
        return "range"

    @property
    def label(self) -> str:
        """How people name the period, in the active language: 2026年度 / FY2026, 2026年10月 / October 2026, or
        the first and last day (2026年4月1日〜2026年6月30日 / April 1, 2026 – June 30, 2026)."""
        s, e = self.local_start, self.local_end
        kind = self.kind
        if kind == "fy":
            return _("FY%(year)d") % {"year": s.year}
        if kind == "month":
            return formats.date_format(s.date(), "YEAR_MONTH_FORMAT")
        if self._whole_days():
            first, last = long_date(s.date()), long_date((e - timedelta(days=1)).date())
        else:
            first, last = long_datetime(s), long_datetime(e)
        return _("%(first)s – %(last)s") % {"first": first, "last": last}

    @property
    def slug(self) -> str:
        """For file names, the same in every language: fy2026, 2026-10, or 20260401-20260630."""
        s, e = self.local_start, self.local_end
        kind = self.kind
        if kind == "fy":
            return f"fy{s.year}"
        if kind == "month":
            return f"{s.year}-{s.month:02d}"
        last = e - timedelta(days=1) if self._whole_days() else e
        return f"{s:%Y%m%d}-{last:%Y%m%d}"

    def months(self) -> Iterator[tuple[tuple[int, int], datetime, datetime]]:
        """((year, month), start, end) of each Tokyo calendar month the period touches, clipped to it."""
        cursor = self.local_start
        while cursor < self.end:
            nxt = tokyo_midnight(first_of_next_month(cursor.year, cursor.month))
            yield (cursor.year, cursor.month), cursor, min(nxt, self.local_end)
            cursor = nxt


def last_month(today: date) -> Period:
    """The calendar month before `today`'s (the monthly schedule reports it)."""
    first = today.replace(day=1) - timedelta(days=1)
    return Period.month(first.year, first.month)


# --- Parsing query parameters -------------------------------------------------------------------------------------


def _refuse(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, field=field)


def _parse_year(text: str, field: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4) or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise _refuse(
            f"invalid_{field}",
            _("Give the fiscal year as a year from %(min)d to %(max)d, e.g. 2026.")
            % {"min": MIN_YEAR, "max": MAX_YEAR},
            field,
        )
    return int(text)


def _parse_month(text: str) -> tuple[int, int]:
    match = _MONTH.match(text.strip())
    year, month = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        raise _refuse(
            "invalid_month",
            _("Give the month as YYYY-MM, e.g. 2026-10."),
            "month",
        )
    return year, month


def _parse_bound(text: str, field: str) -> datetime:
    """A date (whole Tokyo day; as `end` the day is included) or an ISO 8601 datetime with an offset."""
    text = text.strip()
    invalid = _refuse(
        "invalid_date",
        _("Give a date (YYYY-MM-DD) or an ISO 8601 date and time with a UTC offset."),
        field,
    )
    try:
        if _DATE.match(text):
            day = date.fromisoformat(text)
            if not MIN_YEAR <= day.year <= MAX_YEAR:
                raise invalid
            moment = tokyo_midnight(day + timedelta(days=1) if field == "end" else day)
        else:
            moment = datetime.fromisoformat(text)
            if moment.utcoffset() is not None and not MIN_YEAR <= moment.year <= MAX_YEAR:
                raise invalid
    except (ValueError, OverflowError):
        raise invalid from None
    if moment.utcoffset() is None:
        raise naive_datetime_error(field)
    return moment


def parse_period(params: Mapping[str, str]) -> Period:
    """Exactly one of `fy`, `month` or `start` with `end`."""
    given = [name for name in ("fy", "month", "start", "end") if (params.get(name) or "").strip()]
    kinds = {"fy" if n == "fy" else "month" if n == "month" else "range" for n in given}
    if not kinds:
        raise _refuse(
            "period_required",
            _("Give the period as fy (a fiscal year), month, or start and end."),
            "fy",
        )
    if len(kinds) > 1:
        raise _refuse(
            "period_ambiguous",
            _("Give only one of fy, month, or start and end."),
            given[1],
        )
    if kinds == {"fy"}:
        return Period.fiscal_year(_parse_year(params["fy"], "fy"))
    if kinds == {"month"}:
        return Period.month(*_parse_month(params["month"]))
    for name in ("start", "end"):
        if name not in given:
            raise _refuse(
                f"{name}_required",
                _("Give both start and end."),
                name,
            )
    start, end = _parse_bound(params["start"], "start"), _parse_bound(params["end"], "end")
    if end <= start:
        raise _refuse("end_before_start", _("The end must be after the start."), "end")
    if end - start > timedelta(days=MAX_DAYS):
        raise _refuse(
            "period_too_long",
            _("The period may span at most %(days)d days (five fiscal years).") % {"days": MAX_DAYS},
            "end",
        )
    return Period(start, end)
