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
from django.utils.translation import pgettext_lazy

from bookings.models import Booking
from consortia.models import Company, Consortium, Institution
from consortia.names import person_name
from consortia.validators import validate_name
from equipment.models import Instrument

from .matching import normalize


class ExpertProfile(models.Model):
    """A staff member who agreed to be listed in the expert directory (専門家), with what they know."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expert_profile",
        verbose_name=_("user"),
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="experts", verbose_name=_("institution")
    )
    listed = models.BooleanField(_("listed in the directory"), default=False)
    keywords = models.TextField(_("expertise keywords"), blank=True)
    bio = models.TextField(_("profile"), blank=True)
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="experts", verbose_name=_("instruments run")
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return f"{self.user.display_name} ({self.institution})"

    def build_search_text(self) -> str:
        """The searchable text, normalised like the catalogue's (see matching.normalize): the person (the name,
        its reading and its Latin spelling, so that 渡辺 and Watanabe both find them), what they say they know,
        their institution, and the instruments they run under the names the catalogue finds those by — name,
        model, category name and code — so `SEM` finds the technician who runs the SEMs.
        Derived; stored in search_text by backend.search.refresh_search_text whenever one of them changes."""
        user = self.user
        readings = (user.last_name, user.first_name, user.last_name_kana, user.first_name_kana)
        parts = [*readings, person_name(*readings, english=True), user.username, self.keywords, self.bio]
        parts += [self.institution.name, self.institution.name_en]
        for instrument in self.instruments.all():
            category = instrument.category
            parts += [instrument.name, instrument.name_en, instrument.model, category.name, category.name_en]
            parts.append(category.code)
        return normalize(" ".join(p for p in parts if p))


class Consultation(models.Model):
    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("consultation status", "New")
        REFERRED = "referred", pgettext_lazy("consultation status", "Referred")
        ANSWERED = "answered", pgettext_lazy("consultation status", "Answered")
        CLOSED = "closed", pgettext_lazy("consultation status", "Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        BOOKING = "booking", _("Led to a booking")
        JOINT_RESEARCH = "joint_research", _("Led to joint research")
        NO_MATCH = "no_match", _("No match found")

    OPEN = (Status.NEW, Status.REFERRED, Status.ANSWERED)

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("company")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=pgettext_lazy("consultation", "requester"),
    )
    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("consortium")
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_name])
    description = models.TextField(pgettext_lazy("consultation", "description"))
    confidential = models.BooleanField(_("confidential"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    # What the matcher suggested when the company asked: a snapshot (see docs/consultations.md).
    suggestions = models.JSONField(_("suggestions"), default=list, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    first_referred_at = models.DateTimeField(_("first referred at"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    response_time = models.DurationField(_("time to first answer"), null=True, blank=True)
    response_business_days = models.PositiveIntegerField(_("business days to first answer"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("unreferred reminder sent at"), null=True, blank=True)
    # Title, description and company name, normalised like the catalogue's: what the pages' search looks in.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("technical consultation")
        verbose_name_plural = _("technical consultations")
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
        return (
            _("#%(number)s (confidential)") % {"number": self.pk} if self.confidential else f"#{self.pk} {self.title}"
        )

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
        Institution, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("institution referred to")
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("referred by"),
    )
    note = models.TextField(pgettext_lazy("referral", "note"))
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="referrals", verbose_name=pgettext_lazy("referral", "instruments")
    )
    experts = models.ManyToManyField(ExpertProfile, blank=True, related_name="referrals", verbose_name=_("experts"))
    created_at = models.DateTimeField(_("referred at"), default=timezone.now)
    first_answered_at = models.DateTimeField(_("institution's first answer"), null=True, blank=True)
    response_business_days = models.PositiveIntegerField(
        _("business days from referral to first answer"), null=True, blank=True
    )

    class Meta:
        ordering = ["consultation_id", "created_at", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "institution"], name="referral_once_per_institution"),
        ]

    def __str__(self):
        return f"#{self.consultation_id} → {self.institution}"


class Message(models.Model):
    """One message of the thread between the company, the coordinators and the referred staff."""

    class Side(models.TextChoices):
        COMPANY = "company", pgettext_lazy("side in a consultation", "Company")
        COORDINATOR = "coordinator", pgettext_lazy("side in a consultation", "Coordinator")
        STAFF = "staff", pgettext_lazy("side in a consultation", "Referred institution")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    # For staff: the referred institution they answered for.
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("institution"),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)

    class Meta:
        ordering = ["consultation_id", "created_at", "id"]
        verbose_name = _("consultation message")
        verbose_name_plural = _("consultation messages")
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
        Booking, on_delete=models.CASCADE, related_name="consultation_link", verbose_name=_("booking")
    )
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        ordering = ["consultation_id", "linked_at", "id"]
        verbose_name = _("booking from a consultation")
        verbose_name_plural = _("bookings from consultations")

    def __str__(self):
        return _("#%(consultation)s → booking #%(booking)s") % {
            "consultation": self.consultation_id,
            "booking": self.booking_id,
        }
