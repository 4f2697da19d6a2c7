"""Before a logged-in person acts: the terms now in force accepted, and two-factor authentication set up where
their roles require it.

- Terms: a person who accepted an older version (a non-empty `terms_version` other than settings.TERMS_VERSION) is
  sent to /terms/accept/. Accounts that never accepted any (made before terms existed: the demo, the admin) are not
  stopped; sign-up, invitations and single sign-on record an acceptance for every new account.
- Two-factor: staff, institution administrators, secretariats, coordinators and superusers without an authenticator
  app are sent to its set-up page (consortia.selectors.lacks_required_two_factor; settings.MFA_WAIVED waives it).
  The API answers 403 `mfa_required` instead.

Meanwhile the pages that lead there stay open: two-factor set-up, logging out, the terms, e-mail verification and
password pages, static files and the language switch.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from consortia import selectors as consortia_selectors

ALWAYS_OPEN = ("/accounts/", "/terms/", "/privacy/", "/i18n/", "/healthz", "/favicon.ico", "/static/", "/media/")


def _open(path: str) -> bool:
    return path.startswith(ALWAYS_OPEN) or path.startswith("/" + settings.STATIC_URL.lstrip("/"))


def _redirect_with_next(request, to: str):
    return redirect(f"{to}?{urlencode({'next': request.get_full_path()})}")


class FrontDoorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        is_api = request.path.startswith("/api/")
        if user.terms_version and user.terms_version != settings.TERMS_VERSION and not _open(request.path):
            if is_api:
                return JsonResponse(
                    {"code": "terms_not_accepted", "detail": _("Accept the new terms of use on the site first.")},
                    status=403,
                )
            return _redirect_with_next(request, reverse("terms-accept"))
        if (is_api or not _open(request.path)) and consortia_selectors.lacks_required_two_factor(user):
            if is_api:
                refusal = consortia_selectors.mfa_required_refusal()
                return JsonResponse(refusal.as_dict(), status=refusal.status)
            return _redirect_with_next(request, reverse("mfa_activate_totp"))
        return self.get_response(request)
