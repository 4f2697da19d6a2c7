"""The e-mail outbox: every notification is a row first, an e-mail second.

A row is written in the same transaction as the change it reports, under a unique `key` that names
the event and the recipient, so repeating the event cannot queue a second e-mail. Delivery claims
the row with a conditional update (queued → sending, under a new `claim` token) and only the claimer
sends, then records `sent` at once; a row whose Celery task never ran (broker down) is picked up by
the periodic drain.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("notification status", "Queued")
        SENDING = "sending", pgettext_lazy("notification status", "Sending")
        SENT = "sent", pgettext_lazy("notification status", "Sent")
        FAILED = "failed", pgettext_lazy("notification status", "Failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    to_email = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True, help_text=_('[{"filename", "mimetype", "content"}] (text)')
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The token of the claim under which the row is being sent: only that sender may put it back in the queue.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]

    def __str__(self):
        return f"{self.to_email}: {self.subject} ({self.status})"
