"""Usage-report pages: the list of owed, submitted and overdue reports (company, staff, secretariat) and one
booking's report — the form for its company, read-only for the others. The same selectors and service as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from backend.web import call_service
from consortia.selectors import access_for

from . import selectors, services
from .forms import UsageReportForm

PAGE_SIZE = 30
TABS = [
    ("", pgettext_lazy("usage reports", "All")),
    ("owed", pgettext_lazy("usage report status", "Owed")),
    ("overdue", pgettext_lazy("usage report status", "Overdue")),
    ("submitted", pgettext_lazy("usage report status", "Submitted")),
]


def _may_list(user) -> bool:
    access = access_for(user)
    return bool(access.member_of or access.staff_of or access.secretariat_of or access.is_superuser)


@login_required
def report_list(request):
    if not _may_list(request.user):
        raise PermissionDenied(_("Companies, institution staff and the secretariat only."))
    today = timezone.localdate()
    status = request.GET.get("status", "")
    rows = selectors.rows_visible_to(request.user)
    if status in selectors.STATUSES:
        rows = selectors.with_status(rows, status, today)
    page = Paginator(rows.order_by("-used_until", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for booking in page:
        booking.report_status = selectors.status_of(booking, today)
        booking.report_due_on = selectors.due_on(booking)
        booking.may_submit = selectors.may_submit(request.user, booking)
    return render(request, "usage_reports/list.html", {"page": page, "status": status, "tabs": TABS})


def _owing(request, pk: int):
    booking = selectors.rows_visible_to(request.user).filter(pk=pk).first()
    if booking is None:
        raise Http404("no usage report is owed for this booking")
    return booking


@login_required
def report_page(request, pk: int):
    """The company fills in (or amends) the report; staff and the secretariat read it."""
    booking = _owing(request, pk)
    today = timezone.localdate()
    report = getattr(booking, "usage_report", None)
    may_submit = selectors.may_submit(request.user, booking)
    if report is not None:
        initial = {
            "summary": report.summary,
            "outcome": report.outcome,
            "publishable": report.publishable,
            "embargo_until": report.embargo_until,
            "publications": report.publications,
        }
    else:
        initial = {"publishable": not booking.confidential}
    form = UsageReportForm(initial=initial)
    status = 200
    if request.method == "POST":
        if not may_submit:
            raise PermissionDenied(_("Only the booking's company may submit."))
        form = UsageReportForm(request.POST)
        if form.is_valid():
            result = call_service(
                request, form, services.submit_usage_report, actor=request.user, booking=booking, **form.cleaned_data
            )
            if result is not None:
                messages.success(request, _("Usage report submitted.") if result[1] else _("Usage report updated."))
                return redirect("usage-report-page", pk=booking.pk)
        status = 400
    return render(
        request,
        "usage_reports/report.html",
        {
            "booking": booking,
            "report": report,
            "form": form,
            "may_submit": may_submit,
            "report_status": selectors.status_of(booking, today),
            "due_on": selectors.due_on(booking),
            "sees_text": selectors.sees_text(request.user, booking, today),
        },
        status=status,
    )
