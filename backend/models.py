"""The one table of the plumbing: the embedded schedule's memory (backend.schedule)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleEntry(models.Model):
    """When a task of CELERY_BEAT_SCHEDULE last ran in embedded mode, and which process holds it while it runs."""

    name = models.CharField(_("name"), max_length=200, primary_key=True)
    last_run_at = models.DateTimeField(_("last run"))
    claimed_by = models.CharField(_("running in"), max_length=200, blank=True)
    claimed_until = models.DateTimeField(_("claim lapses at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled task")
        verbose_name_plural = _("scheduled tasks")

    def __str__(self):
        return f"{self.name} ({self.last_run_at:%Y-%m-%d %H:%M})"
