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


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("送信待ち (queued)")
        SENDING = "sending", _("送信中 (sending)")
        SENT = "sent", _("送信済み (sent)")
        FAILED = "failed", _("送信失敗 (failed)")

    key = models.CharField(_("キー (key)"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        verbose_name=_("宛先利用者 (recipient)"),
    )
    to_email = models.EmailField(_("宛先 (to)"))
    subject = models.CharField(_("件名 (subject)"), max_length=255)
    body = models.TextField(_("本文 (body)"))
    attachments = models.JSONField(
        _("添付 (attachments)"), default=list, blank=True, help_text='[{"filename", "mimetype", "content"}] (text)'
    )
    status = models.CharField(_("状態 (status)"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("試行回数 (attempts)"), default=0)
    last_error = models.TextField(_("直近のエラー (last error)"), blank=True)
    next_attempt_at = models.DateTimeField(_("次回試行 (next attempt)"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The token of the claim under which the row is being sent: only that sender may put it back in the queue.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("送信日時 (sent at)"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時 (created at)"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知 (notification)")
        verbose_name_plural = _("通知 (notifications)")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]

    def __str__(self):
        return f"{self.to_email}: {self.subject} ({self.status})"
