"""Company registrations (利用登録) waiting for a consortium's approval, requests to join a registered company, and who
approves the registrations of each consortium.

Only `registrations.services` writes these rows. What must never happen is guarded by the database: a person has at
most one pending registration, a corporate number at most one, and a person at most one pending request to join a
given company.
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consortia.models import PREFECTURE_CHOICES, Company, Consortium, Institution, User
from consortia.validators import validate_corporate_number, validate_name

NOTE_MAX = 2000  # a registrant's or requester's note
REASON_MAX = 2000  # a refusal's reason
PHONE_MAX = 30
# What a registrant gives (the form's and the API's fields, in the order they are asked).
REGISTRATION_INPUT = [
    "corporate_number",
    "name",
    "prefecture",
    "address",
    "size",
    "industry",
    "billing_name",
    "billing_email",
    "billing_phone",
    "invoices_by_email",
    "consortium",
    "institution",
    "note",
]


class Status(models.TextChoices):
    """Where a registration or a join request stands; only a pending one can be decided or withdrawn."""

    PENDING = "pending", pgettext_lazy("registration status", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("registration status", "Approved")
    REFUSED = "refused", pgettext_lazy("registration status", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("registration status", "Withdrawn")


class RegistrationPolicy(models.Model):
    """Who approves the company registrations of a consortium: its secretariat (the default, also for a consortium
    with no row) or the staff of the institution the company chose."""

    class Approver(models.TextChoices):
        SECRETARIAT = "secretariat", _("The consortium's secretariat")
        INSTITUTION_STAFF = "institution_staff", _("The staff of the chosen institution")

    consortium = models.OneToOneField(
        Consortium, on_delete=models.CASCADE, related_name="registration_policy", verbose_name=_("consortium")
    )
    approver = models.CharField(
        _("who approves company registrations"), max_length=20, choices=Approver.choices, default=Approver.SECRETARIAT
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        ordering = ["consortium_id"]
        verbose_name = _("registration policy")
        verbose_name_plural = _("registration policies")

    def __str__(self):
        return f"{self.consortium} — {self.get_approver_display()}"


class Decided(models.Model):
    """What a registration and a join request share: their status, who decided, when and why."""

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(
        _("reason"), max_length=REASON_MAX, blank=True, validators=[MaxLengthValidator(REASON_MAX)]
    )

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING


class CompanyRegistration(Decided):
    """A person asks to register their company (利用登録) to use a consortium's (or one of its institutions')
    instruments. Approved, it becomes a Company whose admin the person is (`company`)."""

    applicant = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="company_registrations", verbose_name=_("applicant")
    )
    corporate_number = models.CharField(_("corporate number"), max_length=13, validators=[validate_corporate_number])
    name = models.CharField(_("company name"), max_length=200, validators=[validate_name])
    prefecture = models.CharField(_("prefecture"), max_length=10, choices=PREFECTURE_CHOICES)
    address = models.CharField(_("address"), max_length=300, validators=[validate_name])
    size = models.CharField(_("company size"), max_length=10, choices=Company.Size.choices)
    industry = models.CharField(_("industry"), max_length=100, blank=True, validators=[validate_name])
    billing_name = models.CharField(_("billing contact"), max_length=150, validators=[validate_name])
    billing_email = models.EmailField(_("billing e-mail"))
    billing_phone = models.CharField(_("billing phone"), max_length=PHONE_MAX, blank=True, validators=[validate_name])
    invoices_by_email = models.BooleanField(_("invoices by e-mail"), default=True)
    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, related_name="company_registrations", verbose_name=_("consortium")
    )
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="company_registrations",
        verbose_name=_("institution"),
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True, validators=[MaxLengthValidator(NOTE_MAX)])
    company = models.OneToOneField(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registration",
        verbose_name=_("company"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("company registration")
        verbose_name_plural = _("company registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"], condition=Q(status="pending"), name="registration_one_pending_per_applicant"
            ),
            models.UniqueConstraint(
                fields=["corporate_number"], condition=Q(status="pending"), name="registration_one_pending_per_number"
            ),
            models.CheckConstraint(
                condition=Q(status="approved", company__isnull=False) | ~Q(status="approved"),
                name="registration_approved_has_company",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.corporate_number}) — {self.get_status_display()}"


class JoinRequest(Decided):
    """A person asks to join a registered company (its 法人番号 was already registered); its company admins decide."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("user"))
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("company")
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True, validators=[MaxLengthValidator(NOTE_MAX)])

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("request to join a company")
        verbose_name_plural = _("requests to join a company")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company"], condition=Q(status="pending"), name="join_request_one_pending"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.company} — {self.get_status_display()}"
