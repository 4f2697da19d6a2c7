"""`manage.py check --deploy` warns while two-factor authentication is waived (settings.MFA_WAIVED, for the demo)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def mfa_not_waived(app_configs, **kwargs):
    if settings.MFA_WAIVED:
        return [
            Warning(
                "KYOYO_MFA_WAIVED is on: staff, secretariats, coordinators and superusers act without two-factor "
                "authentication.",
                hint="Unset KYOYO_MFA_WAIVED (it is meant for the demo of `make run` only).",
                id="kyoyo.W001",
            )
        ]
    return []
