"""djangosaml2's views, as the product uses them; imported only when single sign-on is on and a page of it is asked
for (sso.views), since it imports pysaml2.

Each view runs with djangosaml2's own session (`request.saml_session`, a cookie of its own that the identity
provider's cross-site POST carries back, where the site's session cookie, SameSite=Lax, does not come along).
"""

import logging

from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from djangosaml2.cache import OutstandingQueriesCache
from djangosaml2.middleware import SamlSessionMiddleware
from djangosaml2.views import (
    AssertionConsumerServiceView,
    LoginView,
    LogoutView,
    MetadataView,
    _set_subject_id,
)

from backend.errors import DomainError

from . import selectors, services
from .rules import read_assertion

logger = logging.getLogger(__name__)
with_saml_session = decorator_from_middleware(SamlSessionMiddleware)

# What /saml2/link/ leaves in the SAML session: the user who asked, then also the id of the request sent for them,
# so that only the answer to that very request links (any other answer is an ordinary log in).
LINK = "kyoyo_sso_link"


class Refused(DjangoPermissionDenied):
    """A verified assertion the product does not let in; carries the domain refusal the page explains."""

    def __init__(self, refusal: DomainError | None):
        super().__init__(refusal.message if refusal else "")
        self.refusal = refusal


class SsoLoginView(LoginView):
    """Sends the person to their identity provider (through GakuNin's discovery service when one is set)."""

    wayf_template = "sso/wayf.html"

    def unknown_idp(self, request, idp):
        return HttpResponseBadRequest(_("This identity provider is not known here."))

    def linking(self, request) -> bool:
        pending = request.saml_session.get(LINK) or {}
        return request.user.is_authenticated and pending.get("user") == request.user.pk

    def should_prevent_auth(self, request) -> bool:
        return request.user.is_authenticated and not self.linking(request)

    def get(self, request, *args, **kwargs):
        queries = OutstandingQueriesCache(request.saml_session)
        before = set(queries.outstanding_queries())
        response = super().get(request, *args, **kwargs)
        if self.linking(request):
            sent = set(OutstandingQueriesCache(request.saml_session).outstanding_queries()) - before
            if sent:
                request.saml_session[LINK] = {"user": request.user.pk, "query": sent.pop()}
        return response


class SsoAcsView(AssertionConsumerServiceView):
    """Receives the identity provider's signed answer: pysaml2 checks it, then the person logs in (sso.backends)
    or, for a link asked on /saml2/link/, the identity is attached to the account that asked."""

    linked = False
    answered = None

    def post(self, request, *args, **kwargs):
        if "SAMLResponse" not in request.POST:
            return self.handle_acs_failure(request, status=400)
        return super().post(request, *args, **kwargs)

    def custom_validation(self, response):
        self.answered = response.session_id()  # the id of the request this answers (pysaml2 checked it is ours)

    def authenticate_user(self, request, session_info, attribute_mapping, create_unknown_user, assertion_info):
        pending = request.saml_session.get(LINK) or {}
        if pending.get("query") and pending["query"] == self.answered:
            del request.saml_session[LINK]
            return self.link(request, pending["user"], session_info)
        user = auth.authenticate(request=request, session_info=session_info)
        if user is None:
            raise Refused(getattr(request, "sso_refusal", None))
        auth.login(request, user)
        _set_subject_id(request.saml_session, session_info["name_id"])
        return user

    def link(self, request, user_id, session_info):
        user = selectors.active_user(user_id)
        assertion = read_assertion(session_info.get("ava") or {})
        if user is None or assertion is None:
            raise Refused(None)
        try:
            services.link_identity(user=user, assertion=assertion, idp=str(session_info.get("issuer") or ""))
        except DomainError as exc:
            raise Refused(exc) from None
        self.linked = True
        return user

    def custom_redirect(self, user, relay_state, session_info):
        if self.linked:
            messages.success(self.request, _("GakuNin is linked to your account."))
            return reverse("sso-link")
        return None

    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        refusal = exception.refusal if isinstance(exception, Refused) else None
        return render(request, "sso/refused.html", {"refusal": refusal}, status=403 if refusal else status)


class SsoLogoutView(LogoutView):
    """The single logout service: a logout asked by the identity provider, or its answer to ours. Whatever fails
    in it (a message that does not parse, a session already gone) logs the person out here and says so."""

    logout_error_template = "djangosaml2/logout_error.html"  # the product's own (sso/templates/djangosaml2/)

    def do_logout_service(self, request, data, binding, *args, **kwargs):
        try:
            return super().do_logout_service(request, data, binding, *args, **kwargs)
        except Exception:
            logger.warning("SAML logout message refused", exc_info=True)
            auth.logout(request)
            return render(request, "djangosaml2/logout_error.html", status=400)


def _begin_link(request):
    """Remember who asked to link, then send them through the ordinary log in to their identity provider."""
    request.saml_session[LINK] = {"user": request.user.pk}
    return redirect(f"{reverse('saml2_login')}?next={reverse('sso-link')}")


begin_link = with_saml_session(_begin_link)
VIEWS = {
    "login": with_saml_session(SsoLoginView.as_view()),
    "acs": with_saml_session(SsoAcsView.as_view()),
    "metadata": with_saml_session(MetadataView.as_view()),
    "logout": with_saml_session(SsoLogoutView.as_view()),
}
