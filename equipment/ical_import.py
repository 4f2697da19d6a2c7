"""Read downtime out of an iCalendar file (e.g. the institution's maintenance calendar export).

Pure parsing, no ORM: every VEVENT is checked first (a start, an end after it and at most
`Downtime.MAX_SPAN` later, readable values, a recurrence rule we can expand), then each RRULE is expanded
by `equipment.recurrence` over the import window only, at a cost bounded for the whole file, and replaced
by the RDATEs it yields; recurring-ical-events then applies RDATE, EXDATE and moved occurrences
(RECURRENCE-ID) as before. Any fault refuses the whole file with an `IcsRejected` naming the event, so
nothing is half-imported. All-day events become whole Tokyo days; floating times are read as Tokyo time.
A summary becomes the downtime's title as one line (its line breaks and tabs spaces, control characters
dropped), as a name typed here would be.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import recurring_ical_events
from django.utils.translation import gettext as _
from icalendar import Calendar

from backend.errors import DomainError
from backend.escaping import one_line
from backend.tokyo import TOKYO

from . import recurrence
from .models import Downtime

MAX_BYTES = 1024 * 1024
MAX_OCCURRENCES = 1000  # kept: occurrences touching the import window
# What expanding one file may cost, kept or not: days looked at (a daily rule over the window is ~1,500)…
MAX_EXPANSION_STEPS = 100_000
EXPANSION_SECONDS = 2.0  # …and time, a last guard well inside gunicorn's 30 s
TITLE_MAX = 200


class IcsRejected(DomainError):
    status = 400

    def __init__(self, code: str, message: str, **extra):
        super().__init__(code, message, field="file", **extra)


@dataclass(frozen=True)
class ImportedEvent:
    source_uid: str
    start: datetime
    end: datetime
    title: str
    cancelled: bool


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=TOKYO)
    if isinstance(value, date):
        return datetime.combine(value, time.min, tzinfo=TOKYO)
    raise TypeError(value)


def _end_of(event, start) -> datetime:
    if event.get("DTEND") is not None:
        return _moment(event.decoded("DTEND"))
    if event.get("DURATION") is not None:
        return start + event.decoded("DURATION")
    raw = event.decoded("DTSTART")
    return start + (timedelta(days=1) if isinstance(raw, date) and not isinstance(raw, datetime) else timedelta(0))


def _label(event) -> str:
    return str(event.get("UID") or event.get("SUMMARY") or "?")[:80]


def _check(event) -> recurrence.Rule | None:
    """One VEVENT as written in the file: readable, with a UID, a start and an end after the start but at most
    `Downtime.MAX_SPAN` later, and at most one recurrence rule, which we can expand (returned, parsed)."""
    label = _label(event)
    if getattr(event, "errors", None):
        name, problem = event.errors[0]
        raise IcsRejected(
            "ics_invalid_value",
            _("%(property)s of event %(event)s cannot be read: %(problem)s")
            % {"property": name, "event": label, "problem": problem},
        )
    if not event.get("UID"):
        raise IcsRejected("ics_missing_uid", _("An event has no UID (%(event)s).") % {"event": label})
    if event.get("DTSTART") is None:
        raise IcsRejected("ics_missing_start", _("Event %(event)s has no start (DTSTART).") % {"event": label})
    try:
        start = _moment(event.decoded("DTSTART"))
        end = _end_of(event, start)
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise IcsRejected(
            "ics_invalid_value",
            _("The times of event %(event)s cannot be read: %(problem)s") % {"event": label, "problem": exc},
        ) from None
    if end <= start:
        raise IcsRejected(
            "ics_end_before_start",
            _("Event %(event)s ends before it starts.") % {"event": label},
            uid=str(event.get("UID")),
        )
    if end - start > Downtime.MAX_SPAN:
        days = Downtime.MAX_SPAN.days
        raise IcsRejected(
            "ics_event_too_long",
            _("Event %(event)s is longer than %(days)d days, the longest downtime.") % {"event": label, "days": days},
            uid=str(event.get("UID")),
        )
    rules = event.get("RRULE")
    if rules is None:
        return None
    if isinstance(rules, list):
        if len(rules) > 1:
            raise IcsRejected(
                "ics_unsupported_rule",
                _("Event %(event)s has more than one RRULE.") % {"event": label},
            )
        rules = rules[0]
    try:
        return recurrence.parse_rule(rules, event.decoded("DTSTART"))
    except recurrence.RuleError as error:
        raise _refusal(error, label) from None


def _refusal(error: recurrence.RuleError, label: str) -> IcsRejected:
    return IcsRejected(error.code, _("Event %(event)s: %(problem)s.") % {"event": label, "problem": error.message})


def _expand_rules(checked, *, window_start: datetime, window_end: datetime, budget: recurrence.Budget) -> None:
    """Replace each RRULE by the RDATEs of its occurrences that can touch the window (those starting up to
    the event's length before it): the rest of the file's handling stays recurring-ical-events'."""
    for event, rule in checked:
        if rule is None:
            continue
        dtstart = event.decoded("DTSTART")
        start = _moment(dtstart)
        try:
            starts = recurrence.expand(
                rule,
                dtstart,
                after=window_start - (_end_of(event, start) - start),
                before=window_end,
                budget=budget,
                moment=_moment,
            )
        except recurrence.RuleError as error:
            raise _refusal(error, _label(event)) from None
        del event["RRULE"]
        if starts:
            event.add("RDATE", starts)


def parse_downtimes(data: bytes, *, window_start: datetime, window_end: datetime) -> list[ImportedEvent]:
    """The events of the file that touch [window_start, window_end), recurring ones expanded."""
    if len(data) > MAX_BYTES:
        raise IcsRejected("ics_too_large", _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        calendar = Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and friends on any malformed line
        raise IcsRejected(
            "ics_malformed", _("Not a valid iCalendar file: %(problem)s") % {"problem": str(exc)[:200]}
        ) from None
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        raise IcsRejected("ics_malformed", _("The file holds no VCALENDAR."))
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise IcsRejected("ics_no_events", _("The file holds no events."))
    try:
        budget = recurrence.Budget(steps=MAX_EXPANSION_STEPS, seconds=EXPANSION_SECONDS)
        checked = []
        for event in events:
            budget.spend(1)
            checked.append((event, _check(event)))
        recurring = {str(e["UID"]) for e in events if e.get("RRULE") is not None or e.get("RDATE") is not None}
        _expand_rules(checked, window_start=window_start, window_end=window_end, budget=budget)
        # One pass over what touches the window (RDATE, EXDATE, moved occurrences applied), in order of start.
        occurrences = recurring_ical_events.of(calendar).between(window_start, window_end)
        budget.spend(len(occurrences))
        if len(occurrences) > MAX_OCCURRENCES:
            raise IcsRejected(
                "ics_too_many_events",
                _("More than %(max)d occurrences.") % {"max": MAX_OCCURRENCES},
            )
        found: list[ImportedEvent] = []
        for occurrence in sorted(occurrences, key=lambda o: _moment(o.decoded("DTSTART"))):
            uid = str(occurrence["UID"])
            start = _moment(occurrence.decoded("DTSTART"))
            end = _end_of(occurrence, start)
            source_uid = f"{uid}#{start.astimezone(TOKYO):%Y%m%dT%H%M}" if uid in recurring else uid
            found.append(
                ImportedEvent(
                    source_uid=source_uid[:255],
                    start=start,
                    end=end,
                    title=one_line(occurrence.get("SUMMARY", ""))[:TITLE_MAX],  # a title is one line
                    cancelled=str(occurrence.get("STATUS", "")).upper() == "CANCELLED",
                )
            )
    except IcsRejected:
        raise
    except recurrence.RuleError as error:
        raise IcsRejected(error.code, _("The file: %(problem)s.") % {"problem": error.message}) from None
    except Exception as exc:  # a value or rule the libraries cannot follow
        raise IcsRejected(
            "ics_malformed", _("An event cannot be read or expanded: %(problem)s") % {"problem": str(exc)[:200]}
        ) from None
    return found
