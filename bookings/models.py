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
from django.utils.translation import pgettext_lazy

from consortia.models import Company
from equipment.models import Instrument, UsageMode, UserCategory
from staffing.models import Operator

# The longest text a booking's free-text fields take (purpose, sample, the reasons of its verbs): the service refuses
# beyond it, and the request form, the action forms and the API serializers read it from here (STYLE 16).
TEXT_MAX = 4000
# An idempotency key (the API's `Idempotency-Key` header, the request form's one-time token): printable ASCII.
REQUEST_KEY_MAX = 100


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("booking status", "Pending")
        APPROVED = "approved", pgettext_lazy("booking status", "Approved")
        COMPLETED = "completed", pgettext_lazy("booking status", "Completed")
        REJECTED = "rejected", pgettext_lazy("booking status", "Rejected")
        CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")
        EXPIRED = "expired", pgettext_lazy("booking status", "Expired")
        NO_SHOW = "no_show", pgettext_lazy("booking status", "No-show")

    HOLDING = (Status.PENDING, Status.APPROVED)
    # Not stored: True on the booking `services.request_booking` answers a request it had already made (same
    # idempotency key, or the same request again), so the API says 200 rather than 201 and the page names it.
    replayed = False

    uid = models.UUIDField(_("UID"), default=uuid.uuid4, unique=True, editable=False)
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("instrument")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("requester"),
    )
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("company"),
    )
    user_category = models.CharField(_("user category"), max_length=20, choices=UserCategory.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    hold_start = models.DateTimeField(_("held from (set-up included)"), editable=False)
    hold_end = models.DateTimeField(_("held until (clean-up included)"), editable=False)
    mode = models.CharField(_("usage mode"), max_length=20, choices=UsageMode.choices)
    purpose = models.TextField(_("purpose"), blank=True)
    sample = models.TextField(_("sample"), blank=True)
    confidential = models.BooleanField(_("results not to be published"), default=False)
    # Assisted and commissioned requests may name the operator they would like; approval assigns one (Assignment).
    preferred_operator = models.ForeignKey(
        Operator,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("preferred operator"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    consumables = models.JSONField(
        _("consumables"), default=list, blank=True, help_text='[{"label", "quantity", "unit_price_jpy"}]'
    )
    quote = models.JSONField(_("quote"), default=dict)
    quote_fixed_at = models.DateTimeField(_("price fixed at"), null=True, blank=True)
    proposal_pending = models.BooleanField(_("counter-proposal awaiting an answer"), default=False)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("decide by"))
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: grows on every change")
    # The requester's idempotency key and a digest of what they asked with it: the same key again answers this
    # booking (the same digest) or a refusal (another digest), never a second booking. Unique per requester.
    # Empty by default in the database too, so bulk writers that know nothing of keys (the bench) need not name them.
    request_key = models.CharField(max_length=REQUEST_KEY_MAX, blank=True, default="", db_default="", editable=False)
    request_digest = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
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
            models.UniqueConstraint(
                fields=["requester", "request_key"],
                condition=~Q(request_key=""),
                name="booking_request_key_once",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.instrument} {self.start:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_holding(self) -> bool:
        return self.status in self.HOLDING


class Assignment(models.Model):
    """An operator reserved for an approved assisted or commissioned booking, for [hold_start, hold_end): the
    booking's time widened by the instrument's operator buffer (or its set-up and clean-up). An assignment is in force
    until released (the booking cancelled, moved back to pending, a no-show, or another operator assigned); a completed
    booking keeps its assignment, which the contribution records count.

    The guarantee: on PostgreSQL an exclusion constraint (migration 0011) forbids two assignments in force of one
    operator to overlap, across instruments and institutions; on SQLite the services' check runs inside the serialised
    write transaction, as for bookings.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="assignments")
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="assignments")
    hold_start = models.DateTimeField(_("reserved from"))
    hold_end = models.DateTimeField(_("reserved until"))
    # Lent: the operator's home institution is not the instrument's; the agreement in force when assigned.
    agreement = models.ForeignKey(
        "staffing.LendingAgreement", null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_reason = models.CharField(_("why released"), max_length=30, blank=True)

    class Meta:
        ordering = ["hold_start", "id"]
        verbose_name = _("operator assignment")
        verbose_name_plural = _("operator assignments")
        indexes = [models.Index(fields=["operator", "hold_start", "hold_end"], name="assignment_operator_hold")]
        constraints = [
            models.CheckConstraint(condition=Q(hold_start__lt=F("hold_end")), name="assignment_start_before_end"),
            models.UniqueConstraint(
                fields=["booking"], condition=Q(released_at__isnull=True), name="assignment_one_in_force"
            ),
        ]

    def __str__(self):
        return f"{self.operator} → #{self.booking_id} {self.hold_start:%Y-%m-%d %H:%M}"

    @property
    def in_force(self) -> bool:
        return self.released_at is None

    @property
    def lent(self) -> bool:
        return self.agreement_id is not None


class BookingEvent(models.Model):
    """One transition of a booking: who, when, from, to, why. Never edited or deleted."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["booking_id", "at", "id"]
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")

    ACTION_LABELS = {
        "request": pgettext_lazy("booking event", "Requested"),
        "approve": pgettext_lazy("booking event", "Approved"),
        "reject": pgettext_lazy("booking event", "Rejected"),
        "propose": pgettext_lazy("booking event", "Another time proposed"),
        "accept": pgettext_lazy("booking event", "Proposal accepted"),
        "decline": pgettext_lazy("booking event", "Proposal declined"),
        "cancel": pgettext_lazy("booking event", "Cancelled"),
        "expire": pgettext_lazy("booking event", "Expired"),
        "complete": pgettext_lazy("booking event", "Use recorded"),
        "no_show": pgettext_lazy("booking event", "No-show"),
        "consumables": pgettext_lazy("booking event", "Consumables set"),
        "disrupted": pgettext_lazy("booking event", "Kept despite a staff change"),
        "reassign": pgettext_lazy("booking event", "Operator reassigned"),
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
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return _("calendar feed of %(user)s") % {"user": self.user}
