"""iCalendar (RFC 5545) for bookings: subscription feeds and e-mail invitations (RFC 5546 iTIP).

One booking is one VEVENT with a stable UID (`<booking.uid>@kyoyo`) in every feed and invitation,
so calendar programs update the entry instead of adding a second one. SEQUENCE is the booking's
`sequence`, which every change increments; times are written in UTC (the human text names them in Tokyo time).
The words are in the active language: the feed owner's for the personal feed, the recipient's for an invitation,
the request's for the instrument's public feed and a booking's .ics. Text is escaped by the icalendar library:
every text value goes through `_text` and every parameter through `_param`, never into a hand-built line.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from icalendar import Calendar, Event, vCalAddress, vText

from backend.escaping import one_line, printable
from backend.i18n import long_datetime, span_end

from .models import Booking

PRODID = "-//Kyoyo//Shared instrument booking//EN"
UID_DOMAIN = "kyoyo"
STATUS = {
    Booking.Status.PENDING: "TENTATIVE",
    Booking.Status.APPROVED: "CONFIRMED",
    Booking.Status.COMPLETED: "CONFIRMED",
    Booking.Status.NO_SHOW: "CONFIRMED",
    Booking.Status.REJECTED: "CANCELLED",
    Booking.Status.CANCELLED: "CANCELLED",
    Booking.Status.EXPIRED: "CANCELLED",
}


def booking_uid(booking: Booking) -> str:
    return f"{booking.uid}@{UID_DOMAIN}"


def assignment_uid(assignment) -> str:
    """An operator's assignment: its own entry, apart from the booking's (`booking_uid`), one per assignment (a
    booking reassigned away and back is two entries, the first cancelled)."""
    return f"assignment-{assignment.pk}@{UID_DOMAIN}"


def downtime_uid(downtime) -> str:
    return f"downtime-{downtime.pk}@{UID_DOMAIN}"


def location_of(instrument) -> str:
    parts = (instrument.institution.localized_name, instrument.location)
    return pgettext("list separator", ", ").join(part for part in parts if part)


def _named(name: str, detail: str) -> str:
    """「走査電子顕微鏡（承認待ち）」 / "Scanning electron microscope (Pending)"."""
    return _("%(name)s (%(detail)s)") % {"name": name, "detail": detail}


def _when(booking: Booking) -> str:
    return _("Time (Tokyo): %(start)s–%(end)s") % {
        "start": long_datetime(booking.start),
        "end": span_end(booking.start, booking.end),
    }


def booking_url(booking: Booking) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/bookings/{booking.pk}/"


def _text(value) -> vText:
    """A TEXT value the library escapes (backslash, `;`, `,`, line breaks), without the control characters RFC 5545
    forbids. Typed explicitly: icalendar escapes SUMMARY or LOCATION by itself but writes X-WR-CALNAME as given, so a
    line break in an instrument's or a user's name broke the feed and the approval's invitation."""
    return vText(printable(value))


def _param(value) -> str:
    """A parameter value (CN): one line; the library quotes it and encodes what is left (RFC 6868)."""
    return one_line(value)


def _calendar(name: str, *, method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", _text(name))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def booking_event(booking: Booking, *, detailed: bool, stamp: datetime | None = None) -> Event:
    """The VEVENT of a booking. `detailed` adds company, purpose and sample: only for people who may
    see them (the requester's company, the institution's staff)."""
    instrument = booking.instrument
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", _utc(stamp or booking.updated_at))
    event.add("last-modified", _utc(booking.updated_at))
    event.add("created", _utc(booking.created_at))
    event.add("sequence", booking.sequence)
    event.add("dtstart", _utc(booking.start))
    event.add("dtend", _utc(booking.end))
    event.add("status", STATUS[booking.status])
    event.add("transp", "OPAQUE")
    event.add("location", _text(location_of(instrument)))
    if detailed:
        event.add("summary", _text(_named(instrument.localized_name, booking.get_status_display())))
        lines = [_when(booking), _("Usage mode: %(mode)s") % {"mode": booking.get_mode_display()}]
        if booking.company_id:
            lines.append(_("Company: %(company)s") % {"company": booking.company.name})
        if booking.purpose:
            lines.append(_("Purpose: %(purpose)s") % {"purpose": booking.purpose})
        if booking.sample:
            lines.append(_("Sample: %(sample)s") % {"sample": booking.sample})
        lines.append(booking_url(booking))
        event.add("description", _text("\n".join(lines)))
        event.add("url", booking_url(booking))
    else:
        event.add("summary", _text(_("%(instrument)s: booked") % {"instrument": instrument.localized_name}))
        event.add("class", "PRIVATE")
    return event


def schedule_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/operator/schedule/"


def assignment_event(assignment, *, details: bool) -> Event:
    """The VEVENT of an operator's assignment, over the time they are reserved (the booking's with the operator
    buffer): the instrument and the requester's company in SUMMARY, the place in LOCATION; purpose and sample only
    with `details` (not for a confidential booking's lent operator: docs/operators.md). Released, or its booking no
    longer held: CANCELLED, one SEQUENCE on, so that subscribed calendars drop it."""
    booking = assignment.booking
    instrument = booking.instrument
    ended = assignment.released_at is not None or booking.status not in (
        Booking.Status.APPROVED,
        Booking.Status.COMPLETED,
    )
    who = booking.company.name if booking.company_id else booking.requester.display_name
    event = Event()
    event.add("uid", assignment_uid(assignment))
    changed = max(assignment.released_at or assignment.assigned_at, booking.updated_at)
    event.add("dtstamp", _utc(changed))
    event.add("last-modified", _utc(changed))
    event.add("created", _utc(assignment.assigned_at))
    event.add("sequence", booking.sequence + (1 if ended else 0))
    event.add("dtstart", _utc(assignment.hold_start))
    event.add("dtend", _utc(assignment.hold_end))
    event.add("status", "CANCELLED" if ended else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("location", _text(location_of(instrument)))
    event.add(
        "summary", _text(_("Operate %(instrument)s: %(who)s") % {"instrument": instrument.localized_name, "who": who})
    )
    lines = [_when(booking), _("Usage mode: %(mode)s") % {"mode": booking.get_mode_display()}]
    if assignment.lent:
        lines.append(_("Lent to %(institution)s") % {"institution": instrument.institution.localized_name})
    if details and booking.purpose:
        lines.append(_("Purpose: %(purpose)s") % {"purpose": booking.purpose})
    if details and booking.sample:
        lines.append(_("Sample: %(sample)s") % {"sample": booking.sample})
    lines.append(schedule_url())
    event.add("description", _text("\n".join(lines)))
    event.add("url", schedule_url())
    return event


def downtime_event(downtime) -> Event:
    event = Event()
    event.add("uid", downtime_uid(downtime))
    event.add("dtstamp", _utc(downtime.created_at))
    event.add("sequence", 0)
    event.add("dtstart", _utc(downtime.start))
    event.add("dtend", _utc(downtime.end))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    summary = f"{downtime.instrument.localized_name} {downtime.get_kind_display()}"
    event.add("summary", _text(f"{summary}: {downtime.title}" if downtime.title else summary))
    event.add("location", _text(location_of(downtime.instrument)))
    return event


def instrument_feed(instrument, bookings, downtimes) -> bytes:
    """Busy time of one instrument: holding bookings and downtime, without who or why."""
    calendar = _calendar(_named(instrument.localized_name, instrument.institution.localized_name))
    for booking in bookings:
        calendar.add_component(booking_event(booking, detailed=False))
    for downtime in downtimes:
        calendar.add_component(downtime_event(downtime))
    return calendar.to_ical()


def personal_feed(name: str, bookings, assignments=(), *, details=lambda booking: True) -> bytes:
    """The user's bookings, and as an operator their assignments (`details(booking)`: whether purpose and sample
    may be written into an assignment's entry)."""
    calendar = _calendar(name)
    for booking in bookings:
        calendar.add_component(booking_event(booking, detailed=True))
    for assignment in assignments:
        calendar.add_component(assignment_event(assignment, details=details(assignment.booking)))
    return calendar.to_ical()


def invitation(booking: Booking, *, method: str, attendee) -> bytes:
    """An iTIP message for e-mail: METHOD:REQUEST on approval or change, METHOD:CANCEL on cancellation."""
    assert method in ("REQUEST", "CANCEL")
    calendar = _calendar(booking.instrument.localized_name, method=method)
    event = booking_event(booking, detailed=True, stamp=timezone.now())
    if method == "CANCEL":
        event["status"] = "CANCELLED"
    organizer = vCalAddress(f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}")
    organizer.params["cn"] = _param(booking.instrument.institution.localized_name)
    event.add("organizer", organizer)
    guest = vCalAddress(f"mailto:{attendee.email}")
    guest.params["cn"] = _param(attendee.display_name)
    guest.params["role"] = "REQ-PARTICIPANT"
    guest.params["partstat"] = "ACCEPTED"
    event.add("attendee", guest)
    calendar.add_component(event)
    return calendar.to_ical()


def _address(from_header: str) -> str:
    """'Kyoyo <noreply@x>' → 'noreply@x'."""
    return from_header.rsplit("<", 1)[-1].rstrip(">").strip()
