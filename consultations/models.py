"""Technical consultations (技術相談): a company's problem, its referral to the right institution, the thread.

Life cycle: `new → referred → answered → closed` (closing is possible from any open status). The first
referral sets `first_referred_at`; the first message from staff of a referred institution sets
`first_answered_at` and the response time; closing records the outcome. Every status change is a
conditional update in consultations.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from consortia.models import Company, Consortium, Institution
from consortia.validators import validate_name
from equipment.models import Instrument

from .matching import normalize


class ExpertProfile(models.Model):
    """A staff member who agreed to be listed in the expert directory (専門家), with what they know."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expert_profile",
        verbose_name=_("利用者 (user)"),
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="experts", verbose_name=_("機関 (institution)")
    )
    listed = models.BooleanField(_("名簿に掲載 (listed in the directory)"), default=False)
    keywords = models.TextField(_("専門キーワード (expertise keywords)"), blank=True)
    bio = models.TextField(_("紹介 (profile)"), blank=True)
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="experts", verbose_name=_("担当機器 (instruments run)")
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("専門家 (expert)")
        verbose_name_plural = _("専門家 (experts)")

    def __str__(self):
        return f"{display_name(self.user)} ({self.institution})"

    def build_search_text(self) -> str:
        """The searchable text, normalised like the catalogue's (see matching.normalize): the person, what they
        say they know, their institution, and the instruments they run under the names the catalogue finds
        those by — name, model, category name and code — so `SEM` finds the technician who runs the SEMs.
        Derived; stored in search_text by backend.search.refresh_search_text whenever one of them changes."""
        parts = [display_name(self.user), self.user.username, self.keywords, self.bio]
        parts += [self.institution.name, self.institution.name_en]
        for instrument in self.instruments.all():
            category = instrument.category
            parts += [instrument.name, instrument.name_en, instrument.model, category.name, category.name_en]
            parts.append(category.code)
        return normalize(" ".join(p for p in parts if p))


def display_name(user) -> str:
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.username


class Consultation(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("受付 (new)")
        REFERRED = "referred", _("紹介済み (referred)")
        ANSWERED = "answered", _("回答あり (answered)")
        CLOSED = "closed", _("終了 (closed)")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("解決 (resolved)")
        BOOKING = "booking", _("機器利用へ (led to a booking)")
        JOINT_RESEARCH = "joint_research", _("共同研究へ (led to joint research)")
        NO_MATCH = "no_match", _("該当なし (no match found)")

    OPEN = (Status.NEW, Status.REFERRED, Status.ANSWERED)

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("企業 (company)")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("相談者 (requester)"),
    )
    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("協議会 (consortium)")
    )
    title = models.CharField(_("件名 (title)"), max_length=200, validators=[validate_name])
    description = models.TextField(_("相談内容 (description)"))
    confidential = models.BooleanField(_("非公開 (confidential)"), default=False)
    status = models.CharField(_("状態 (status)"), max_length=20, choices=Status.choices, default=Status.NEW)
    outcome = models.CharField(_("結果 (outcome)"), max_length=20, choices=Outcome.choices, blank=True)
    # What the matcher suggested when the company asked: a snapshot (see docs/consultations.md).
    suggestions = models.JSONField(_("候補 (suggestions)"), default=list, blank=True)
    created_at = models.DateTimeField(_("受付日時 (received at)"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    first_referred_at = models.DateTimeField(_("初回紹介日時 (first referred at)"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("初回回答日時 (first answered at)"), null=True, blank=True)
    response_time = models.DurationField(_("初回回答までの時間 (time to first answer)"), null=True, blank=True)
    response_business_days = models.PositiveIntegerField(
        _("初回回答までの営業日数 (business days to first answer)"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("終了日時 (closed at)"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("未紹介の督促日時 (unreferred reminder sent at)"), null=True, blank=True)
    # Title, description and company name, normalised like the catalogue's: what the pages' search looks in.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("技術相談 (consultation)")
        verbose_name_plural = _("技術相談 (consultations)")
        indexes = [
            models.Index(fields=["status", "created_at"], name="consultation_status_created"),
            models.Index(fields=["consortium", "created_at"], name="consultation_consortium_day"),
        ]
        constraints = [
            models.CheckConstraint(
                name="consultation_closed_has_outcome",
                condition=(
                    Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                    | ~Q(status="closed") & Q(closed_at__isnull=True, outcome="")
                ),
            ),
            models.CheckConstraint(
                name="consultation_answered_after_referred",
                condition=Q(first_answered_at__isnull=True) | Q(first_referred_at__isnull=False),
            ),
            models.CheckConstraint(
                name="consultation_referred_status_has_date",
                condition=Q(status="new") | Q(status="closed") | Q(first_referred_at__isnull=False),
            ),
        ]

    def __str__(self):  # shown in the admin and in logs: a confidential one only by its number
        return f"#{self.pk} （非公開 confidential）" if self.confidential else f"#{self.pk} {self.title}"

    def build_search_text(self) -> str:
        """The searchable text (derived; kept in search_text). Title and description never change after the
        consultation is asked; a company renamed later is found under its new name only in new ones."""
        return normalize(" ".join([self.title, self.description, self.company.name]))

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"search_text"}
        super().save(*args, **kwargs)


class Referral(models.Model):
    """A coordinator hands the consultation to an institution (of any consortium: 広域連携)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="referrals")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("紹介先機関 (institution)")
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("紹介者 (referred by)"),
    )
    note = models.TextField(_("紹介メモ (note)"))
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="referrals", verbose_name=_("紹介機器 (instruments)")
    )
    experts = models.ManyToManyField(
        ExpertProfile, blank=True, related_name="referrals", verbose_name=_("紹介専門家 (experts)")
    )
    created_at = models.DateTimeField(_("紹介日時 (referred at)"), default=timezone.now)
    first_answered_at = models.DateTimeField(
        _("機関の初回回答日時 (institution's first answer)"), null=True, blank=True
    )
    response_business_days = models.PositiveIntegerField(
        _("紹介から初回回答までの営業日数 (business days from referral to first answer)"), null=True, blank=True
    )

    class Meta:
        ordering = ["consultation_id", "created_at", "id"]
        verbose_name = _("紹介 (referral)")
        verbose_name_plural = _("紹介 (referrals)")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "institution"], name="referral_once_per_institution"),
        ]

    def __str__(self):
        return f"#{self.consultation_id} → {self.institution}"


class Message(models.Model):
    """One message of the thread between the company, the coordinators and the referred staff."""

    class Side(models.TextChoices):
        COMPANY = "company", _("企業 (company)")
        COORDINATOR = "coordinator", _("コーディネータ (coordinator)")
        STAFF = "staff", _("紹介先機関 (referred institution)")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("投稿者 (author)")
    )
    side = models.CharField(_("立場 (side)"), max_length=20, choices=Side.choices)
    # For staff: the referred institution they answered for.
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("機関 (institution)"),
    )
    body = models.TextField(_("本文 (message)"))
    created_at = models.DateTimeField(_("投稿日時 (posted at)"), default=timezone.now)

    class Meta:
        ordering = ["consultation_id", "created_at", "id"]
        verbose_name = _("相談メッセージ (message)")
        verbose_name_plural = _("相談メッセージ (messages)")
        constraints = [
            models.CheckConstraint(
                name="message_staff_names_institution",
                condition=Q(side="staff", institution__isnull=False) | ~Q(side="staff") & Q(institution__isnull=True),
            ),
        ]

    def __str__(self):
        return f"#{self.consultation_id} {self.side} {self.created_at:%Y-%m-%d %H:%M}"


class ConsultationBooking(models.Model):
    """A booking request that came from a consultation. Kept here so that bookings never depend on
    consultations (see docs/consultations.md)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="booking_links")
    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="consultation_link", verbose_name=_("予約 (booking)")
    )
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    linked_at = models.DateTimeField(_("紐付け日時 (linked at)"), auto_now_add=True)

    class Meta:
        ordering = ["consultation_id", "linked_at", "id"]
        verbose_name = _("相談からの予約 (booking from a consultation)")
        verbose_name_plural = _("相談からの予約 (bookings from consultations)")

    def __str__(self):
        return f"#{self.consultation_id} → booking #{self.booking_id}"
