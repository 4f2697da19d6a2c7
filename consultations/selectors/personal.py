"""What consultations hold about one person, for their personal-data download (accounts.personal_data)."""

from django.db.models import QuerySet

from consultations.models import Consultation, ExpertProfile, Message


def consultations_asked_by(user) -> QuerySet[Consultation]:
    """The consultations the person asked, oldest first."""
    return (
        Consultation.objects.filter(requester_id=user.pk)
        .select_related("consortium", "company")
        .order_by("created_at", "id")
    )


def messages_written_by(user) -> QuerySet[Message]:
    """The messages the person wrote in any consultation, oldest first."""
    return Message.objects.filter(author_id=user.pk).order_by("created_at", "id")


def expert_entry_of(user) -> ExpertProfile | None:
    """The person's expert-directory entry, if they keep one."""
    return ExpertProfile.objects.filter(user_id=user.pk).select_related("institution").first()
