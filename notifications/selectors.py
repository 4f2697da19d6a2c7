"""Reads of the outbox."""

from django.db.models import QuerySet

from .models import Notification


def notifications_to(user) -> QuerySet[Notification]:
    """The e-mails queued or sent to the person, oldest first (for their personal-data download)."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("created_at", "id")
