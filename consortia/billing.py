"""How an institution charges (FeePolicy) and how it is paid (BillingDetails): the rows its administrator edits on
/staff/institution/ and through the API (docs/fees.md). Models of the consortia app, kept in their own module;
consortia.models imports them.

What the documents read from here: the quotation states `quotation_valid_days` (valid until the date of issue plus
so many days); the invoice states where to pay (振込先: bank, branch, account type, number and holder), by when
(支払期限: `payment_due`, stored on the invoice when it is issued) and whom to ask (the billing contact).
"""

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .names import normalize_reading
from .validators import validate_name

MULTIPLIER_MIN, MULTIPLIER_MAX = Decimal("0.01"), Decimal("10")
MULTIPLIER_VALIDATORS = [MinValueValidator(MULTIPLIER_MIN), MaxValueValidator(MULTIPLIER_MAX)]
STAFF_RATE_MAX = 1_000_000  # yen per hour


class FeePolicy(models.Model):
    """How an institution charges on top of an instrument's base rate (see docs/fees.md).

    Multipliers apply to the instrument's fee only, never to staff time or consumables. An institution
    without a policy charges the rate table as it stands.
    """

    institution = models.OneToOneField(
        "consortia.Institution", on_delete=models.CASCADE, related_name="fee_policy", verbose_name=_("institution")
    )
    confidential_multiplier = models.DecimalField(
        _("multiplier for results not to be published"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=MULTIPLIER_VALIDATORS,
    )
    outside_region_multiplier = models.DecimalField(
        _("multiplier for companies outside the region"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=MULTIPLIER_VALIDATORS,
    )
    large_company_multiplier = models.DecimalField(
        _("multiplier for large companies (times the SME rate)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=MULTIPLIER_VALIDATORS,
        help_text=_("Empty: the instrument's large-company rate applies."),
    )
    staff_rate_jpy = models.PositiveIntegerField(
        _("staff rate per hour (yen, excluding tax)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(STAFF_RATE_MAX)],
        help_text=_("Added to assisted and commissioned use. Empty: none."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "consortia"
        verbose_name = _("fee policy")
        verbose_name_plural = _("fee policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(confidential_multiplier__gt=0)
                & Q(outside_region_multiplier__gt=0)
                & (Q(large_company_multiplier__isnull=True) | Q(large_company_multiplier__gt=0)),
                name="fee_policy_multipliers_positive",
            ),
        ]

    def __str__(self):
        return gettext("Fee policy of %(institution)s") % {"institution": self.institution}


def end_of_next_month(day: date) -> date:
    """The last day of the month after `day` (翌月末)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])


# Bank account holders (口座名義) are written in katakana as the bank prints them; people type them in full- or
# half-width katakana or hiragana (normalized on save), with the parentheses, dots and hyphens of 「ﾄﾞｸ)ｻﾝｷﾞｮｳｷﾞｼﾞｭﾂ」.
HOLDER = re.compile(r"[\u30a0-\u30ff\u3000 A-Z0-9().,\-/・ー]+")


def holder_as_banks_write_it(value: str) -> str:
    """An account holder in full-width katakana and capitals, as people type it in any width or in hiragana."""
    return normalize_reading(value).upper()


def validate_account_holder(value: str) -> None:
    if not HOLDER.fullmatch(holder_as_banks_write_it(value)):
        raise ValidationError(_("Write the account holder as the bank does, in katakana."), code="holder_not_katakana")


PAYMENT_DETAIL_FIELDS = ("bank_name", "bank_branch", "account_type", "account_number", "account_holder")


class BillingDetails(models.Model):
    """Where and by when an institution is paid, how long its quotations hold, and whom a company asks about a
    bill. Payment details are all or nothing: an institution without them gets invoices that say to ask the
    contact for them (docs/fees.md, "Where and when to pay")."""

    class AccountType(models.TextChoices):
        ORDINARY = "ordinary", pgettext_lazy("bank account", "Ordinary")
        CURRENT = "current", pgettext_lazy("bank account", "Current")

    class PaymentTerm(models.TextChoices):
        END_OF_NEXT_MONTH = "end_of_next_month", _("End of the next month")
        DAYS_AFTER_ISSUE = "days_after_issue", _("Days after the invoice")

    institution = models.OneToOneField(
        "consortia.Institution", on_delete=models.CASCADE, related_name="billing", verbose_name=_("institution")
    )
    bank_name = models.CharField(_("bank"), max_length=60, blank=True, validators=[validate_name])
    bank_branch = models.CharField(_("branch"), max_length=60, blank=True, validators=[validate_name])
    account_type = models.CharField(_("account type"), max_length=10, choices=AccountType.choices, blank=True)
    account_number = models.CharField(
        _("account number"),
        max_length=7,
        blank=True,
        validators=[
            validate_name,
            RegexValidator(r"^[0-9]{7}$", _("An account number is 7 digits (pad it with zeros in front).")),
        ],
    )
    account_holder = models.CharField(
        _("account holder (katakana)"),
        max_length=80,
        blank=True,
        validators=[validate_name, validate_account_holder],
    )
    payment_term = models.CharField(
        _("payment term"), max_length=20, choices=PaymentTerm.choices, default=PaymentTerm.END_OF_NEXT_MONTH
    )
    payment_days = models.PositiveSmallIntegerField(
        _("days to pay"),
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(90)],
        help_text=_("For a term of days after the invoice (7–90)."),
    )
    quotation_valid_days = models.PositiveSmallIntegerField(
        _("quotations valid for (days)"), default=30, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )
    contact_department = models.CharField(
        _("contact department"), max_length=100, blank=True, validators=[validate_name]
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=20,
        blank=True,
        validators=[
            validate_name,
            RegexValidator(r"^\+?[0-9][0-9\-() ]{8,18}$", _("A phone number, e.g. 011-747-2211.")),
        ],
    )
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "consortia"
        verbose_name = _("billing details")
        verbose_name_plural = _("billing details")

    def __str__(self):
        return gettext("Billing details of %(institution)s") % {"institution": self.institution}

    def clean(self):
        super().clean()
        self.account_holder = holder_as_banks_write_it(self.account_holder)
        for name in ("bank_name", "bank_branch", "contact_department", "contact_phone"):
            setattr(self, name, getattr(self, name).strip())
        given = [name for name in PAYMENT_DETAIL_FIELDS if getattr(self, name)]
        if given and len(given) < len(PAYMENT_DETAIL_FIELDS):
            missing = next(name for name in PAYMENT_DETAIL_FIELDS if not getattr(self, name))
            raise ValidationError(
                {missing: _("Fill in every payment detail (bank, branch, account type, number, holder), or none.")}
            )

    @property
    def has_payment_details(self) -> bool:
        return all(getattr(self, name) for name in PAYMENT_DETAIL_FIELDS)

    def payment_due(self, issued_on: date) -> date:
        """The 支払期限 of an invoice issued on `issued_on`."""
        if self.payment_term == self.PaymentTerm.DAYS_AFTER_ISSUE:
            return issued_on + timedelta(days=self.payment_days)
        return end_of_next_month(issued_on)

    def quotation_valid_until(self, issued_on: date) -> date:
        return issued_on + timedelta(days=self.quotation_valid_days)
