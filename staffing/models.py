"""Operators (専門人材): who may run instruments for others, when they work, when they are away, and who lends whom.

An operator is a staff member of their home institution with an `Operator` row. They run an instrument for others
when they hold a valid `equipment.Qualification` for it and the instrument is their home institution's, or another
member institution's under a `LendingAgreement` both institutions have confirmed that names the instrument and is in
force that day. Their reserved time (bookings.Assignment) never overlaps: the guarantee lives beside the booking's.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consortia.models import Consortium, Institution
from consortia.validators import validate_name


class Operator(models.Model):
    """A staff member who runs instruments for others (技術職員). One row per person; the home institution is where
    they hold their staff role and whose staff admin manages their hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="operator", verbose_name=_("user")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="operators", verbose_name=_("home institution")
    )
    active = models.BooleanField(_("takes assignments"), default=True)
    # Consent to appear by name in the consortium's utilization report (otherwise counted without a name).
    named_in_reports = models.BooleanField(_("may be named in reports"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution_id", "id"]
        verbose_name = _("operator")
        verbose_name_plural = _("operators")

    def __str__(self):
        return str(self.user)


class WorkingHours(models.Model):
    """One stretch of an operator's weekly pattern: local Tokyo wall-clock times; a weekday may have several (a
    lunch break is two). Public holidays (祝日) are off whatever the pattern says."""

    WEEKDAYS = [
        (0, pgettext_lazy("weekday", "Monday")),
        (1, pgettext_lazy("weekday", "Tuesday")),
        (2, pgettext_lazy("weekday", "Wednesday")),
        (3, pgettext_lazy("weekday", "Thursday")),
        (4, pgettext_lazy("weekday", "Friday")),
        (5, pgettext_lazy("weekday", "Saturday")),
        (6, pgettext_lazy("weekday", "Sunday")),
    ]

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS, validators=[MaxValueValidator(6)])
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["operator_id", "weekday", "starts"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="working_hours_start_before_end"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="working_hours_weekday"),
        ]

    def __str__(self):
        return f"{self.operator}: {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Absence(models.Model):
    """A period the operator cannot be assigned (leave, business trip, training)."""

    MAX_SPAN = timedelta(days=366)  # as for downtime: longer is a typo or the end of the operator's service

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        TRIP = "trip", _("Business trip")
        TRAINING = "training", pgettext_lazy("absence kind", "Training")
        OTHER = "other", pgettext_lazy("absence kind", "Other")

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="absences")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LEAVE)
    title = models.CharField(pgettext_lazy("absence", "title"), max_length=200, blank=True, validators=[validate_name])
    source_uid = models.CharField(_("imported UID"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["operator_id", "start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        indexes = [models.Index(fields=["operator", "start", "end"], name="absence_operator_period")]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="absence_start_before_end"),
            models.UniqueConstraint(
                fields=["operator", "source_uid"], condition=~Q(source_uid=""), name="absence_unique_import_uid"
            ),
        ]

    def __str__(self):
        return f"{self.operator}: {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"


class LendingAgreement(models.Model):
    """The lender institution lends one of its operators to the borrower institution, for the borrower's named
    instruments, from `valid_from` to `valid_until` (dates, inclusive), inside one consortium both belong to. It is in
    force only once both sides have confirmed it (each through its institution's staff admin) and until it is ended.
    The borrower pays the lender `hourly_rate_jpy` (before tax) per hour operated: the monthly lent-hours statement."""

    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, related_name="lending_agreements", verbose_name=_("consortium")
    )
    lender = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="agreements_lending", verbose_name=_("lending institution")
    )
    borrower = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="agreements_borrowing",
        verbose_name=_("borrowing institution"),
    )
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("operator")
    )
    instruments = models.ManyToManyField(
        "equipment.Instrument", related_name="lending_agreements", verbose_name=_("instruments")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    hourly_rate_jpy = models.PositiveIntegerField(_("hourly rate between the institutions (JPY, before tax)"))
    note = models.TextField(_("note"), blank=True)
    lender_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lender_confirmed_at = models.DateTimeField(_("confirmed by the lender at"), null=True, blank=True)
    borrower_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    borrower_confirmed_at = models.DateTimeField(_("confirmed by the borrower at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("lending agreement")
        verbose_name_plural = _("lending agreements")
        constraints = [
            models.CheckConstraint(condition=Q(valid_from__lte=F("valid_until")), name="agreement_dates_in_order"),
            models.CheckConstraint(condition=~Q(lender=F("borrower")), name="agreement_between_two_institutions"),
        ]

    def __str__(self):
        return f"{self.operator}: {self.lender} → {self.borrower} ({self.valid_from}–{self.valid_until})"

    @property
    def confirmed(self) -> bool:
        return self.lender_confirmed_at is not None and self.borrower_confirmed_at is not None
