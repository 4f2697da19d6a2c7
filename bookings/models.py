"""Bookings: requests, decisions and the no-double-booking guarantee.

A pending or approved booking *holds* [hold_start, hold_end) = its slot widened by the instrument's
set-up and clean-up buffers. On PostgreSQL an exclusion constraint (migration 0002) forbids two
holding bookings of one instrument to overlap; on SQLite the services' check runs inside a
serialised write transaction (settings: transaction_mode IMMEDIATE).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from consortia.models import Company
from equipment.models import Instrument, UsageMode, UserCategory


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("承認待ち (pending)")
        APPROVED = "approved", _("承認済み (approved)")
        COMPLETED = "completed", _("利用完了 (completed)")
        REJECTED = "rejected", _("却下 (rejected)")
        CANCELLED = "cancelled", _("取消 (cancelled)")
        EXPIRED = "expired", _("期限切れ (expired)")
        NO_SHOW = "no_show", _("無断不使用 (no-show)")

    HOLDING = (Status.PENDING, Status.APPROVED)

    uid = models.UUIDField(_("UID"), default=uuid.uuid4, unique=True, editable=False)
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("機器 (instrument)")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("申請者 (requester)"),
    )
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("企業 (company)"),
    )
    user_category = models.CharField(_("利用者区分 (user category)"), max_length=20, choices=UserCategory.choices)
    start = models.DateTimeField(_("開始 (start)"))
    end = models.DateTimeField(_("終了 (end)"))
    hold_start = models.DateTimeField(_("確保開始（準備含む） (held from)"), editable=False)
    hold_end = models.DateTimeField(_("確保終了（片付け含む） (held until)"), editable=False)
    mode = models.CharField(_("利用形態 (usage mode)"), max_length=20, choices=UsageMode.choices)
    purpose = models.TextField(_("利用目的 (purpose)"), blank=True)
    sample = models.TextField(_("試料 (sample)"), blank=True)
    confidential = models.BooleanField(_("成果非公開 (results not to be published)"), default=False)
    status = models.CharField(_("状態 (status)"), max_length=20, choices=Status.choices, default=Status.PENDING)
    consumables = models.JSONField(
        _("消耗品 (consumables)"), default=list, blank=True, help_text='[{"label", "quantity", "unit_price_jpy"}]'
    )
    quote = models.JSONField(_("見積 (quote)"), default=dict)
    quote_fixed_at = models.DateTimeField(_("料金確定日時 (price fixed at)"), null=True, blank=True)
    proposal_pending = models.BooleanField(_("変更提案の回答待ち (counter-proposal awaiting answer)"), default=False)
    decision_reason = models.TextField(_("判断理由 (reason)"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("承認期限 (decide by)"))
    actual_start = models.DateTimeField(_("実利用開始 (actual start)"), null=True, blank=True)
    actual_end = models.DateTimeField(_("実利用終了 (actual end)"), null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: grows on every change")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("予約 (booking)")
        verbose_name_plural = _("予約 (bookings)")
        indexes = [
            models.Index(fields=["instrument", "hold_start", "hold_end"], name="booking_instrument_hold"),
            models.Index(fields=["status", "expires_at"], name="booking_status_expiry"),
            # reports: an institution's instruments' bookings of a status in a period (without it, SQLite walked
            # the status index through every completed booking in the database; docs/benchmarks.md)
            models.Index(fields=["instrument", "status", "start"], name="booking_instr_status_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="booking_start_before_end"),
            models.CheckConstraint(
                condition=Q(hold_start__lte=F("start")) & Q(hold_end__gte=F("end")), name="booking_hold_covers_slot"
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_end__isnull=True)
                | Q(actual_start__lt=F("actual_end")),
                name="booking_actual_start_before_end",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.instrument} {self.start:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_holding(self) -> bool:
        return self.status in self.HOLDING


class BookingEvent(models.Model):
    """One transition of a booking: who, when, from, to, why. Never edited or deleted."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(_("操作 (action)"), max_length=30)
    from_status = models.CharField(_("変更前 (from)"), max_length=20, blank=True)
    to_status = models.CharField(_("変更後 (to)"), max_length=20)
    reason = models.TextField(_("理由 (reason)"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("日時 (at)"), auto_now_add=True)

    class Meta:
        ordering = ["booking_id", "at", "id"]
        verbose_name = _("予約履歴 (booking event)")
        verbose_name_plural = _("予約履歴 (booking events)")

    ACTION_LABELS = {
        "request": _("申請 (requested)"),
        "approve": _("承認 (approved)"),
        "reject": _("却下 (rejected)"),
        "propose": _("日時変更の提案 (another time proposed)"),
        "accept": _("提案を承諾 (proposal accepted)"),
        "decline": _("提案を辞退 (proposal declined)"),
        "cancel": _("取消 (cancelled)"),
        "expire": _("期限切れ (expired)"),
        "complete": _("利用実績の記録 (use recorded)"),
        "no_show": _("無断不使用 (no-show)"),
        "consumables": _("消耗品の設定 (consumables set)"),
    }

    def __str__(self):
        return f"#{self.booking_id} {self.from_status}→{self.to_status} ({self.action})"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private calendar-subscription address. The token is the only key, so it is long and
    random; rotating it replaces it, and the old address answers 404 from then on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    rotated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("カレンダー配信 (calendar feed)")
        verbose_name_plural = _("カレンダー配信 (calendar feeds)")

    def __str__(self):
        return f"calendar feed of {self.user}"
