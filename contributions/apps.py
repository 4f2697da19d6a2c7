"""技術職員の貢献: what each institution's operators contributed (hours operated, consultations answered), and the
monthly statement of lent operators' hours between two institutions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Staff contributions")
