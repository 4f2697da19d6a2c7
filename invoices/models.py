"""Qualified invoices (適格請求書) of completed bookings: one live invoice per institution, company and month.

An issued invoice is never edited. A correction cancels it and issues a new one that names the one it
replaces (`replaces`). Two guards in the database make an invoice run safe to repeat and to run twice at
once: a booking is on at most one live invoice (`InvoicedBooking`, unique booking where live), and an
institution has at most one live invoice per company and month.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.i18n import is_japanese, localized
from bookings.models import Booking
from consortia.models import Company, Institution
from consortia.validators import validate_name

from .wording import MODES, invoice_line_text


class InvoiceCounter(models.Model):
    """The last sequence number an institution gave in a year: numbers are allocated by a row-locking update."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice number counter")
        verbose_name_plural = _("invoice number counters")
        constraints = [models.UniqueConstraint(fields=["institution", "year"], name="invoice_counter_unique")]

    def __str__(self):
        return f"{self.institution_id}/{self.year}: {self.last}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", pgettext_lazy("invoice status", "Issued")
        CANCELLED = "cancelled", pgettext_lazy("invoice status", "Cancelled")

    number = models.CharField(_("invoice number"), max_length=40, unique=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("issuing institution")
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("billed company")
    )
    month = models.DateField(_("month invoiced"), help_text="the first day of the month invoiced")
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    issued_on = models.DateField(_("date of issue"))
    due_on = models.DateField(_("payment due"))
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the document says, as issued: later changes to the institution or company do not alter it.
    issuer_name = models.CharField(_("issuer"), max_length=200)
    issuer_address = models.CharField(_("issuer address"), max_length=300, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=14)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_address = models.CharField(_("recipient address"), max_length=300, blank=True)
    subtotal_jpy = models.BigIntegerField(_("subtotal (excl. tax)"))
    tax_jpy = models.BigIntegerField(_("consumption tax"))
    total_jpy = models.BigIntegerField(_("total (incl. tax)"))
    tax_summary = models.JSONField(_("totals per tax rate"), default=list)
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-month", "institution_id", "company_id", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "sequence"], name="invoice_sequence_unique"),
            models.UniqueConstraint(
                fields=["institution", "company", "month"],
                condition=Q(status="issued"),
                name="invoice_one_live_per_company_month",
            ),
            models.CheckConstraint(
                condition=Q(total_jpy=models.F("subtotal_jpy") + models.F("tax_jpy")),
                name="invoice_total_is_subtotal_plus_tax",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def localized_issuer_name(self) -> str:
        """The issuer as the invoice names it; on an English page, the institution's English name where it has one."""
        return localized(self.issuer_name, self.institution.name_en)


class Charge(models.TextChoices):
    """What an invoice line charges."""

    USE = "use", _("use of the instrument")
    STAFF = "staff", _("staff time")
    CONSUMABLE = "consumable", _("consumable")
    UNPRICED = "unpriced", _("use without a rate")


UNITS = [
    ("hour", pgettext_lazy("unit", "hour")),
    ("sample", pgettext_lazy("unit", "sample")),
    ("item", pgettext_lazy("unit", "item")),
]


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    used_on = models.DateField(_("date of transaction"))
    description = models.CharField(
        pgettext_lazy("invoice line", "description"), max_length=300
    )  # in Japanese: the legal record
    amount_jpy = models.BigIntegerField(_("amount (excl. tax)"))
    tax_rate = models.DecimalField(_("tax rate"), max_digits=4, decimal_places=2)
    # What was charged, as machine data (invoices.wording.facts_of): the English reference version of the invoice
    # is written from these, not translated from `description`. Blank on a line whose facts could not be read.
    kind = models.CharField(_("kind of charge"), max_length=20, choices=Charge.choices, blank=True)
    mode = models.CharField(_("mode of use"), max_length=20, choices=list(MODES.items()), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=UNITS, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)  # minutes for an hourly charge
    unit_price_jpy = models.BigIntegerField(_("unit price"), null=True, blank=True)
    multipliers = models.JSONField(_("multipliers"), default=list, blank=True)
    item = models.CharField(_("item"), max_length=200, blank=True, validators=[validate_name])  # a consumable's name

    class Meta:
        ordering = ["invoice_id", "position"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique")]

    def __str__(self):
        return f"{self.invoice_id}/{self.position}: {self.description}"

    @property
    def localized_description(self) -> str:
        """The line's words in the active language: the stored Japanese record on a Japanese page or document, and
        otherwise words written from the line's facts (the booking and its instrument are read: prefetch them)."""
        if is_japanese():
            return self.description
        return invoice_line_text(
            self,
            booking_id=self.booking_id,
            instrument_name=self.booking.instrument.localized_name,
            mode=self.mode,
            recorded=self.description,
        )


class InvoicedBooking(models.Model):
    """A booking on an invoice. `live` goes false when the invoice is cancelled; the database keeps a booking on
    at most one live invoice, whoever writes and however many runs race."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="invoiced")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="invoicings")
    live = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("invoiced booking")
        verbose_name_plural = _("invoiced bookings")
        constraints = [
            models.UniqueConstraint(fields=["booking"], condition=Q(live=True), name="invoiced_booking_once"),
            models.UniqueConstraint(fields=["invoice", "booking"], name="invoiced_booking_unique_per_invoice"),
        ]

    def __str__(self):
        return f"{self.booking_id} on {self.invoice_id}"
