"""The account page (/account/): the person's name and language, the e-mails they receive, their security
(password, two-factor, sessions, API tokens), their roles, the download of their personal data and closing the
account. Each section is its own form and POST; a refusal re-shows the whole page with that form's errors (400).
The same services as the API: consortia's (profile, tokens, deactivation), allauth's sessions (account_sessions)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.errors import DomainError
from backend.web import call_service, forbid_if_refused_permission
from consortia.selectors import (
    api_tokens_of,
    companies_left_without_admin,
    has_two_factor,
    roles_of,
    two_factor_required,
)
from consortia.services import issue_api_token, revoke_api_token, update_profile

from .account_forms import PROFILE_FORM_FIELDS, DeactivateForm, EmailChoicesForm, ProfileForm, TokenForm
from .account_sessions import end_other_sessions, end_session, record_current_session, sessions_of
from .deactivation import confirm_deactivation, deactivate_account
from .personal_data import personal_data_response

# The roles pages of each scope (people app) and which roles administer that scope.
PEOPLE_PAGES = {
    "company_admin": ("company-people", "company_id"),
    "institution_admin": ("institution-people", "institution_id"),
    "secretariat": ("consortium-people", "consortium_id"),
}


def _people_url(role) -> str:
    """The roles page of the scope the role administers; '' for other roles, or while there is no such page."""
    url_name, scope = PEOPLE_PAGES.get(role.kind, ("", ""))
    try:
        return reverse(url_name, args=[getattr(role, scope)]) if url_name else ""
    except NoReverseMatch:
        return ""


def _page(request, *, status: int = 200, **forms):
    user = request.user
    context = {
        "profile_form": forms.get("profile_form")
        or ProfileForm(initial={name: getattr(user, name) for name in PROFILE_FORM_FIELDS}),
        "email_form": forms.get("email_form")
        or EmailChoicesForm(
            initial={"receives_digests": user.receives_digests, "receives_reminders": user.receives_reminders}
        ),
        "token_form": forms.get("token_form") or TokenForm(),
        "new_key": forms.get("new_key"),
        "sessions": sessions_of(user, current_key=request.session.session_key),
        "tokens": list(api_tokens_of(user)),
        "roles": [(role, _people_url(role)) for role in roles_of(user)],
        "two_factor_on": has_two_factor(user),
        "two_factor_required": two_factor_required(user),
    }
    return render(request, "accounts/account/page.html", context, status=status)


@login_required
def account_page(request):
    record_current_session(request)
    return _page(request)


def _save_profile_section(request, form_class, *, success: str, form_key: str):
    """One section of the profile (names and language, or e-mail choices): through update_profile, back to the
    page; an invalid or refused form is shown again in its section with status 400."""
    form = form_class(request.POST)
    if form.is_valid():
        saved = call_service(request, form, update_profile, success=success, actor=request.user, **form.cleaned_data)
        if saved is not None:
            return redirect("account")
    return _page(request, **{form_key: form}, status=400)


@login_required
@require_POST
def profile(request):
    return _save_profile_section(
        request, ProfileForm, success=_("Your name and language are saved."), form_key="profile_form"
    )


@login_required
@require_POST
def emails(request):
    return _save_profile_section(
        request, EmailChoicesForm, success=_("Your e-mail choices are saved."), form_key="email_form"
    )


@login_required
@require_POST
def session_end(request, pk: int):
    try:
        ended_key = end_session(actor=request.user, session_id=pk)
    except DomainError as error:
        forbid_if_refused_permission(error)
        messages.error(request, error.message)
        return redirect("account")
    if ended_key == request.session.session_key:  # this very session: logged out here
        logout(request)
        return redirect(settings.LOGIN_URL)
    messages.success(request, _("The session is ended."))
    return redirect("account")


@login_required
@require_POST
def sessions_end_others(request):
    ended = end_other_sessions(actor=request.user, current_key=request.session.session_key)
    messages.success(request, _("Other sessions ended: %(count)d.") % {"count": ended})
    return redirect("account")


@login_required
@require_POST
def token_issue(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        issued = call_service(request, form, issue_api_token, user=request.user, name=form.cleaned_data["name"])
        if issued is not None:
            _token, key = issued
            return _page(request, new_key=key)  # shown this once: no redirect, nothing kept
    return _page(request, token_form=form, status=400)


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        revoke_api_token(actor=request.user, token_id=pk)
    except DomainError as error:
        forbid_if_refused_permission(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token is revoked."))
    return redirect("account")


@login_required
def personal_data(request):
    return personal_data_response(request.user)


@login_required
def deactivate(request):
    """Closing the account: what is kept and what is removed, then a confirmation (username or password)."""
    form = DeactivateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                confirm_deactivation(user=request.user, **form.cleaned_data)
                deactivate_account(actor=request.user, user=request.user)
            except DomainError as error:
                forbid_if_refused_permission(error)
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                logout(request)
                messages.success(request, _("Your account is closed. Thank you for using Kyoyo."))
                return redirect("home")
    context = {"form": form, "stranded": companies_left_without_admin(request.user)}
    return render(request, "accounts/account/deactivate.html", context, status=status)
