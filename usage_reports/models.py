"""The usage report (利用報告書) a company owes after each completed booking, by a deadline the institution sets.

The obligation itself is not a row: every completed booking with a company owes one, due
`Institution.usage_report_due_days` days after the day its use ended (see selectors). A report, once submitted,
keeps the deadline it was submitted against and whether it made it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from consortia.models import Company


class Outcome(models.TextChoices):
    PRODUCT_DEVELOPMENT = "product_development", _("製品開発 (product development)")
    QUALITY_CONTROL = "quality_control", _("品質管理 (quality control)")
    TROUBLESHOOTING = "troubleshooting", _("不具合解析 (troubleshooting)")
    RESEARCH = "research", _("研究開発 (research)")
    OTHER = "other", _("その他 (other)")


class UsageReport(models.Model):
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, related_name="usage_report", verbose_name=_("予約 (booking)")
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="usage_reports", verbose_name=_("企業 (company)")
    )
    summary = models.TextField(_("利用の概要と成果 (summary)"), max_length=4000)
    outcome = models.CharField(_("成果の区分 (outcome)"), max_length=30, choices=Outcome.choices)
    publishable = models.BooleanField(_("公開可 (may be published)"))
    embargo_until = models.DateField(
        _("公開制限日 (embargo until)"),
        null=True,
        blank=True,
        help_text=_("この日より前は公開しない (nothing is shown before this day)"),
    )
    publications = models.TextField(_("発表・特許等 (publications)"), max_length=4000, blank=True)
    due_on = models.DateField(_("提出期限 (due on)"))
    on_time = models.BooleanField(_("期限内に提出 (submitted on time)"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提出日時 (submitted at)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("利用報告書 (usage report)")
        verbose_name_plural = _("利用報告書 (usage reports)")
        indexes = [models.Index(fields=["company", "submitted_at"], name="usage_report_company")]

    def __str__(self):
        return f"利用報告書 #{self.booking_id}"
