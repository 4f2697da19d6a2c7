"""The staffing pages: an institution's operators (/staff/operators/), an operator's weekly pattern (also edited by
their staff admin), the operator's own page (/operator/), and the lending agreements (/staff/agreements/). They
read staffing.selectors (and its `may_<verb>` predicates to show actions) and change things through
staffing.services only; a refusal follows backend.web's policy (a refused permission is the 403 page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backend.errors import DomainError
from backend.web import call_service, forbid_if_refused_permission, require_permission
from consortia.selectors import access_for, may_administer_institution
from equipment.selectors import may_manage_instruments

from . import selectors, services
from .forms import ConsentForm, EnrolForm, ProposeAgreementForm, WeeklyPatternForm

STATUS_LABELS = {
    "awaiting_both": gettext_lazy("Awaiting both sides"),
    "awaiting_lender": gettext_lazy("Awaiting the lending institution"),
    "awaiting_borrower": gettext_lazy("Awaiting the borrowing institution"),
    "not_yet": gettext_lazy("Confirmed, not yet in force"),
    "in_force": gettext_lazy("In force"),
    "over": gettext_lazy("Over"),
    "ended": gettext_lazy("Ended"),
}


def _status_label(code: str) -> str:
    return str(STATUS_LABELS[code])


# --- An institution's operators -----------------------------------------------------------------------------------


def _chosen_institution(request):
    institutions = selectors.institutions_seen_on_operator_page(request.user)
    if not institutions:
        raise PermissionDenied(_("Only the institution's staff may see its operators."))
    chosen = request.POST.get("institution") or request.GET.get("institution")
    if not chosen:
        return institutions[0], institutions
    institution = next((i for i in institutions if str(i.pk) == chosen), None)
    if institution is None:
        raise Http404("not an institution the user is staff of")
    return institution, institutions


def _operators_page(request, institution, institutions, form=None, status=200):
    operators = list(selectors.operators_of(institution.id))
    lent_in = list(selectors.lent_in_to(institution.id))
    qualified = selectors.qualifications_by_user({o.user_id for o in operators} | {a.operator.user_id for a in lent_in})
    manages = may_administer_institution(request.user, institution.id)
    for operator in operators:
        operator.instruments_qualified = qualified[operator.user_id]
        operator.may_set_hours = selectors.may_set_working_hours(request.user, operator)
    for agreement in lent_in:
        agreement.instruments_qualified = qualified[agreement.operator.user_id]
    candidates = selectors.staff_not_enrolled(institution.id)
    return render(
        request,
        "staffing/operators.html",
        {
            "institution": institution,
            "institutions": institutions,
            "operators": operators,
            "lent_in": lent_in,
            "manages": manages,
            "links_qualifications": may_manage_instruments(request.user, institution.id),
            "form": form or (EnrolForm(candidates=candidates) if manages else None),
        },
        status=status,
    )


@login_required
def operators(request):
    """The institution's operators with their qualifications and weekly pattern, those lent to it apart; its staff
    admin enrols a staff member here."""
    institution, institutions = _chosen_institution(request)
    if request.method != "POST":
        return _operators_page(request, institution, institutions)
    require_permission(selectors.may_enrol_operator(request.user, institution.id))
    form = EnrolForm(request.POST, candidates=selectors.staff_not_enrolled(institution.id))
    if form.is_valid():
        enrolled = call_service(
            request,
            form,
            services.enrol_operator,
            success=_("The operator was enrolled."),
            actor=request.user,
            institution=institution,
            **form.cleaned_data,
        )
        if enrolled is not None:
            return redirect(f"{reverse('staff-operators')}?institution={institution.pk}")
    return _operators_page(request, institution, institutions, form, status=400)


def _visible_operator(request, pk: int):
    return get_object_or_404(selectors.operators_visible_to(request.user), pk=pk)


@login_required
@require_POST
def operator_active(request, pk: int):
    """Take assignments, or stop taking them (the staff admin's switch)."""
    operator = _visible_operator(request, pk)
    require_permission(selectors.may_update_operator(request.user, operator))
    active = request.POST.get("active") == "1"
    try:
        services.update_operator(actor=request.user, operator=operator, active=active)
    except DomainError as error:
        forbid_if_refused_permission(error)
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The operator takes assignments.") if active else _("The operator no longer takes assignments.")
        )
    return redirect(f"{reverse('staff-operators')}?institution={operator.institution_id}")


def _hours_page(request, operator, form, template, extra=None, status=200):
    context = {"operator": operator, "form": form, **(extra or {})}
    return render(request, template, context, status=status)


def _save_hours(request, operator, form) -> bool:
    """Parse and save the pattern; a refusal goes next to the weekday it concerns. True when saved."""
    if not form.is_valid():
        return False
    try:
        services.set_working_hours(actor=request.user, operator=operator, pattern=form.cleaned_data["pattern"])
    except DomainError as error:
        forbid_if_refused_permission(error)
        index = error.extra.get("index")
        field = form.field_of[index] if index is not None and index < len(form.field_of) else None
        form.add_error(field, error.message)
        return False
    messages.success(request, _("The working hours were saved."))
    return True


@login_required
def operator_hours(request, pk: int):
    """An operator's weekly pattern, edited by them or their staff admin."""
    operator = _visible_operator(request, pk)
    require_permission(selectors.may_set_working_hours(request.user, operator))
    if request.method == "POST":
        form = WeeklyPatternForm(request.POST)
        if _save_hours(request, operator, form):
            return redirect(f"{reverse('staff-operators')}?institution={operator.institution_id}")
        return _hours_page(request, operator, form, "staffing/hours.html", status=400)
    form = WeeklyPatternForm(pattern=selectors.pattern_of(operator).values_list("weekday", "starts", "ends"))
    return _hours_page(request, operator, form, "staffing/hours.html")


# --- The operator's own page ----------------------------------------------------------------------------------------


def _own_page(request, operator, hours_form=None, status=200):
    agreements = list(selectors.agreements_of_operator(operator))
    for agreement in agreements:
        agreement.status_label = _status_label(selectors.status_of(agreement))
    return render(
        request,
        "staffing/me.html",
        {
            "operator": operator,
            "form": hours_form
            or WeeklyPatternForm(pattern=selectors.pattern_of(operator).values_list("weekday", "starts", "ends")),
            "consent_form": ConsentForm(initial={"named_in_reports": operator.named_in_reports}),
            "agreements": agreements,
            "qualified": selectors.qualifications_by_user([operator.user_id])[operator.user_id],
        },
        status=status,
    )


@login_required
def operator_me(request):
    """The operator's weekly pattern (edit), their consent to be named, their agreements, the way to absences."""
    operator = selectors.operator_of(request.user)
    if operator is None:
        if request.method == "POST":
            raise PermissionDenied(_("You are not enrolled as an operator."))
        return render(request, "staffing/not_operator.html")
    if request.method != "POST":
        return _own_page(request, operator)
    if "consent" in request.POST:
        form = ConsentForm(request.POST)
        form.is_valid()
        services.update_operator(
            actor=request.user, operator=operator, named_in_reports=form.cleaned_data.get("named_in_reports", False)
        )
        messages.success(request, _("Your choice was saved."))
        return redirect("operator-me")
    form = WeeklyPatternForm(request.POST)
    if _save_hours(request, operator, form):
        return redirect("operator-me")
    return _own_page(request, operator, form, status=400)


# --- Lending agreements ---------------------------------------------------------------------------------------------


def _agreements_page(request, form=None, status=200):
    agreements = list(selectors.agreements_visible_to(request.user))
    for agreement in agreements:
        agreement.status_label = _status_label(selectors.status_of(agreement))
        agreement.may_confirm = selectors.may_confirm_agreement(request.user, agreement)
        agreement.may_end = selectors.may_end_agreement(request.user, agreement)
    proposes = selectors.institutions_for_agreements(request.user).exists()
    if form is None and proposes:
        form = ProposeAgreementForm(choices=selectors.agreement_form_choices(request.user))
    return render(request, "staffing/agreements.html", {"agreements": agreements, "form": form}, status=status)


def _may_open_agreements(user) -> bool:
    access = access_for(user)
    return bool(access.is_superuser or access.staff_of or access.administrator_of or access.secretariat_of)


@login_required
def agreements(request):
    """Agreements of the user's institutions (either side) and of their consortia (secretariat, read-only); a staff
    admin proposes one here, which confirms their side."""
    if not _may_open_agreements(request.user):
        raise PermissionDenied(_("Only staff and the secretariat may see lending agreements."))
    if request.method != "POST":
        return _agreements_page(request)
    form = ProposeAgreementForm(request.POST, choices=selectors.agreement_form_choices(request.user))
    require_permission(selectors.institutions_for_agreements(request.user).exists())
    if form.is_valid():
        data = form.cleaned_data
        proposed = call_service(
            request,
            form,
            services.propose_agreement,
            success=_("The agreement was proposed; the other institution confirms it."),
            actor=request.user,
            lender=data["operator"].institution,
            **data,
        )
        if proposed is not None:
            return redirect("staff-agreements")
    return _agreements_page(request, form, status=400)


def _agreement_verb(request, pk: int, service, predicate, done: str):
    agreement = get_object_or_404(selectors.agreements_visible_to(request.user), pk=pk)
    require_permission(predicate(request.user, agreement))
    try:
        service(actor=request.user, agreement=agreement)
    except DomainError as error:
        forbid_if_refused_permission(error)
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("staff-agreements")


@login_required
@require_POST
def agreement_confirm(request, pk: int):
    return _agreement_verb(
        request, pk, services.confirm_agreement, selectors.may_confirm_agreement, _("The agreement was confirmed.")
    )


@login_required
@require_POST
def agreement_end(request, pk: int):
    return _agreement_verb(
        request, pk, services.end_agreement, selectors.may_end_agreement, _("The agreement was ended.")
    )
