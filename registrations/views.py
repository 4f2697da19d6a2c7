"""Web pages of company registration (利用登録), its approval, the approval setting, and requests to join a company.

The same services and selectors as the API: who may decide is `selectors.may_decide_registration` (a registration
the user may not see is a 404), a refused permission is a 403 page, any other refusal is shown on the form
(backend.web.call_service).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend import errors
from backend.errors import DomainError
from backend.web import call_service, forbid_if_refused_permission, require_permission
from consortia.selectors import access_for, consortium_list, has_verified_email

from . import selectors, services
from .forms import PolicyForm, ReasonForm, RegistrationForm
from .models import Status
from .rules import sme_criteria


# --- The registrant ------------------------------------------------------------------------------------------------
@login_required
def register(request):
    """The form, or what already stands: a pending registration or join request, a company the user belongs to, an
    address not yet verified. Past registrations are listed with their decisions."""
    user = request.user
    verified = has_verified_email(user)
    in_company = bool(access_for(user).member_of)
    pending = selectors.pending_registration_of(user) or selectors.pending_join_request_of(user)
    may_register = verified and not in_company and pending is None
    form = RegistrationForm(request.POST or None) if may_register else None
    if request.method == "POST":
        require_permission(may_register)
        if form.is_valid():
            filed = call_service(
                request,
                form,
                services.register_company,
                success=_("Sent. You will receive an e-mail when it is decided."),
                actor=user,
                **form.service_kwargs(),
            )
            if filed is not None:
                return redirect("company-register")
    return render(
        request,
        "registrations/register.html",
        {
            "form": form,
            "verified": verified,
            "in_company": in_company,
            "pending": pending,
            "pending_registration": selectors.pending_registration_of(user),
            "approver": selectors.approver_label(pending) if pending and hasattr(pending, "applicant") else "",
            "past": selectors.registrations_of(user).exclude(status=Status.PENDING)[:10],
            "past_join_requests": selectors.join_requests_of(user).exclude(status=Status.PENDING)[:10],
            "criteria": sme_criteria(),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _act(request, service, *, success: str, **kwargs) -> bool:
    """A verb with no input of its own (approve, withdraw): a refused permission is the 403 page, any other refusal
    a message on the page the user is sent back to."""
    try:
        service(actor=request.user, **kwargs)
    except DomainError as error:
        forbid_if_refused_permission(error)
        if isinstance(error, errors.NotFound):
            raise Http404(error.message) from error
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def withdraw(request, pk: int):
    _act(request, services.withdraw_registration, success=_("Withdrawn."), registration_id=pk)
    return redirect("company-register")


@login_required
@require_POST
def withdraw_join_request(request, pk: int):
    _act(request, services.withdraw_join_request, success=_("Withdrawn."), join_request_id=pk)
    return redirect("company-register")


# --- The approvers -------------------------------------------------------------------------------------------------
def _approver(user) -> None:
    access = access_for(user)
    if not (access.secretariat_of or access.staff_of or access.is_superuser):
        raise PermissionDenied(_("Company registrations are decided by the consortium's secretariat or staff."))


@login_required
def registration_list(request):
    """Pending registrations the user decides, the oldest first, then those decided lately."""
    _approver(request.user)
    scope = selectors.registrations_scope(request.user).select_related("applicant", "consortium", "institution")
    return render(
        request,
        "registrations/list.html",
        {
            "pending": selectors.registrations_to_decide(request.user),
            "decided": scope.exclude(status=Status.PENDING).select_related("decided_by").order_by("-decided_at")[:30],
            "may_set_policy": bool(access_for(request.user).secretariat_of),
        },
    )


def _visible(user, pk: int):
    registration = selectors.registrations_visible_to(user).filter(pk=pk).first()
    if registration is None:
        raise Http404("no such registration")
    return registration


@login_required
def registration_detail(request, pk: int, form: ReasonForm | None = None, status: int = 200):
    registration = _visible(request.user, pk)
    may_decide = registration.is_pending and selectors.may_decide_registration(request.user, registration)
    return render(
        request,
        "registrations/detail.html",
        {
            "registration": registration,
            "may_decide": may_decide,
            "form": form or ReasonForm(),
            "approver": selectors.approver_label(registration),
            "criteria": sme_criteria(),
        },
        status=status,
    )


@login_required
@require_POST
def approve(request, pk: int):
    registration = _visible(request.user, pk)
    _act(
        request,
        services.approve_registration,
        success=_("Approved: the company is registered and its admin informed."),
        registration_id=registration.pk,
    )
    return redirect("registration-page", pk=pk)


@login_required
@require_POST
def refuse(request, pk: int):
    registration = _visible(request.user, pk)
    form = ReasonForm(request.POST)
    require_permission(selectors.may_decide_registration(request.user, registration))
    if form.is_valid() and call_service(
        request,
        form,
        services.refuse_registration,
        success=_("Refused: the registrant is informed with your reason."),
        actor=request.user,
        registration_id=registration.pk,
        reason=form.cleaned_data["reason"],
    ):
        return redirect("registration-page", pk=pk)
    return registration_detail(request, pk, form=form, status=400)


@login_required
def policy(request):
    """The secretariat chooses, per consortium, who approves its company registrations."""
    access = access_for(request.user)
    if not access.secretariat_of:
        raise PermissionDenied(_("Only a consortium's secretariat may change this."))
    consortia = list(consortium_list().filter(id__in=access.secretariat_of))
    forms = []
    failed = False
    for consortium in consortia:
        posted = request.method == "POST" and request.POST.get("consortium") == str(consortium.pk)
        form = PolicyForm(request.POST if posted else None, instance=selectors.policy_of(consortium))
        if posted and form.is_valid():
            done = call_service(
                request,
                form,
                services.set_registration_policy,
                success=_("Saved."),
                actor=request.user,
                consortium=consortium,
                approver=form.cleaned_data["approver"],
            )
            if done is not None:
                return redirect("registration-policy")
        failed = failed or bool(form.errors)
        forms.append((consortium, form))
    return render(request, "registrations/policy.html", {"forms": forms}, status=400 if failed else 200)


# --- A company's admins: requests to join it -----------------------------------------------------------------------
@login_required
def join_requests(request, form: ReasonForm | None = None, failed_id: int | None = None, status: int = 200):
    if not access_for(request.user).admin_of:
        raise PermissionDenied(_("Requests to join a company are decided by its admins."))
    rows = [
        (join_request, form if join_request.pk == failed_id else ReasonForm(auto_id=f"id_{join_request.pk}_%s"))
        for join_request in selectors.join_requests_to_decide(request.user)
    ]
    return render(
        request,
        "registrations/join_requests.html",
        {
            "rows": rows,
            "decided": selectors.join_requests_decided_by_admins_of(request.user).exclude(status=Status.PENDING)[:30],
        },
        status=status,
    )


@login_required
@require_POST
def decide_join_request(request, pk: int, verb: str):
    if verb == "approve":
        _act(
            request,
            services.approve_join_request,
            success=_("Approved: they are now a user of the company."),
            join_request_id=pk,
        )
        return redirect("join-requests")
    form = ReasonForm(request.POST, auto_id=f"id_{pk}_%s")
    if form.is_valid() and call_service(
        request,
        form,
        services.refuse_join_request,
        success=_("Refused: the requester is informed with your reason."),
        actor=request.user,
        join_request_id=pk,
        reason=form.cleaned_data["reason"],
    ):
        return redirect("join-requests")
    return join_requests(request, form=form, failed_id=pk, status=400)
