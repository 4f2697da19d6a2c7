"""What a user typed survives a session that expired mid-form.

A form sent without a live session is answered by a redirect to the login page (`login_required`, or a page's own
`login?next=…`), or, when its CSRF token no longer matches (the user logged in again in another tab), by the CSRF
failure view. Either way the form's fields are kept in the session under the page's path (`keep_input`, under the path of the page the form was on) — never a
password, a file or the CSRF token — and the page, shown again after login, gets them once (`kept_input`, rendered
by base.html as JSON) for kyoyo.js to put back into the form. Logging in keeps an anonymous session's data
(`django.contrib.auth.login` cycles its key), so they cross the login.

Only a same-origin form is kept: a cross-site POST (CSRF's very case) must not fill a user's form with what
another site chose.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure

SESSION_KEY = "kyoyo_kept_input"
MAX_CHARACTERS = 100_000  # more than any form of the product; beyond it nothing is kept
NEVER_KEPT = ("csrfmiddlewaretoken", "password")  # field names containing these


def _same_origin(request) -> bool:
    origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(origin)
    return bool(parts.netloc) and parts.netloc == request.get_host() and parts.scheme in ("http", "https")


def _is_page_post(request) -> bool:
    return (
        request.method == "POST"
        and not request.path.startswith("/api/")
        and request.path != settings.LOGIN_URL
        and not request.FILES
    )


def form_page(request) -> str:
    """The path of the page the form was on: the Referer's on this site (an action's address, such as
    /bookings/7/cancel/, takes only POST), else the address it was sent to."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and url_has_allowed_host_and_scheme(
        referer.path, allowed_hosts={request.get_host()}
    ):
        return referer.path
    return request.path


def keep_input(request) -> bool:
    """Keep the POSTed fields of a same-origin page form for the page it was on; True if something was kept."""
    if not (_is_page_post(request) and _same_origin(request)):
        return False
    fields = {
        name: values for name, values in request.POST.lists() if not any(never in name.lower() for never in NEVER_KEPT)
    }
    if not fields or sum(len(v) for values in fields.values() for v in values) > MAX_CHARACTERS:
        return False
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept[form_page(request)] = fields
    request.session[SESSION_KEY] = kept
    return True


def kept_input(request) -> dict | None:
    """The fields kept for this page, given once (the next page shown at this path no longer has them)."""
    session = getattr(request, "session", None)
    if session is None or request.method != "GET" or SESSION_KEY not in session:
        return None
    kept = dict(session[SESSION_KEY])
    fields = kept.pop(request.path, None)
    if fields is None:
        return None
    if kept:
        session[SESSION_KEY] = kept
    else:
        del session[SESSION_KEY]
    return fields


class KeepInputAtLoginMiddleware:
    """A page form sent by someone logged out (their session expired) and answered with the login page: its fields
    are kept for the page, to be put back once they have logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 302
            and not request.user.is_authenticated
            and urlsplit(response.get("Location", "")).path == settings.LOGIN_URL
            and keep_input(request)
        ):
            messages.info(request, _("Log in again to send the form: what you typed is kept."))
            response["Location"] = f"{settings.LOGIN_URL}?{urlencode({'next': form_page(request)})}"
        return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a page form whose token is stale (the session expired, or the user logged in elsewhere)
    is not a bare 403: its fields are kept and the user is sent back to the page (through the login page if it
    needs one), told to check and send again. Anything else (a cross-site POST, the API) gets Django's 403."""
    if not (_is_page_post(request) and _same_origin(request)) and not (
        request.path == settings.LOGIN_URL and request.method == "POST" and _same_origin(request)
    ):
        return django_csrf_failure(request, reason)
    kept = keep_input(request)
    if kept:
        messages.warning(
            request,
            _(
                "The page was too old to send (the session may have expired). Check what you typed, kept below, and send it again."
            ),
        )
    else:
        messages.warning(request, _("The page was too old to send (the session may have expired). Please try again."))
    return redirect(form_page(request))


def context(request) -> dict:
    """Template context: `kept_input`, read (and so given up) only by the page that shows it: base.html."""
    memo = []

    def fields():
        if not memo:
            memo.append(kept_input(request))
        return memo[0]

    return {"kept_input": fields}
