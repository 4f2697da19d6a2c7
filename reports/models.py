"""A generated utilization report: what was asked, how far its build got, and its files."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.periods import Period
from consortia.models import Consortium, Institution

FORMATS = ("csv", "xlsx", "pdf")
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF"}  # the same in every language


def report_upload_to(instance, filename):
    return f"reports/{instance.id}/{filename}"


class Report(models.Model):
    """One consortium's figures for a period, built in Celery (services.build_report).

    `id` is the stable identity shown to users and in e-mail links. A build claims the row with a
    conditional update (queued → running), so a task delivered twice builds it once.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report status", "Queued")
        RUNNING = "running", pgettext_lazy("report status", "Running")
        DONE = "done", pgettext_lazy("report status", "Done")
        FAILED = "failed", pgettext_lazy("report status", "Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="reports", verbose_name=_("consortium")
    )
    period_start = models.DateTimeField(_("period start"))
    period_end = models.DateTimeField(_("period end (excluded)"))
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("institution (blank: the whole consortium)"),
    )
    scheduled = models.BooleanField(_("monthly schedule"), default=False)
    # The language of the files (and of the stored error): the requester's, or for the monthly schedule one
    # report per language its readers use (services.schedule_monthly_reports).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    csv_file = models.FileField(_("CSV"), upload_to=report_upload_to, blank=True)
    xlsx_file = models.FileField(_("Excel"), upload_to=report_upload_to, blank=True)
    pdf_file = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    announced_at = models.DateTimeField(_("secretariat told at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("utilization report")
        verbose_name_plural = _("utilization reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lt=F("period_end")), name="report_period_start_before_end"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
            # The monthly schedule makes one report per consortium, month and language, however often it runs.
            models.UniqueConstraint(
                fields=["consortium", "period_start", "period_end", "language"],
                condition=Q(scheduled=True),
                name="report_one_scheduled_per_period",
            ),
        ]

    def __str__(self):
        scope = f" / {self.institution}" if self.institution_id else ""
        return f"{self.consortium} {self.period.label}{scope} ({self.status})"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)

    def file_for(self, fmt: str):
        return getattr(self, f"{fmt}_file")
