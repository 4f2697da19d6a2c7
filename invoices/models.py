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

from bookings.models import Booking
from consortia.models import Company, Institution


class InvoiceCounter(models.Model):
    """The last sequence number an institution gave in a year: numbers are allocated by a row-locking update."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("請求書番号の採番 (invoice number counter)")
        verbose_name_plural = _("請求書番号の採番 (invoice number counters)")
        constraints = [models.UniqueConstraint(fields=["institution", "year"], name="invoice_counter_unique")]

    def __str__(self):
        return f"{self.institution_id}/{self.year}: {self.last}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("発行済み (issued)")
        CANCELLED = "cancelled", _("取消 (cancelled)")

    number = models.CharField(_("請求書番号 (number)"), max_length=40, unique=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("発行機関 (institution)")
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("請求先 (company)")
    )
    month = models.DateField(_("対象月 (month)"), help_text="the first day of the month invoiced")
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    status = models.CharField(_("状態 (status)"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    issued_on = models.DateField(_("発行日 (issued on)"))
    due_on = models.DateField(_("お支払期限 (payment due)"))
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the document says, as issued: later changes to the institution or company do not alter it.
    issuer_name = models.CharField(_("発行者 (issuer)"), max_length=200)
    issuer_address = models.CharField(_("発行者所在地 (issuer address)"), max_length=300, blank=True)
    registration_number = models.CharField(_("登録番号 (registration number)"), max_length=14)
    recipient_name = models.CharField(_("宛先 (recipient)"), max_length=200)
    recipient_address = models.CharField(_("宛先所在地 (recipient address)"), max_length=300, blank=True)
    subtotal_jpy = models.BigIntegerField(_("小計（税抜） (subtotal)"))
    tax_jpy = models.BigIntegerField(_("消費税 (tax)"))
    total_jpy = models.BigIntegerField(_("合計（税込） (total)"))
    tax_summary = models.JSONField(_("税率ごとの合計 (totals per tax rate)"), default=list)
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("取り消した請求書 (replaces)"),
    )
    cancelled_at = models.DateTimeField(_("取消日時 (cancelled at)"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(_("取消理由 (reason)"), blank=True)

    class Meta:
        ordering = ["-month", "institution_id", "company_id", "-id"]
        verbose_name = _("請求書 (invoice)")
        verbose_name_plural = _("請求書 (invoices)")
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


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    used_on = models.DateField(_("取引年月日 (date of use)"))
    description = models.CharField(_("内容 (description)"), max_length=300)
    amount_jpy = models.BigIntegerField(_("金額（税抜） (amount excl. tax)"))
    tax_rate = models.DecimalField(_("税率 (tax rate)"), max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["invoice_id", "position"]
        verbose_name = _("請求明細 (invoice line)")
        verbose_name_plural = _("請求明細 (invoice lines)")
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique")]

    def __str__(self):
        return f"{self.invoice_id}/{self.position}: {self.description}"


class InvoicedBooking(models.Model):
    """A booking on an invoice. `live` goes false when the invoice is cancelled; the database keeps a booking on
    at most one live invoice, whoever writes and however many runs race."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="invoiced")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="invoicings")
    live = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("請求済みの予約 (invoiced booking)")
        verbose_name_plural = _("請求済みの予約 (invoiced bookings)")
        constraints = [
            models.UniqueConstraint(fields=["booking"], condition=Q(live=True), name="invoiced_booking_once"),
            models.UniqueConstraint(fields=["invoice", "booking"], name="invoiced_booking_unique_per_invoice"),
        ]

    def __str__(self):
        return f"{self.booking_id} on {self.invoice_id}"
