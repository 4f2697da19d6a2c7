"""The pages of 学認 (GakuNin) single sign-on. Every one answers 404 while it is off (KYOYO_SAML_ENABLED); the SAML
ones are djangosaml2's (sso.saml_views), imported on their first use so that the site starts without pysaml2."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from backend.errors import DomainError

from . import selectors, services


def require_enabled() -> None:
    if not selectors.is_enabled():
        raise Http404


def saml_view(name: str):
    """djangosaml2's view `name` of sso.saml_views.VIEWS, behind the switch."""

    def view(request, *args, **kwargs):
        require_enabled()
        from .saml_views import VIEWS

        return VIEWS[name](request, *args, **kwargs)

    view.__name__ = f"saml2_{name}"
    return view


login = saml_view("login")
metadata = saml_view("metadata")
# The identity provider posts its answers from its own site: no CSRF token can come along; the SAML message's
# signature and the id of the request it answers are what is checked instead.
acs = csrf_exempt(saml_view("acs"))
logout_service = csrf_exempt(saml_view("logout"))


@require_http_methods(["GET", "POST"])
def link(request):
    """The person's 学認 link: linked or not; link (through their identity provider) or unlink."""
    require_enabled()
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())  # back here after the log in
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "link":
            from .saml_views import begin_link

            return begin_link(request)
        if action != "unlink":
            return HttpResponseBadRequest(_("Unknown action."))
        try:
            services.unlink_identity(user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("GakuNin is no longer linked to your account."))
        return redirect("sso-link")
    return render(request, "sso/link.html", {"identity": selectors.identity_of(request.user)})
