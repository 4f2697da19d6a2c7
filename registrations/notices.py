"""Which e-mails a registration or join request owes, and to whom; called by the services inside their transaction.

Each goes through the outbox (notifications.services.notify) under a key naming the row, the event and the
recipient, rendered in the recipient's language. A requester to join a company learns nothing of it but its name.
"""

from django.conf import settings

from notifications.services import notify

from . import selectors
from .models import CompanyRegistration, JoinRequest

TEMPLATES = "registrations/email"


def _url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def registration_received(registration: CompanyRegistration) -> None:
    """The people who may decide a new registration learn of it."""
    context = {"registration": registration, "url": _url(f"/registrations/{registration.pk}/")}
    for user in selectors.deciders_of(registration):
        notify(
            key=f"registration:{registration.pk}:received:to:{user.pk}",
            recipient=user,
            template=f"{TEMPLATES}/registration_received",
            context={**context, "recipient": user},
        )


def registration_decided(registration: CompanyRegistration) -> None:
    """The applicant learns the decision (and the reason of a refusal)."""
    notify(
        key=f"registration:{registration.pk}:{registration.status}:to:{registration.applicant_id}",
        recipient=registration.applicant,
        template=f"{TEMPLATES}/registration_{registration.status}",
        context={"registration": registration, "url": _url("/register/company/")},
    )


def join_request_received(join_request: JoinRequest) -> None:
    """The company's admins learn that someone asks to join it."""
    context = {"join_request": join_request, "url": _url("/company/join-requests/")}
    for user in selectors.company_admins_of(join_request.company_id):
        notify(
            key=f"join_request:{join_request.pk}:received:to:{user.pk}",
            recipient=user,
            template=f"{TEMPLATES}/join_request_received",
            context={**context, "recipient": user},
        )


def join_request_decided(join_request: JoinRequest) -> None:
    """The requester learns the decision (and the reason of a refusal)."""
    notify(
        key=f"join_request:{join_request.pk}:{join_request.status}:to:{join_request.user_id}",
        recipient=join_request.user,
        template=f"{TEMPLATES}/join_request_{join_request.status}",
        context={"join_request": join_request, "url": _url("/")},
    )
