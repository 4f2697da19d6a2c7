"""The usage-report reminders: to the booking's requester and the company's admins, each once (outbox keys)."""

from django.conf import settings

from consortia.models import Role, User
from notifications.services import notify_once

TEMPLATES = "usage_reports/email"


def company_contacts(booking) -> list[User]:
    """The requester and the company's admins (active, with an address), each once."""
    people = {booking.requester_id: booking.requester}
    for user in User.objects.filter(
        is_active=True, roles__kind=Role.Kind.COMPANY_ADMIN, roles__company_id=booking.company_id
    ).order_by("id"):
        people.setdefault(user.pk, user)
    return [user for user in people.values() if user.is_active]


def remind(booking, *, kind: str, due, today) -> int:
    """kind: 'before' the deadline or 'after' it. Returns how many e-mails were newly queued."""
    context = {
        "booking": booking,
        "instrument": booking.instrument,
        "institution": booking.instrument.institution,
        "company": booking.company,
        "due": due,
        "days_left": (due - today).days,
        "url": f"{settings.SITE_URL.rstrip('/')}/usage-reports/{booking.pk}/",
    }
    queued = 0
    for user in company_contacts(booking):
        key = f"usage-report:{booking.pk}:{kind}:to:{user.pk}"
        queued += notify_once(key=key, recipient=user, template=f"{TEMPLATES}/reminder_{kind}", context=context)
    return queued
