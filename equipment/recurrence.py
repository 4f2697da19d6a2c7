"""Expand an iCalendar recurrence rule (RRULE, RFC 5545) at a bounded cost.

dateutil, which recurring-ical-events uses, walks a rule from its DTSTART, and within one call it keeps
stepping until a day matches: a rule starting in year 1, or one that never matches
(`BYMONTH=2;BYMONTHDAY=30`), runs to year 9999 before it gives control back, and a rule repeating every
second fills gigabytes. Here the walk is ours, one period (the day, week, month or year of FREQ) at a time:

- a rule that repeats more often than daily is refused before anything is expanded: FREQ=HOURLY and
  finer, and BYHOUR, BYMINUTE or BYSECOND with several values (under DAILY, `BYHOUR=0,1,…,23` repeats
  hourly). What is left has at most one occurrence a day;
- without COUNT, the walk starts at the period of `after`, however far back DTSTART lies (the periods are
  counted from DTSTART's, so INTERVAL keeps its phase); with COUNT it must count from DTSTART;
- every day looked at, whether it becomes an occurrence or not, is paid for from a `Budget` shared by a
  whole file (a number of steps and a deadline), so a file's expansion has a ceiling whatever its rules.

Understood: FREQ=DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYYEARDAY, BYDAY
(with ordinals under MONTHLY and YEARLY), BYSETPOS, WKST and one value of BYHOUR/BYMINUTE/BYSECOND, with
the defaults from DTSTART that dateutil takes; anything else (BYWEEKNO, RSCALE, …) is refused. Pure: no ORM.
"""

import calendar
import time as clock
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")  # coarse to fine
EXPANDED = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
SUB_DAILY_PARTS = {"BYHOUR": ("HOURLY", 23), "BYMINUTE": ("MINUTELY", 59), "BYSECOND": ("SECONDLY", 59)}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UNDERSTOOD = {
    *("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYDAY", "BYSETPOS", "WKST"),
    *SUB_DAILY_PARTS,
}


class RuleError(ValueError):
    """A rule refused: `code` for programs, `message` says what is wrong in the reader's language, without a
    capital or a full stop (the caller names the event)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class Budget:
    """What the expansion of one file may still spend: days looked at, and time (checked as it goes)."""

    def __init__(self, *, steps: int, seconds: float):
        self.steps = steps
        self.deadline = clock.monotonic() + seconds

    def spend(self, steps: int) -> None:
        self.steps -= steps
        if self.steps < 0 or clock.monotonic() >= self.deadline:
            raise RuleError("ics_too_costly", _("reading it, recurrences expanded, exceeds the processing limit"))


@dataclass(frozen=True)
class Rule:
    freq: str
    interval: int = 1
    count: int | None = None
    until: date | None = None  # a date or a datetime, as written
    months: frozenset[int] = frozenset()
    monthdays: frozenset[int] = frozenset()  # 1…31 and -31…-1 (from the month's end)
    yeardays: frozenset[int] = frozenset()
    weekdays: frozenset[int] = frozenset()  # 0 = Monday
    nth_weekdays: frozenset[tuple[int, int]] = frozenset()  # (n, weekday): the n-th (or -n-th last) of month/year
    setpos: tuple[int, ...] = ()
    wkst: int = 0
    at: time | None = None  # the time of day of every occurrence; None for all-day events


def _invalid(part: str, value) -> RuleError:
    return RuleError("ics_invalid_value", _("RRULE %(part)s is invalid: %(value)s") % {"part": part, "value": value})


def _ints(recur: Mapping, part: str, low: int, high: int, *, signed: bool = False) -> frozenset[int]:
    values = set()
    for value in recur.get(part, []):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= abs(value) <= high:
            raise _invalid(part, value)
        if value < 0 and not signed:
            raise _invalid(part, value)
        values.add(int(value))
    return frozenset(values)


def _single(recur: Mapping, part: str):
    values = recur.get(part, [])
    if len(values) > 1:
        raise _invalid(part, ",".join(str(v) for v in values))
    return values[0] if values else None


def effective_frequency(recur: Mapping) -> tuple[str, str]:
    """How often the rule can repeat at most, and the part that makes it so: FREQ, or a BYHOUR/BYMINUTE/
    BYSECOND listing several values (each value is another occurrence within FREQ's period)."""
    freq = str(_single(recur, "FREQ") or "").upper()
    finest, cause = freq, f"FREQ={freq}"
    for part, (frequency, _high) in SUB_DAILY_PARTS.items():
        if len(set(recur.get(part, []))) > 1 and FREQUENCIES.index(frequency) > FREQUENCIES.index(finest):
            finest, cause = frequency, part
    return finest, cause


def parse_rule(recur: Mapping, dtstart: date) -> Rule:
    """Check a parsed RRULE (icalendar's vRecur) and resolve its defaults from DTSTART.

    The parts are checked in a fixed order (the first wrong one is the refusal): unknown parts, FREQ and how
    often the rule repeats, INTERVAL, COUNT, UNTIL, BYDAY, WKST, BYMONTH, BYMONTHDAY, BYYEARDAY, the time of
    day, BYSETPOS."""
    _refuse_unknown_parts(recur)
    freq = _frequency(recur)
    interval, count = _positive(recur, "INTERVAL"), _positive(recur, "COUNT")
    until = _single(recur, "UNTIL")
    if until is not None and not isinstance(until, date):
        raise _invalid("UNTIL", until)
    weekdays, nth = _days_of_week(recur, freq)
    wkst = str(_single(recur, "WKST") or "MO").upper()
    if wkst not in WEEKDAYS:
        raise _invalid("WKST", wkst)
    months = _ints(recur, "BYMONTH", 1, 12)
    monthdays = _ints(recur, "BYMONTHDAY", 1, 31, signed=True)
    yeardays = _ints(recur, "BYYEARDAY", 1, 366, signed=True)
    if not (monthdays or yeardays or weekdays or nth):  # RFC 5545: what the rule leaves open, DTSTART says
        months, monthdays, weekdays = _days_from_dtstart(freq, dtstart, months)
    return Rule(
        freq=freq,
        interval=interval or 1,
        count=count,
        until=until,
        months=months,
        monthdays=monthdays,
        yeardays=yeardays,
        weekdays=weekdays,
        nth_weekdays=nth,
        at=_time_of_day(recur, dtstart),
        setpos=tuple(sorted(_ints(recur, "BYSETPOS", 1, 366, signed=True))),
        wkst=WEEKDAYS.index(wkst),
    )


def _refuse_unknown_parts(recur: Mapping) -> None:
    unknown = sorted(set(recur) - UNDERSTOOD)
    if unknown:
        raise RuleError("ics_unsupported_rule", _("RRULE %(part)s is not supported") % {"part": unknown[0]})


def _frequency(recur: Mapping) -> str:
    """FREQ, once it is known and the rule repeats at most daily."""
    freq = str(_single(recur, "FREQ") or "").upper()
    if freq not in FREQUENCIES:
        raise _invalid("FREQ", freq or "—")
    effective, cause = effective_frequency(recur)
    if effective not in EXPANDED:
        raise RuleError(
            "ics_too_frequent",
            _("it repeats %(frequency)s (%(cause)s); repeat at most daily")
            % {"frequency": effective.lower(), "cause": cause},
        )
    return freq


def _positive(recur: Mapping, part: str) -> int | None:
    """A part that is a whole number of at least 1 (INTERVAL, COUNT), or None when absent."""
    value = _single(recur, part)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise _invalid(part, value)
    return value


def _days_of_week(recur: Mapping, freq: str) -> tuple[frozenset[int], frozenset[tuple[int, int]]]:
    """BYDAY as plain weekdays and as (n, weekday) for the n-th one of the month or year."""
    weekdays, nth = set(), set()
    for value in recur.get("BYDAY", []):
        name, n = str(getattr(value, "weekday", value)).upper(), getattr(value, "relative", None)
        if name not in WEEKDAYS or (n is not None and not 1 <= abs(n) <= 53):
            raise _invalid("BYDAY", value)
        if n and freq in ("MONTHLY", "YEARLY"):
            nth.add((int(n), WEEKDAYS.index(name)))
        else:  # an ordinal means nothing within a week or a day (dateutil ignores it too)
            weekdays.add(WEEKDAYS.index(name))
    return frozenset(weekdays), frozenset(nth)


def _days_from_dtstart(freq: str, dtstart: date, months: frozenset[int]):
    """(months, monthdays, weekdays) of a rule that names no day: DTSTART's day of the year, month or week."""
    if freq == "YEARLY":
        return months or frozenset({dtstart.month}), frozenset({dtstart.day}), frozenset()
    if freq == "MONTHLY":
        return months, frozenset({dtstart.day}), frozenset()
    if freq == "WEEKLY":
        return months, frozenset(), frozenset({dtstart.weekday()})
    return months, frozenset(), frozenset()


def _time_of_day(recur: Mapping, dtstart: date) -> time | None:
    """The time of every occurrence: BYHOUR, BYMINUTE and BYSECOND (one value each), else DTSTART's; None for an
    all-day event (those parts are then not looked at)."""
    if not isinstance(dtstart, datetime):
        return None
    hour, minute, second = (
        next(iter(_ints(recur, part, 0, high)), getattr(dtstart, part[2:].lower()))
        for part, (_finer, high) in SUB_DAILY_PARTS.items()
    )
    return time(hour, minute, second)


# --- Periods ---------------------------------------------------------------------------------------
def _week_start(day: date, wkst: int) -> date:
    return day - timedelta(days=(day.weekday() - wkst) % 7)


def _index(rule: Rule, first: date, day: date) -> int:
    """The number of FREQ periods from the one holding `first` to the one holding `day`."""
    if rule.freq == "DAILY":
        return (day - first).days
    if rule.freq == "WEEKLY":
        return (_week_start(day, rule.wkst) - _week_start(first, rule.wkst)).days // 7
    if rule.freq == "MONTHLY":
        return (day.year - first.year) * 12 + day.month - first.month
    return day.year - first.year


def _month_days(year: int, month: int) -> list[date]:
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def _period(rule: Rule, first: date, k: int) -> list[date] | None:
    """The days of the k-th period from the one holding `first`; None past the calendar's end."""
    try:
        if rule.freq == "DAILY":
            return [first + timedelta(days=k)]
        if rule.freq == "WEEKLY":
            start = _week_start(first, rule.wkst) + timedelta(weeks=k)
            week = [start + timedelta(days=n) for n in range(7)]
            # The first week begins at DTSTART, as in dateutil (which recurring-ical-events used before): BYSETPOS
            # counts from there, so a day of that week before DTSTART does not take position 1.
            return [day for day in week if day >= first] if k == 0 else week
        if rule.freq == "MONTHLY":
            year, month = divmod(first.year * 12 + first.month - 1 + k, 12)
            return _month_days(year, month + 1) if year <= 9999 else None
        year = first.year + k
        if year > 9999:
            return None
        return [day for month in sorted(rule.months or range(1, 13)) for day in _month_days(year, month)]
    except (OverflowError, ValueError):
        return None


def _is_nth(rule: Rule, day: date, n: int) -> bool:
    """`day` is the n-th of its weekday in its month (MONTHLY, or YEARLY with BYMONTH) or year."""
    if rule.freq == "MONTHLY" or rule.months:
        first, last = day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    else:
        first, last = date(day.year, 1, 1), date(day.year, 12, 31)
    return (day - first).days // 7 + 1 == n if n > 0 else -((last - day).days // 7 + 1) == n


def _matches(rule: Rule, day: date) -> bool:
    if rule.months and day.month not in rule.months:
        return False
    if rule.monthdays:
        length = calendar.monthrange(day.year, day.month)[1]
        if day.day not in rule.monthdays and day.day - length - 1 not in rule.monthdays:
            return False
    if rule.yeardays:
        number, length = day.timetuple().tm_yday, 366 if calendar.isleap(day.year) else 365
        if number not in rule.yeardays and number - length - 1 not in rule.yeardays:
            return False
    if rule.weekdays or rule.nth_weekdays:
        weekday = day.weekday()
        if weekday not in rule.weekdays and not any(
            w == weekday and _is_nth(rule, day, n) for n, w in rule.nth_weekdays
        ):
            return False
    return True


def _chosen(rule: Rule, days: list[date]) -> list[date]:
    if not rule.setpos:
        return days
    picked = {days[p - 1 if p > 0 else p] for p in rule.setpos if -len(days) <= p <= len(days)}
    return sorted(picked)


# --- Expansion -------------------------------------------------------------------------------------
def expand(
    rule: Rule,
    dtstart: date,
    *,
    after: datetime,
    before: datetime,
    budget: Budget,
    moment: Callable[[date], datetime],
) -> list[date]:
    """The rule's occurrences (of DTSTART's type) whose start, read by `moment` as an aware datetime, lies
    in [after, before]. DTSTART itself is not added (RFC 5545 does that, recurring-ical-events too)."""
    first = dtstart.date() if isinstance(dtstart, datetime) else dtstart
    stop_at = _last_moment(rule.until, moment)
    if rule.count is None:  # start near `after` (a day early, for time zones), in phase with INTERVAL
        nearest = _index(rule, first, (after - timedelta(days=2)).date())
        k = max(0, -(-nearest // rule.interval) * rule.interval)
    else:
        k = 0
    last_day = (before + timedelta(days=2)).date()
    found: list[date] = []
    produced = 0
    while (days := _period(rule, first, k)) is not None and days and days[0] <= last_day:
        budget.spend(len(days))
        for day in _chosen(rule, [d for d in days if _matches(rule, d)]):
            start = day if rule.at is None else datetime.combine(day, rule.at, tzinfo=dtstart.tzinfo)
            if start < dtstart:
                continue
            at = moment(start)
            produced += 1
            if (stop_at is not None and at > stop_at) or (rule.count is not None and produced > rule.count):
                return found
            if at > before:
                return found
            if at >= after:
                found.append(start)
        k += rule.interval
    return found


def _last_moment(until, moment) -> datetime | None:
    """UNTIL as the last moment an occurrence may start: a date includes its whole day."""
    if until is None:
        return None
    if isinstance(until, datetime):
        return moment(until)
    try:
        return moment(until + timedelta(days=1)) - timedelta(microseconds=1)
    except OverflowError:
        return None
