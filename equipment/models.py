"""Instruments and what belongs to them: opening hours, rates, manuals, photos, downtime, qualifications."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from backend.errors import DomainError
from backend.i18n import LocalizedName
from backend.plumbing import require_aware, require_in_range, require_order
from consortia.models import Institution
from consortia.validators import validate_name

from .text import normalize_for_search


class UsageMode(models.TextChoices):
    SELF = "self", _("自己操作 (self-operated)")
    ASSISTED = "assisted", _("技術補助 (staff-assisted)")
    COMMISSIONED = "commissioned", _("依頼分析 (commissioned analysis)")


class UserCategory(models.TextChoices):
    """Whose rate applies: decided by who books (see equipment.services.user_category_for)."""

    INTERNAL = "internal", _("学内・機関内 (internal)")
    ACADEMIC = "academic", _("学術・会員機関 (academic)")
    SME = "sme", _("中小企業 (SME company)")
    LARGE = "large", _("大企業 (large company)")


class Category(LocalizedName, models.Model):
    """A technique (SEM, XRD, …) with the everyday words people use for what it does."""

    name = models.CharField(_("名称 (name)"), max_length=100, unique=True, validators=[validate_name])
    name_en = models.CharField(_("英語名称 (English name)"), max_length=100, blank=True, validators=[validate_name])
    code = models.SlugField(_("略称 (code)"), max_length=40, unique=True)
    keywords = models.TextField(_("用途キーワード (application keywords)"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("機器分類 (category)")
        verbose_name_plural = _("機器分類 (categories)")


class Instrument(LocalizedName, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("利用可能 (available)")
        MAINTENANCE = "maintenance", _("保守中 (under maintenance)")
        RETIRED = "retired", _("廃止 (retired)")

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
        Institution, on_delete=models.PROTECT, related_name="instruments", verbose_name=_("機関 (institution)")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="instruments", verbose_name=_("分類 (category)")
    )
    name = models.CharField(_("名称 (name)"), max_length=200, validators=[validate_name])
    name_en = models.CharField(_("英語名称 (English name)"), max_length=200, blank=True, validators=[validate_name])
    maker = models.CharField(_("メーカー (maker)"), max_length=100, blank=True, validators=[validate_name])
    model = models.CharField(_("型式 (model)"), max_length=100, blank=True, validators=[validate_name])
    description = models.TextField(_("説明 (description)"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    specs = models.JSONField(_("仕様 (specifications)"), default=dict, blank=True)
    location = models.CharField(_("設置場所 (location)"), max_length=200, blank=True, validators=[validate_name])
    status = models.CharField(_("状態 (status)"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Booking rules (used by bookings.rules).
    slot_minutes = models.PositiveIntegerField(
        _("予約単位（分） (slot granularity, minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
    )
    min_minutes = models.PositiveIntegerField(_("最短予約（分） (minimum length)"), default=30)
    max_minutes = models.PositiveIntegerField(_("最長予約（分） (maximum length)"), default=480)
    lead_time_hours = models.PositiveIntegerField(_("受付締切（時間前） (lead time, hours)"), default=24)
    horizon_days = models.PositiveIntegerField(_("予約可能期間（日先まで） (booking horizon, days)"), default=90)
    setup_minutes = models.PositiveIntegerField(_("準備時間（分） (set-up buffer)"), default=0)
    cleanup_minutes = models.PositiveIntegerField(_("片付け時間（分） (clean-up buffer)"), default=0)
    cancellation_deadline_hours = models.PositiveIntegerField(
        _("キャンセル期限（時間前） (cancellation deadline)"), default=24
    )
    decision_limit_hours = models.PositiveIntegerField(_("承認期限（時間） (decision limit, hours)"), default=72)
    modes = models.JSONField(_("利用形態 (usage modes offered)"), default=list)
    requires_qualification = models.BooleanField(
        _("自己操作に資格が必要 (self-operation needs qualification)"), default=True
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("機器 (instrument)")
        verbose_name_plural = _("機器 (instruments)")
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

    WEEKDAYS = [(0, "月"), (1, "火"), (2, "水"), (3, "木"), (4, "金"), (5, "土"), (6, "日")]

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("曜日 (weekday)"), choices=WEEKDAYS, validators=[MaxValueValidator(6)])
    opens = models.TimeField(_("開始 (opens)"))
    closes = models.TimeField(_("終了 (closes)"))

    class Meta:
        ordering = ["instrument_id", "weekday", "opens"]
        verbose_name = _("利用可能時間 (opening hours)")
        verbose_name_plural = _("利用可能時間 (opening hours)")
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="opening_hours_opens_before_closes"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Rate(models.Model):
    """A price in yen (before consumption tax) for a user category and mode, valid from a date."""

    class Unit(models.TextChoices):
        HOUR = "hour", _("1時間あたり (per hour)")
        SAMPLE = "sample", _("1検体あたり (per sample)")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="rates")
    user_category = models.CharField(_("利用者区分 (user category)"), max_length=20, choices=UserCategory.choices)
    mode = models.CharField(_("利用形態 (usage mode)"), max_length=20, choices=UsageMode.choices)
    unit = models.CharField(_("単位 (unit)"), max_length=10, choices=Unit.choices, default=Unit.HOUR)
    amount_jpy = models.PositiveIntegerField(_("金額（円・税抜） (amount, JPY excl. tax)"))
    valid_from = models.DateField(_("適用開始日 (valid from)"))

    class Meta:
        ordering = ["instrument_id", "user_category", "mode", "-valid_from"]
        verbose_name = _("料金 (rate)")
        verbose_name_plural = _("料金 (rates)")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "user_category", "mode", "valid_from"], name="rate_unique_from"
            ),
        ]

    def __str__(self):
        return f"{self.instrument} {self.user_category}/{self.mode}: ¥{self.amount_jpy}/{self.unit}"


def manual_upload_to(instance, filename):
    return f"manuals/{instance.instrument_id}/{instance.checksum[:16]}.pdf"


def photo_upload_to(instance, filename):
    return f"photos/{instance.instrument_id}/{filename}"


class Manual(models.Model):
    """A PDF manual. New versions are added; older ones are kept and listed."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="manuals")
    title = models.CharField(_("題名 (title)"), max_length=200, validators=[validate_name])
    version = models.CharField(_("版 (version)"), max_length=40, validators=[validate_name])
    language = models.CharField(_("言語 (language)"), max_length=8, choices=[("ja", "日本語"), ("en", "English")])
    file = models.FileField(_("ファイル (file)"), upload_to=manual_upload_to)
    size_bytes = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "language", "-uploaded_at", "-id"]
        verbose_name = _("マニュアル (manual)")
        verbose_name_plural = _("マニュアル (manuals)")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "language", "version"], name="manual_unique_version"),
        ]

    def __str__(self):
        return f"{self.title} v{self.version} ({self.language})"


class Photo(models.Model):
    """A photo, re-encoded on upload (EXIF/GPS gone) with a thumbnail."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("画像 (image)"), upload_to=photo_upload_to)
    thumbnail = models.ImageField(_("サムネイル (thumbnail)"), upload_to=photo_upload_to)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("説明 (caption)"), max_length=200, blank=True, validators=[validate_name])
    position = models.PositiveIntegerField(_("表示順 (position)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "position", "id"]
        verbose_name = _("写真 (photo)")
        verbose_name_plural = _("写真 (photos)")

    def __str__(self):
        return self.caption or f"photo {self.pk}"


class Downtime(models.Model):
    """A period the instrument cannot be booked (maintenance, repair, internal use)."""

    # The longest period: a year and a day. Longer is retiring the instrument (its status says so), or a typo
    # that would silently block it for years. The service, the staff form and the .ics import read it here.
    MAX_SPAN = timedelta(days=366)

    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("保守 (maintenance)")
        REPAIR = "repair", _("修理 (repair)")
        INTERNAL = "internal", _("内部利用 (internal use)")
        OTHER = "other", _("その他 (other)")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="downtimes")
    start = models.DateTimeField(_("開始 (start)"))
    end = models.DateTimeField(_("終了 (end)"))
    kind = models.CharField(_("種別 (kind)"), max_length=20, choices=Kind.choices, default=Kind.MAINTENANCE)
    title = models.CharField(_("件名 (title)"), max_length=200, blank=True, validators=[validate_name])
    note = models.TextField(_("内部メモ (internal note)"), blank=True)
    source_uid = models.CharField(_("取込元UID (imported UID)"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "start"]
        verbose_name = _("停止期間 (downtime)")
        verbose_name_plural = _("停止期間 (downtime)")
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
                f"停止期間は{cls.MAX_SPAN.days}日以内にしてください。 (A downtime lasts at most {cls.MAX_SPAN.days} days.)",
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
    expires_on = models.DateField(_("有効期限 (expires on)"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取消日時 (revoked at)"), null=True, blank=True)
    note = models.CharField(_("備考 (note)"), max_length=200, blank=True)

    class Meta:
        ordering = ["instrument_id", "-granted_at"]
        verbose_name = _("操作資格 (qualification)")
        verbose_name_plural = _("操作資格 (qualifications)")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "user"], condition=Q(revoked_at__isnull=True), name="qualification_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.instrument}"
