"""The usage report (利用報告書) a company owes after each completed booking, by a deadline the institution sets.

The obligation itself is not a row: every completed booking with a company owes one, due
`Institution.usage_report_due_days` days after the day its use ended (see selectors). A report, once submitted,
keeps the deadline it was submitted against and whether it made it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models import Booking
from consortia.models import Company


class Outcome(models.TextChoices):
    PRODUCT_DEVELOPMENT = "product_development", _("Product development")
    QUALITY_CONTROL = "quality_control", _("Quality control")
    TROUBLESHOOTING = "troubleshooting", _("Troubleshooting")
    RESEARCH = "research", _("Research and development")
    OTHER = "other", pgettext_lazy("usage report outcome", "Other")


class UsageReport(models.Model):
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, related_name="usage_report", verbose_name=_("booking")
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="usage_reports", verbose_name=_("company")
    )
    summary = models.TextField(_("summary of the use and its results"), max_length=4000)
    outcome = models.CharField(_("kind of outcome"), max_length=30, choices=Outcome.choices)
    publishable = models.BooleanField(_("may be published"))
    embargo_until = models.DateField(
        _("embargo until"),
        null=True,
        blank=True,
        help_text=_("Nothing is shown before this day."),
    )
    publications = models.TextField(_("publications and patents"), max_length=4000, blank=True)
    due_on = models.DateField(_("due on"))
    on_time = models.BooleanField(_("submitted on time"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("usage report")
        verbose_name_plural = _("usage reports")
        indexes = [models.Index(fields=["company", "submitted_at"], name="usage_report_company")]

    def __str__(self):
        return _("Usage report #%(booking)s") % {"booking": self.booking_id}
