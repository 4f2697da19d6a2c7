"""The front door's own pages beside django-allauth's: the terms of use and the privacy notice, accepting a new
version of them, and allauth's password reset limited as the product limits it (backend.throttling)."""

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext

from backend.throttling import PasswordResetAddressThrottle, PasswordResetEmailThrottle, first_refusal
from consortia import selectors as consortia_selectors
from consortia import services as consortia_services

from .forms import AcceptTermsForm


def terms(request):
    return render(request, "accounts/terms.html", {"version": settings.TERMS_VERSION})


def privacy(request):
    return render(request, "accounts/privacy.html", {"version": settings.TERMS_VERSION})


def _next_of(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


@login_required
def accept_terms(request):
    """The terms changed since the person accepted them (accounts.middleware sends them here): accept the new ones,
    then go on where they were going."""
    if consortia_selectors.has_accepted_terms(request.user):
        return redirect(_next_of(request))
    form = AcceptTermsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consortia_services.accept_terms(user=request.user)
        return redirect(_next_of(request))
    return render(
        request,
        "accounts/terms_accept.html",
        {"form": form, "next": _next_of(request), "version": settings.TERMS_VERSION},
        status=400 if form.errors else 200,
    )


class PasswordResetView(allauth_views.PasswordResetView):
    """allauth's password reset, limited per client address and per e-mail address typed, so that nobody can flood
    a mailbox or the mail server. The limit counts an address whether or not an account has it, so the answer never
    tells whether one exists: the same confirmation page, or the same refusal (429) on the form."""

    def post(self, request, *args, **kwargs):
        minutes = first_refusal(request, [PasswordResetAddressThrottle, PasswordResetEmailThrottle])
        if minutes is None:
            return super().post(request, *args, **kwargs)
        form = self.get_form()
        form.is_valid()
        form.add_error(
            None,
            ngettext(
                "Too many reset requests; try again in about %(minutes)d minute.",
                "Too many reset requests; try again in about %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return self.render_to_response(self.get_context_data(form=form), status=429)


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, answering alike whether or not the address already had an account: both go on to the
    page that asks to follow the link just e-mailed (a new account also logged in meanwhile; the other address's
    owner is told by e-mail that someone tried)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code in (200, 302):
            return redirect("account_email_verification_sent")
        return response
