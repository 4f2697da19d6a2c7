"""Read downtime out of an iCalendar file (e.g. the institution's maintenance calendar export).

Pure parsing, no ORM: every VEVENT is checked first (a start, an end after it, readable values),
then recurring events are expanded (recurring-ical-events) over the import window. Any fault
refuses the whole file with an `IcsRejected` naming the event, so nothing is half-imported.
All-day events become whole Tokyo days; floating times are read as Tokyo time. A summary becomes the downtime's
title as one line (its line breaks and tabs spaces, control characters dropped), as a name typed here would be.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from backend.errors import DomainError
from backend.escaping import one_line

TOKYO = ZoneInfo("Asia/Tokyo")
MAX_BYTES = 1024 * 1024
MAX_OCCURRENCES = 1000
TOO_FREQUENT = {"SECONDLY", "MINUTELY", "HOURLY"}  # no maintenance recurs like that; expanding it is costly
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


def _check(event) -> None:
    """One VEVENT as written in the file: readable, with a UID, a start and an end after the start."""
    label = _label(event)
    if getattr(event, "errors", None):
        name, problem = event.errors[0]
        raise IcsRejected(
            "ics_invalid_value", f"予定「{label}」の {name} が読めません。 ({name} of event {label}: {problem})"
        )
    if not event.get("UID"):
        raise IcsRejected("ics_missing_uid", f"UIDのない予定があります（{label}）。 (An event has no UID.)")
    if event.get("DTSTART") is None:
        raise IcsRejected(
            "ics_missing_start", f"予定「{label}」に開始日時がありません。 (Event {label} has no DTSTART.)"
        )
    try:
        start = _moment(event.decoded("DTSTART"))
        end = _end_of(event, start)
    except (TypeError, ValueError, KeyError) as exc:
        raise IcsRejected("ics_invalid_value", f"予定「{label}」の日時が読めません。 (Event {label}: {exc})") from None
    rule = event.get("RRULE")
    if rule is not None and TOO_FREQUENT & {str(f).upper() for f in rule.get("FREQ", [])}:
        raise IcsRejected(
            "ics_too_many_events",
            f"予定「{label}」の繰り返しが細かすぎます（日単位以上にしてください）。 (Event {label} repeats more than daily.)",
        )
    if end <= start:
        raise IcsRejected(
            "ics_end_before_start",
            f"予定「{label}」の終了が開始より前です。 (Event {label} ends before it starts.)",
            uid=str(event.get("UID")),
        )


def parse_downtimes(data: bytes, *, window_start: datetime, window_end: datetime) -> list[ImportedEvent]:
    """The events of the file that touch [window_start, window_end), recurring ones expanded."""
    if len(data) > MAX_BYTES:
        raise IcsRejected("ics_too_large", "ファイルが大きすぎます（上限1MB）。 (The file is larger than 1 MB.)")
    try:
        calendar = Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and friends on any malformed line
        raise IcsRejected(
            "ics_malformed", f"iCalendar形式として読めません。 (Not a valid iCalendar file: {str(exc)[:200]})"
        ) from None
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        raise IcsRejected("ics_malformed", "VCALENDARがありません。 (The file holds no VCALENDAR.)")
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise IcsRejected("ics_no_events", "取り込む予定がありません。 (The file holds no events.)")
    for event in events:
        _check(event)
    recurring = {str(e["UID"]) for e in events if e.get("RRULE") is not None or e.get("RDATE") is not None}
    try:
        found: list[ImportedEvent] = []
        for occurrence in recurring_ical_events.of(calendar).after(window_start):  # in order of start
            uid = str(occurrence["UID"])
            start = _moment(occurrence.decoded("DTSTART"))
            if start >= window_end:
                break
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
            if len(found) > MAX_OCCURRENCES:
                raise IcsRejected(
                    "ics_too_many_events",
                    f"予定が多すぎます（上限{MAX_OCCURRENCES}件）。 (More than {MAX_OCCURRENCES} occurrences.)",
                )
    except IcsRejected:
        raise
    except Exception as exc:  # a rule the expander cannot follow
        raise IcsRejected(
            "ics_malformed", f"繰り返しの予定が読めません。 (A recurring event cannot be expanded: {str(exc)[:200]})"
        ) from None
    return found
