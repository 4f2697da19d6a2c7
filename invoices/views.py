"""Invoice pages: the company's (and staff's) invoice list, one invoice with its correction, the staff's monthly
invoice run with a preview before issuing, and the page where an institution's administrators keep what its
quotations and invoices say (fees, account, payment term, contact). The same selectors and services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from backend.web import call_service, staff_only
from consortia.models import FeePolicy
from consortia.selectors import (
    access_for,
    billing_details_of,
    fee_policy_of,
    institutions_administered_by,
    institutions_managed_by,
)
from consortia.services import update_institution_details

from . import selectors, services
from .documents import contact_lines
from .forms import CancelForm, InstitutionDetailsForm, MonthFilter, RunForm, last_month
from .wording import reason_text

PAGE_SIZE = 30


def _may_have_invoices(user) -> bool:
    access = access_for(user)
    return bool(access.member_of or access.staff_of or access.is_superuser)


@login_required
def invoice_list(request):
    """A company's invoices (its users), the institution's (its staff); newest month first, by month."""
    if not _may_have_invoices(request.user):
        raise PermissionDenied(gettext("Only companies' users and institutions' staff have invoices."))
    form = MonthFilter(request.GET or None)
    invoices = selectors.invoices_visible_to(request.user).order_by("-month", "-issued_on", "-id")
    if form.is_bound and form.is_valid() and form.cleaned_data["month"]:
        invoices = invoices.filter(month=form.cleaned_data["month"])
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    access = access_for(request.user)
    return render(
        request,
        "invoices/list.html",
        {
            "form": form,
            "page": page,
            "is_staff": bool(access.staff_of or access.is_superuser),
            "month": request.GET.get("month", ""),
        },
    )


def _visible_invoice(request, pk: int):
    invoice = selectors.invoices_visible_to(request.user).filter(pk=pk).first()
    if invoice is None:
        raise Http404("no such invoice")
    return invoice


def _detail(request, invoice, cancel_form=None, status=200):
    return render(
        request,
        "invoices/detail.html",
        {
            "invoice": invoice,
            "is_staff": selectors.may_invoice(request.user, invoice.institution_id),
            "cancel_form": cancel_form or CancelForm(),
            "cancel_reason": reason_text(invoice.cancel_reason),
            "billing": (billing := billing_details_of(invoice.institution)),
            "contact": contact_lines(invoice.institution, billing),
        },
        status=status,
    )


@login_required
def invoice_detail(request, pk: int):
    return _detail(request, _visible_invoice(request, pk))


@login_required
@require_POST
def invoice_cancel(request, pk: int):
    """Staff correct an invoice: it is cancelled with the reason and (by default) reissued."""
    invoice = _visible_invoice(request, pk)
    if not selectors.may_invoice(request.user, invoice.institution_id):
        raise PermissionDenied(gettext("Only the issuing institution's staff may correct an invoice."))
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _detail(request, invoice, form, status=400)
    replacement = call_service(
        request,
        form,
        services.cancel_invoice,
        actor=request.user,
        invoice=invoice,
        reason=form.cleaned_data["reason"],
        reissue=form.cleaned_data["reissue"],
    )
    if form.errors:
        return _detail(request, _visible_invoice(request, pk), form, status=400)
    if replacement is not None:
        done = gettext("%(old)s was cancelled and %(new)s issued in its place.")
        messages.success(request, done % {"old": invoice.number, "new": replacement.number})
        return redirect("invoice-page", pk=replacement.pk)
    messages.success(request, gettext("%(number)s was cancelled.") % {"number": invoice.number})
    return redirect("invoice-page", pk=invoice.pk)


@staff_only
def invoice_run(request):
    """Pick an institution and a month, see what would be issued, then issue it."""
    institutions = list(institutions_managed_by(request.user))
    if not institutions:
        raise PermissionDenied(gettext("Only institutions' staff issue invoices."))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = RunForm(data, institutions=institutions, initial={"institution": institutions[0].id, "month": last_month()})
    plans, institution, issuable_from, status = None, None, None, 200
    if form.is_bound and form.is_valid():
        institution = next(i for i in institutions if i.id == form.cleaned_data["institution"])
        month = form.cleaned_data["month"]
        if month is None:
            form.add_error("month", gettext("Choose a month."))
        elif request.method == "POST":
            issued = call_service(
                request, form, services.issue_invoices, actor=request.user, institution=institution, month=month
            )
            if issued is not None:
                done = ngettext("%(count)d invoice was issued.", "%(count)d invoices were issued.", len(issued))
                messages.success(request, done % {"count": len(issued)})
                return redirect(f"{reverse('invoice-list-page')}?month={month:%Y-%m}")
        if not form.errors:
            plans = selectors.plan_invoice_run(institution, month)
            issuable_from = selectors.issuable_from(month)
    if form.errors:
        status = 400
    return render(
        request,
        "invoices/run.html",
        {"form": form, "plans": plans, "institution": institution, "issuable_from": issuable_from},
        status=status,
    )


@login_required
def institution_details(request):
    """The institution's administrators keep, on one page, what its quotations and invoices say: the fee policy,
    the account to pay into, the payment term, how long quotations hold and whom to ask (consortia's service)."""
    institutions = list(institutions_administered_by(request.user))
    if not institutions:
        raise PermissionDenied(gettext("Only an institution's administrators may change its fees and billing details."))
    chosen = request.POST.get("institution") or request.GET.get("institution")
    institution = next((i for i in institutions if str(i.id) == chosen), None) if chosen else institutions[0]
    if institution is None:
        raise Http404("not an institution the user administers")
    policy, billing = fee_policy_of(institution.id), billing_details_of(institution)
    initial = InstitutionDetailsForm.initial_of(institution, policy or FeePolicy(), billing)
    form = InstitutionDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        saved = call_service(
            request,
            form,
            update_institution_details,
            actor=request.user,
            institution=institution,
            success=gettext("The institution's details were saved."),
            **form.changes(),
        )
        if saved is not None:
            return redirect(f"{reverse('institution-details-page')}?institution={institution.id}")
    return render(
        request,
        "invoices/institution.html",
        {"form": form, "institution": institution, "institutions": institutions, "billing": billing},
        status=400 if form.errors else 200,
    )
