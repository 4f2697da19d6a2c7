"""Operators (専門人材): staff who run instruments for others, their working hours, absences and lending agreements."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Operators")
