"""The roles pages of a company, an institution and a consortium (who holds which role, open invitations, invite,
revoke), and the page an invitation's link opens. The table of consortia.grants decides what each page offers;
the services refuse anything else, and a role or invitation of a scope the user does not administer is a 404."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from backend.errors import DomainError
from backend.throttling import first_refusal
from backend.web import call_service, forbid_if_refused_permission
from consortia.models import Role
from consortia.services import revoke_role

from . import selectors, services
from .forms import InviteForm, NewAccountForm, RevokeForm, role_label
from .models import scope_name
from .throttles import InvitationAcceptThrottle

SCOPE_PARAMETER = {"company": "company", "institution": "institution"}
PAGE_NAMES = {"company": "company-people", "institution": "institution-people", "consortium": "consortium-people"}


def page_url(field: str, scope) -> str:
    if field == "consortium":
        return reverse("consortium-people", args=[scope.pk])
    return f"{reverse(PAGE_NAMES[field])}?{field}={scope.pk}"


def _offers(actor, field: str, scope) -> list:
    """The roles this page offers to invite to: (value, label, kind, scope kwargs)."""
    offers = [
        (kind, role_label(kind), kind, {field: scope}) for kind in selectors.kinds_grantable(actor, **{field: scope})
    ]
    if field == "consortium":  # the administrators of its current member institutions
        for institution in selectors.member_institutions_of(scope):
            if selectors.may_grant(actor, Role.Kind.INSTITUTION_ADMIN, institution=institution):
                label = f"{role_label(Role.Kind.INSTITUTION_ADMIN)} — {institution.localized_name}"
                offers.append(
                    (f"institution_admin:{institution.pk}", label, "institution_admin", {"institution": institution})
                )
    return offers


def _scope_page(request, field: str, scope, scopes, form=None, status=200):
    actor = request.user
    roles = selectors.roles_in(field, scope)
    for role in roles:
        role.revocable = selectors.may_grant(
            actor, role.kind, institution=role.institution_id, consortium=role.consortium_id, company=role.company_id
        )
    offers = _offers(actor, field, scope)
    return render(
        request,
        "people/people.html",
        {
            "field": field,
            "scope": scope,
            "scopes": [(s.pk, scope_name(s)) for s in scopes],
            "scope_name": scope_name(scope),
            "roles": roles,
            "invitations": selectors.open_invitations_in(field, scope),
            "form": form or InviteForm(offers=offers),
            "page_url": page_url(field, scope),
            "page_name": PAGE_NAMES[field],
        },
        status=status,
    )


def _people(request, field: str, scope, scopes):
    if request.method != "POST":
        return _scope_page(request, field, scope, scopes)
    form = InviteForm(request.POST, offers=_offers(request.user, field, scope))
    if form.is_valid():
        kind, scope_kwargs = form.grant()
        invited = call_service(
            request,
            form,
            services.invite,
            actor=request.user,
            email=form.cleaned_data["email"],
            kind=kind,
            language=request.LANGUAGE_CODE,
            success=gettext("The invitation was sent."),
            **scope_kwargs,
        )
        if invited is not None:
            return redirect(page_url(field, scope))
    return _scope_page(request, field, scope, scopes, form, status=400)


def _chosen(request, scopes, field: str):
    if not scopes:
        raise PermissionDenied(gettext("Only those who administer it may manage its people."))
    chosen = request.POST.get(field) or request.GET.get(field)
    if not chosen:
        return scopes[0]
    scope = next((s for s in scopes if str(s.pk) == chosen), None)
    if scope is None:
        raise Http404("not a scope the user administers")
    return scope


@login_required
def company_people(request):
    scopes = selectors.scopes_administered_by(request.user, "company")
    return _people(request, "company", _chosen(request, scopes, "company"), scopes)


@login_required
def institution_people(request):
    scopes = selectors.scopes_administered_by(request.user, "institution")
    return _people(request, "institution", _chosen(request, scopes, "institution"), scopes)


@login_required
def consortium_people(request, pk: int):
    scopes = selectors.scopes_administered_by(request.user, "consortium")
    if not scopes:
        raise PermissionDenied(gettext("Only those who administer it may manage its people."))
    scope = next((s for s in scopes if s.pk == pk), None)
    if scope is None:
        raise Http404("not a consortium the user administers")
    return _people(request, "consortium", scope, scopes)


@login_required
def consortium_people_home(request):
    scopes = selectors.scopes_administered_by(request.user, "consortium")
    if not scopes:
        raise PermissionDenied(gettext("Only those who administer it may manage its people."))
    return redirect("consortium-people", pk=scopes[0].pk)


def _back(request, fallback: str = "/") -> str:
    back = request.POST.get("back") or request.GET.get("back") or ""
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return fallback


@login_required
def role_revoke(request, pk: int):
    """Confirm, then revoke one role (with an optional reason)."""
    role = selectors.role_managed_by(request.user, pk)
    if role is None:
        raise Http404("not a role the user may revoke")
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        call_service(request, form, revoke_role, actor=request.user, role=role, reason=form.cleaned_data["reason"])
        if not form.errors:
            messages.success(request, gettext("The role was revoked."))
            return redirect(_back(request, reverse("home")))
    return render(
        request,
        "people/revoke.html",
        {
            "role": role,
            "where": scope_name(role.institution or role.consortium or role.company),
            "form": form,
            "back": _back(request, reverse("home")),
        },
        status=400 if form.errors else 200,
    )


def _invitation_action(request, pk: int, verb, success: str):
    invitation = selectors.invitation_managed_by(request.user, pk)
    if invitation is None:
        raise Http404("not an invitation the user may manage")
    try:
        verb(actor=request.user, invitation=invitation)
    except DomainError as error:
        forbid_if_refused_permission(error)
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(_back(request, reverse("home")))


@login_required
@require_POST
def invitation_resend(request, pk: int):
    def resend(**kwargs):
        return services.resend_invitation(language=request.LANGUAGE_CODE, **kwargs)

    return _invitation_action(request, pk, resend, gettext("The invitation was sent again."))


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    return _invitation_action(request, pk, services.revoke_invitation, gettext("The invitation was revoked."))


def _gone(request, error: DomainError):
    return render(request, "people/invitation_gone.html", {"message": error.message}, status=error.status)


def invitation(request, key: str):
    """The page of an invitation's link: accept it (logged in), or create the account for the invited address."""
    found = selectors.invitation_for_key(key)
    if found is None:
        return _gone(
            request, DomainError("invitation_not_found", gettext("This invitation link is not valid."), status=404)
        )
    state = selectors.invitation_state(found)
    if state != "open":
        return _gone(request, DomainError(state, selectors.STATE_MESSAGES[state](), status=services.GONE))
    form = None
    if not request.user.is_authenticated:
        form = NewAccountForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    status = 200
    if request.method == "POST":
        wait = first_refusal(request, [InvitationAcceptThrottle])
        if wait is not None:
            message = gettext("Too many attempts. Try again in %(minutes)d minutes.") % {"minutes": wait}
            return render(request, "people/invitation_gone.html", {"message": message}, status=429)
        try:
            if request.user.is_authenticated:
                services.accept_invitation(key=key, user=request.user)
                user = request.user
            elif form.is_valid():
                user = services.accept_invitation_with_new_account(
                    key=key,
                    password=form.cleaned_data["password1"],
                    accepts_terms=form.cleaned_data["accepts_terms"] and form.cleaned_data["accepts_privacy"],
                    **form.account_fields(),
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                user = None
        except DomainError as error:
            if error.status in (404, services.GONE):
                return _gone(request, error)
            if form is None:
                forbid_if_refused_permission(error)
                messages.error(request, error.message)
                return redirect("invitation", key=key)
            form.add_error(error.field if error.field in form.fields else None, error.message)
            user = None
        if user is not None:
            messages.success(
                request, gettext("Welcome: your new role is %(role)s.") % {"role": found.get_kind_display()}
            )
            return redirect("home")
        status = 400
    login_url = f"{reverse('login')}?next={request.path}"
    return render(
        request, "people/invitation.html", {"invitation": found, "form": form, "login_url": login_url}, status=status
    )
