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


def _tell_each(people, *, key: str, template: str, context: dict) -> None:
    for user in people:
        notify(
            key=f"{key}:to:{user.pk}",
            recipient=user,
            template=f"{TEMPLATES}/{template}",
            context={**context, "recipient": user},
        )


def registration_received(registration: CompanyRegistration) -> None:
    """The people who may decide a new registration learn of it."""
    _tell_each(
        selectors.deciders_of(registration),
        key=f"registration:{registration.pk}:received",
        template="registration_received",
        context={"registration": registration, "url": _url(f"/registrations/{registration.pk}/")},
    )


def registration_decided(registration: CompanyRegistration) -> None:
    """The applicant learns the decision (and the reason of a refusal)."""
    _tell_each(
        [registration.applicant],
        key=f"registration:{registration.pk}:{registration.status}",
        template=f"registration_{registration.status}",
        context={"registration": registration, "url": _url("/register/company/")},
    )


def join_request_received(join_request: JoinRequest) -> None:
    """The company's admins learn that someone asks to join it."""
    _tell_each(
        selectors.company_admins_of(join_request.company_id),
        key=f"join_request:{join_request.pk}:received",
        template="join_request_received",
        context={"join_request": join_request, "url": _url("/company/join-requests/")},
    )


def join_request_decided(join_request: JoinRequest) -> None:
    """The requester learns the decision (and the reason of a refusal)."""
    _tell_each(
        [join_request.user],
        key=f"join_request:{join_request.pk}:{join_request.status}",
        template=f"join_request_{join_request.status}",
        context={"join_request": join_request, "url": _url("/")},
    )
