"""Which e-mails a booking event owes, to whom, with which calendar invitation.

Called by the services inside their transaction (explicitly, not by signals); the outbox queues
each message under a key naming the event and the recipient, so nothing is ever sent twice.
"""

from datetime import datetime, timedelta

from django.utils import translation

from backend.language import language_of
from backend.tokyo import TOKYO
from consortia.models import Role
from consortia.selectors import users_with_role
from notifications.services import Attachment, Message, notify_new, notify_once
from staffing.models import Operator

from . import calendar
from .models import Booking, BookingEvent

TEMPLATES = "bookings/email"


def staff_of(booking: Booking):
    return list(users_with_role(Role.Kind.STAFF, institution_id=booking.instrument.institution_id))


def context_of(booking: Booking, event: BookingEvent | None = None) -> dict:
    return {
        "booking": booking,
        "instrument": booking.instrument,
        "institution": booking.instrument.institution,
        "start": booking.start.astimezone(TOKYO),
        "end": booking.end.astimezone(TOKYO),
        "event": event,
        "reason": event.reason if event else "",
        "url": calendar.booking_url(booking),
        "change": change_of(event),
    }


def change_of(event: BookingEvent | None) -> dict | None:
    """The staff change an event answered (bookings.disruptions), its times read back in Tokyo time; or None."""
    because = (event.data or {}).get("because") if event else None
    if not because:
        return None
    return {
        **because,
        **{k: datetime.fromisoformat(because[k]).astimezone(TOKYO) for k in ("start", "end") if because.get(k)},
    }


def _invitation(booking: Booking, method: str, recipient) -> list[Attachment]:
    """The calendar invitation, in the recipient's language like the e-mail it goes with."""
    with translation.override(language_of(recipient)):
        content = calendar.invitation(booking, method=method, attendee=recipient).decode()
    return [
        Attachment(filename="invite.ics", mimetype=f"text/calendar; method={method}; charset=UTF-8", content=content)
    ]


# Why an operator's assignment ended, by the event that ended it (the operator's e-mail says which).
RELEASED_BY = {"reassign": "reassigned", "cancel": "cancelled", "no_show": "no_show", "propose": "moved"}


def operator_mails(event: BookingEvent) -> list[tuple]:
    """(user, template, None) for the operators an event assigned or released (docs/operators.md): the one assigned
    is told so, the one released is told why. Nobody is told of what they did themselves (staff approving with
    themselves as operator)."""
    data = event.data or {}
    mails = []
    for key, template in (("operator", "operator_assigned"), ("released_operator", "operator_released")):
        if data.get(key):
            mails.append((data[key], template))
    if not mails:
        return []
    users = {o.pk: o.user for o in Operator.objects.filter(pk__in=[pk for pk, _ in mails]).select_related("user")}
    return [(users[pk], template, None) for pk, template in mails if pk in users and users[pk].pk != event.actor_id]


def recipients_of(event: BookingEvent) -> list[tuple]:
    """(user, template, invitation method or None) for each e-mail the event owes: the booking's own, then the
    operators'. One e-mail per person and event: an operator who already gets the booking's e-mail as the
    institution's staff (a requester's cancellation) is told there, not twice."""
    to_booking = _booking_recipients(event)
    told = {user.pk for user, _, _ in to_booking}
    return to_booking + [mail for mail in operator_mails(event) if mail[0].pk not in told]


def _booking_recipients(event: BookingEvent) -> list[tuple]:
    booking, action = event.booking, event.action
    requester = booking.requester

    def staff(template):
        return [(user, template, None) for user in staff_of(booking) if user.pk != event.actor_id]

    if action == "request":
        return staff("requested")
    if action == "approve":
        return [(requester, "approved", "REQUEST")]
    if action == "accept":  # the requester took the counter-proposal: confirmed to them, told to staff
        return [(requester, "approved", "REQUEST"), *staff("accepted")]
    if action in ("reject", "propose", "expire"):
        return [(requester, {"reject": "rejected", "propose": "proposed", "expire": "expired"}[action], None)]
    if action == "disrupted":  # kept despite a staff change: the requester is told what changed
        return [(requester, "disrupted", None)]
    if action == "decline":
        return staff("declined")
    if action == "cancel":  # the requester always gets the CANCEL, so their calendar drops the entry
        by_requester = event.actor_id == booking.requester_id
        return [(requester, "cancelled", "CANCEL"), *(staff("cancelled_by_requester") if by_requester else [])]
    return []  # complete, no_show: nothing to tell


def operator_context(booking: Booking, operator_user) -> dict:
    """What an operator's e-mail shows besides the booking: the requester's company, and purpose and sample as an
    assigned operator sees them (not a confidential booking's when they are not staff of its institution: lent)."""
    staff_there = any(user.pk == operator_user.pk for user in staff_of(booking))
    return {
        "company": booking.company,
        "location": booking.instrument.location,
        "shows_purpose": staff_there or not booking.confidential,
        "shows_url": staff_there,
        "release_reason": "",
    }


def announce(event: BookingEvent) -> None:
    """Queue the e-mails one booking event owes."""
    booking = event.booking
    context = context_of(booking, event)
    released_because = RELEASED_BY.get(event.action, "")
    notify_new(
        [
            Message(
                key=f"booking-event:{event.pk}:to:{recipient.pk}",  # new: the event was created just now
                recipient=recipient,
                template=f"{TEMPLATES}/{template}",
                context={**context, **operator_context(booking, recipient), "release_reason": released_because}
                if template.startswith("operator_")
                else context,
                attachments=tuple(_invitation(booking, method, recipient)) if method else (),
            )
            for recipient, template, method in recipients_of(event)
        ]
    )


def tomorrow_window(now: datetime) -> tuple[datetime, datetime]:
    today = now.astimezone(TOKYO).date()
    start = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=TOKYO)
    return start, start + timedelta(days=1)


def send_reminders(*, now: datetime) -> int:
    """The day-before reminder of every approved booking starting tomorrow (Tokyo), to the requester
    and the instrument's staff who want reminders (User.receives_reminders); once per booking and person whenever
    it runs."""
    start, end = tomorrow_window(now)
    bookings = Booking.objects.filter(status=Booking.Status.APPROVED, start__gte=start, start__lt=end).select_related(
        "instrument__institution", "requester", "company"
    )
    queued = 0
    for booking in bookings:
        day = booking.start.astimezone(TOKYO).date().isoformat()
        for recipient, template in [(booking.requester, "reminder")] + [
            (u, "reminder_staff") for u in staff_of(booking)
        ]:
            if not recipient.receives_reminders:  # optional (the account page); changes to bookings are not
                continue
            queued += notify_once(
                key=f"booking:{booking.pk}:reminder:{day}:to:{recipient.pk}",
                recipient=recipient,
                template=f"{TEMPLATES}/{template}",
                context=context_of(booking),
            )
    return queued


def send_digests(*, now: datetime) -> int:
    """Each morning, each institution's staff who want digests (User.receives_digests) get one list of the
    requests still undecided."""
    today = now.astimezone(TOKYO).date()
    pending = (
        Booking.objects.filter(status=Booking.Status.PENDING)
        .select_related("instrument", "company", "requester")
        .order_by("created_at", "id")
    )
    by_institution: dict[int, list[Booking]] = {}
    for booking in pending:
        by_institution.setdefault(booking.instrument.institution_id, []).append(booking)
    queued = 0
    for institution_id, bookings in by_institution.items():
        for user in users_with_role(Role.Kind.STAFF, institution_id=institution_id).filter(receives_digests=True):
            queued += notify_once(
                key=f"digest:{institution_id}:{today.isoformat()}:to:{user.pk}",
                recipient=user,
                template=f"{TEMPLATES}/digest",
                context={"bookings": bookings, "day": today, "count": len(bookings)},
            )
    return queued
