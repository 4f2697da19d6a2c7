"""Which e-mails a consultation event owes, and to whom. Called by the services inside their transaction.

Each message goes through the outbox under a key naming the event and the recipient, so nothing is queued
twice. A confidential consultation's e-mails name only its number: neither its title nor its text nor a
message body leaves the site, where only the company, the coordinators and the referred staff can read them.
"""

from django.conf import settings

from consortia.models import Role, User
from consortia.selectors import users_with_role
from notifications.services import notify

from .models import Consultation, Message, Referral

TEMPLATES = "consultations/email"


def consultation_url(consultation: Consultation) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/consultations/{consultation.pk}/"


def context_of(consultation: Consultation, **extra) -> dict:
    return {
        "consultation": consultation,
        "company": consultation.company,
        "consortium": consultation.consortium,
        "show_text": not consultation.confidential,
        "url": consultation_url(consultation),
        **extra,
    }


def coordinators_of(consultation: Consultation) -> list[User]:
    return list(users_with_role(Role.Kind.COORDINATOR, consortium_id=consultation.consortium_id))


def staff_of_institutions(institution_ids) -> list[User]:
    return list(
        User.objects.filter(is_active=True, roles__kind=Role.Kind.STAFF, roles__institution_id__in=institution_ids)
        .distinct()
        .order_by("id")
    )


def consultation_received(consultation: Consultation) -> int:
    """The consortium's coordinators learn of a new consultation."""
    context = context_of(consultation)
    return sum(
        bool(
            notify(
                key=f"consultation:{consultation.pk}:received:to:{user.pk}",
                recipient=user,
                template=f"{TEMPLATES}/received",
                context=context,
            )
        )
        for user in coordinators_of(consultation)
    )


def referred(referral: Referral) -> None:
    """The referred institution's staff get the consultation; the requester learns where it went."""
    consultation = referral.consultation
    context = context_of(consultation, referral=referral, institution=referral.institution)
    for user in staff_of_institutions([referral.institution_id]):
        notify(
            key=f"referral:{referral.pk}:to:{user.pk}",
            recipient=user,
            template=f"{TEMPLATES}/referred_staff",
            context=context,
        )
    notify(
        key=f"referral:{referral.pk}:requester:{consultation.requester_id}",
        recipient=consultation.requester,
        template=f"{TEMPLATES}/referred_company",
        context=context,
    )


def message_posted(message: Message, referred_institution_ids) -> None:
    """Everyone in the thread but the author: the requester, the coordinators, the referred staff."""
    consultation = message.consultation
    recipients = {consultation.requester_id: consultation.requester}
    for user in coordinators_of(consultation) + staff_of_institutions(referred_institution_ids):
        recipients.setdefault(user.pk, user)
    context = context_of(consultation, message=message)
    for user_id, user in recipients.items():
        if user_id == message.author_id:
            continue
        notify(
            key=f"consultation-message:{message.pk}:to:{user_id}",
            recipient=user,
            template=f"{TEMPLATES}/message",
            context=context,
        )


def unreferred_reminder(consultation: Consultation, coordinators: list[User], *, due_at) -> int:
    """Once per consultation and coordinator (the key says so; the task also claims the consultation)."""
    context = context_of(consultation, due_at=due_at)
    return sum(
        bool(
            notify(
                key=f"consultation:{consultation.pk}:unreferred-reminder:to:{user.pk}",
                recipient=user,
                template=f"{TEMPLATES}/reminder",
                context=context,
            )
        )
        for user in coordinators
    )
