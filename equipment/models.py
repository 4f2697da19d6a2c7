"""Instruments and what belongs to them: opening hours, rates, manuals, photos, downtime, qualifications."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from backend.errors import DomainError
from backend.i18n import LocalizedName, yen
from backend.plumbing import require_aware, require_in_range, require_order
from consortia.models import Institution
from consortia.validators import validate_name

from .text import normalize_for_search


class UsageMode(models.TextChoices):
    SELF = "self", _("Self-operated")
    ASSISTED = "assisted", _("Staff-assisted")
    COMMISSIONED = "commissioned", _("Commissioned analysis")


class UserCategory(models.TextChoices):
    """Whose rate applies: decided by who books (see equipment.services.user_category_for)."""

    INTERNAL = "internal", pgettext_lazy("user category", "Internal")
    ACADEMIC = "academic", pgettext_lazy("user category", "Academic")
    SME = "sme", _("SME company")
    LARGE = "large", _("Large company")


class Category(LocalizedName, models.Model):
    """A technique (SEM, XRD, …) with the everyday words people use for what it does."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[validate_name])
    name_en = models.CharField(_("English name"), max_length=100, blank=True, validators=[validate_name])
    code = models.SlugField(_("code"), max_length=40, unique=True)
    keywords = models.TextField(_("application keywords"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("instrument category")
        verbose_name_plural = _("instrument categories")


class Instrument(LocalizedName, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("instrument status", "Available")
        MAINTENANCE = "maintenance", _("Under maintenance")
        RETIRED = "retired", pgettext_lazy("instrument status", "Retired")

    # The numbers of the instrument's booking rules, in the order the forms, the API and the services list them.
    BOOKING_RULE_FIELDS = (
        "slot_minutes",
        "min_minutes",
        "max_minutes",
        "lead_time_hours",
        "horizon_days",
        "setup_minutes",
        "cleanup_minutes",
        "cancellation_deadline_hours",
        "decision_limit_hours",
    )

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="instruments", verbose_name=_("institution")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="instruments", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    name_en = models.CharField(_("English name"), max_length=200, blank=True, validators=[validate_name])
    maker = models.CharField(_("maker"), max_length=100, blank=True, validators=[validate_name])
    model = models.CharField(_("model"), max_length=100, blank=True, validators=[validate_name])
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    specs = models.JSONField(_("specifications"), default=dict, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True, validators=[validate_name])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Booking rules (used by bookings.rules).
    slot_minutes = models.PositiveIntegerField(
        _("slot granularity (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
    )
    min_minutes = models.PositiveIntegerField(_("minimum length (minutes)"), default=30)
    max_minutes = models.PositiveIntegerField(_("maximum length (minutes)"), default=480)
    lead_time_hours = models.PositiveIntegerField(_("lead time (hours)"), default=24)
    horizon_days = models.PositiveIntegerField(_("booking horizon (days)"), default=90)
    setup_minutes = models.PositiveIntegerField(_("set-up buffer (minutes)"), default=0)
    cleanup_minutes = models.PositiveIntegerField(_("clean-up buffer (minutes)"), default=0)
    # An assisted or commissioned booking reserves its operator this long before and after it; empty: the set-up
    # and clean-up buffers (staffing.rules.operator_hold).
    operator_buffer_minutes = models.PositiveIntegerField(
        _("operator buffer (minutes)"), null=True, blank=True, validators=[MaxValueValidator(480)]
    )
    cancellation_deadline_hours = models.PositiveIntegerField(_("cancellation deadline (hours before)"), default=24)
    decision_limit_hours = models.PositiveIntegerField(_("decision limit (hours)"), default=72)
    modes = models.JSONField(_("usage modes offered"), default=list)
    requires_qualification = models.BooleanField(_("self-operation needs a qualification"), default=True)
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.CheckConstraint(condition=Q(min_minutes__lte=F("max_minutes")), name="instrument_min_le_max"),
            models.CheckConstraint(condition=Q(slot_minutes__gt=0), name="instrument_slot_positive"),
        ]

    def build_search_text(self) -> str:
        """The row's searchable text, normalised: its own fields, its category's and its institution's. Derived;
        stored in search_text by backend.search.refresh_search_text whenever one of them changes."""
        spec_text = " ".join(f"{k} {v}" for k, v in (self.specs or {}).items()) if isinstance(self.specs, dict) else ""
        parts = [
            self.name,
            self.name_en,
            self.maker,
            self.model,
            self.description,
            self.description_en,
            self.location,
            spec_text,
            self.category.name,
            self.category.name_en,
            self.category.code,
            self.category.keywords,
            self.institution.name,
            self.institution.name_en,
        ]
        return normalize_for_search(" ".join(p for p in parts if p))


class OpeningHours(models.Model):
    """One open interval of a weekday (0 = Monday); a day may have several (lunch break)."""

    WEEKDAYS = [(0, _("Mon")), (1, _("Tue")), (2, _("Wed")), (3, _("Thu")), (4, _("Fri")), (5, _("Sat")), (6, _("Sun"))]

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS, validators=[MaxValueValidator(6)])
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["instrument_id", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="opening_hours_opens_before_closes"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Rate(models.Model):
    """A price in yen (before consumption tax) for a user category and mode, valid from a date."""

    class Unit(models.TextChoices):
        HOUR = "hour", _("Per hour")
        SAMPLE = "sample", _("Per sample")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="rates")
    user_category = models.CharField(_("user category"), max_length=20, choices=UserCategory.choices)
    mode = models.CharField(_("usage mode"), max_length=20, choices=UsageMode.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.HOUR)
    amount_jpy = models.PositiveIntegerField(_("amount (JPY, before tax)"))
    valid_from = models.DateField(_("valid from"))

    class Meta:
        ordering = ["instrument_id", "user_category", "mode", "-valid_from"]
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "user_category", "mode", "valid_from"], name="rate_unique_from"
            ),
        ]

    def __str__(self):
        return f"{self.instrument} {self.user_category}/{self.mode}: {yen(self.amount_jpy)}/{self.unit}"


def manual_upload_to(instance, filename):
    return f"manuals/{instance.instrument_id}/{instance.checksum[:16]}.pdf"


def photo_upload_to(instance, filename):
    return f"photos/{instance.instrument_id}/{filename}"


class Manual(models.Model):
    """A PDF manual. New versions are added; older ones are kept and listed."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="manuals")
    title = models.CharField(pgettext_lazy("manual", "title"), max_length=200, validators=[validate_name])
    version = models.CharField(_("version"), max_length=40, validators=[validate_name])
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(_("file"), upload_to=manual_upload_to)
    size_bytes = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "language", "-uploaded_at", "-id"]
        verbose_name = _("manual")
        verbose_name_plural = _("manuals")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "language", "version"], name="manual_unique_version"),
        ]

    def __str__(self):
        return f"{self.title} v{self.version} ({self.language})"


class Photo(models.Model):
    """A photo, re-encoded on upload (EXIF/GPS gone) with a thumbnail."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to=photo_upload_to)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_upload_to)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True, validators=[validate_name])
    position = models.PositiveIntegerField(_("position"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or f"{gettext('photo')} {self.pk}"


class Downtime(models.Model):
    """A period the instrument cannot be booked (maintenance, repair, internal use)."""

    # The longest period: a year and a day. Longer is retiring the instrument (its status says so), or a typo
    # that would silently block it for years. The service, the staff form and the .ics import read it here.
    MAX_SPAN = timedelta(days=366)

    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", pgettext_lazy("downtime kind", "Maintenance")
        REPAIR = "repair", _("Repair")
        INTERNAL = "internal", _("Internal use")
        OTHER = "other", pgettext_lazy("downtime kind", "Other")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="downtimes")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MAINTENANCE)
    title = models.CharField(pgettext_lazy("downtime", "title"), max_length=200, blank=True, validators=[validate_name])
    note = models.TextField(_("internal note"), blank=True)
    source_uid = models.CharField(_("imported UID"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "start"]
        verbose_name = _("downtime")
        verbose_name_plural = _("downtime")
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="downtime_start_before_end"),
            models.UniqueConstraint(
                fields=["instrument", "source_uid"], condition=~Q(source_uid=""), name="downtime_unique_import_uid"
            ),
        ]

    def __str__(self):
        return f"{self.instrument}: {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"

    @classmethod
    def check_period(cls, start: datetime, end: datetime) -> None:
        """The times of a downtime: aware, within the years the product takes, in order, at most MAX_SPAN."""
        require_aware(start=start, end=end)
        require_in_range(start=start, end=end)
        require_order(start, end)
        if end - start > cls.MAX_SPAN:
            raise DomainError(
                "downtime_too_long",
                gettext("A downtime lasts at most %(days)d days.") % {"days": cls.MAX_SPAN.days},
                field="end",
            )

    def clean(self):
        """The admin's check too (the services call check_period themselves, for its codes)."""
        if isinstance(self.start, datetime) and isinstance(self.end, datetime):
            try:
                self.check_period(self.start, self.end)
            except DomainError as error:
                raise ValidationError({error.field or NON_FIELD_ERRORS: error.message}) from None


class Qualification(models.Model):
    """The user may operate the instrument alone (granted by its institution's staff)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="qualifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["instrument_id", "-granted_at"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "user"], condition=Q(revoked_at__isnull=True), name="qualification_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.instrument}"
