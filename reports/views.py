"""The report pages: the secretariat's (and staff's slice of) utilization figures with a period
picker, charts and tables; downloads; and a report built in the background with visible progress.
The same selectors and services as the API."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.errors import DomainError
from backend.web import call_service
from consortia.selectors import access_for, consortium_list

from . import charts, display, selectors, services, staff
from .definitions import definitions
from .figures import BREAKDOWN_TITLES, generated_at
from .forms import PeriodForm, current_fiscal_year
from .models import FORMAT_NAMES, FORMATS, Report

OUTCOMES_PAGE = 25
TABLES = ["by_institution", "by_category", "by_mode", "by_company_size", "by_month", "by_instrument"]


def _consortia_of(user):
    """Consortia whose report (or a slice of it) the user may open."""
    access = access_for(user)
    consortia = consortium_list()
    if access.is_superuser:
        return list(consortia)
    return [c for c in consortia if _may_see(user, c.id)]


def _may_see(user, consortium_id: int) -> bool:
    try:
        selectors.report_scope_for(user, consortium_id)
    except DomainError:
        return False
    return True


@login_required
def choose(request):
    consortia = _consortia_of(request.user)
    if not consortia:
        raise PermissionDenied(_("Only a consortium's secretariat and institution staff may see reports."))
    if len(consortia) == 1:
        return redirect("report-page", consortium_id=consortia[0].id)
    return render(request, "reports/choose.html", {"consortia": consortia})


def _period_for(request, consortium_id: int):
    """The consortium, the reader's scope (checked first) and the period form."""
    consortium = get_object_or_404(consortium_list(), pk=consortium_id)
    try:
        scope = selectors.report_scope_for(request.user, consortium.id)
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    form = PeriodForm(request.GET or {"kind": "fy", "fy": str(current_fiscal_year())})  # default: this year
    return consortium, scope, form


def _page_query(form: PeriodForm) -> str:
    """The period as the pages' own links carry it (the picker's kind, then the API's parameters)."""
    return urlencode({"kind": form.cleaned_data["kind"], **form.query()})


def _sections(report: dict, tables) -> list[tuple[str, str]]:
    """The table of contents: (anchor, heading) of each section the page shows."""
    sections = [("key-figures", _("Key figures")), ("charts", _("Charts"))]
    sections += [(key, title) for key, title, _rows in tables]
    if report.get("consultations"):
        sections.append(("consultations", _("Technical consultations")))
    if report.get("staff"):
        sections.append(("staff", str(staff.TITLE)))
    if report.get("usage_reports"):
        sections.append(("usage-reports", _("Usage reports")))
    return [*sections, ("definitions", _("Definitions"))]


@login_required
def report_page(request, consortium_id: int):
    consortium, scope, form = _period_for(request, consortium_id)
    report = None
    if form.is_valid():
        report = selectors.utilization(consortium=consortium, period=form.period, institution_ids=scope).as_dict()
    context = {"consortium": consortium, "form": form, "report": report, "scope": scope}
    if report:
        query = urlencode(form.query())
        api = reverse("utilization", kwargs={"consortium_id": consortium.id})
        months = display.months_with_state(report["by_month"], generated_at(report))
        tables = [(key, BREAKDOWN_TITLES[key], months if key == "by_month" else report[key]) for key in TABLES]
        shown = {key: display.bounded(rows, in_order=key == "by_month") for key, _title, rows in tables}
        outcomes = (report.get("usage_reports") or {}).get("publishable_outcomes") or []
        context.update(
            downloads=[(FORMAT_NAMES[fmt], f"{api}?{query}&format={fmt}") for fmt in FORMATS],
            query=form.query(),
            generated=generated_at(report),
            sections=_sections(report, tables),
            tables=[(key, title, shown[key], rows) for key, title, rows in tables],
            outcomes=outcomes[: display.OUTCOMES_PREVIEW],
            outcomes_count=len(outcomes),
            outcomes_url=f"{reverse('report-outcomes', kwargs={'consortium_id': consortium.id})}?{_page_query(form)}",
            definitions=definitions(),
            trend=charts.column_bars(months, "utilization_rate", title=_("Monthly utilization")),
            by_institution=charts.horizontal_bars(
                shown["by_institution"].rows,  # the chart draws the rows the table shows
                "utilization_rate",
                title=_("Utilization by institution"),
            ),
            by_size=charts.horizontal_bars(
                report["by_company_size"],
                "used_hours",
                title=_("Hours used by user category"),
                as_percent=False,
                unit=" h",
            ),
        )
    return render(request, "reports/report.html", context, status=400 if form.errors else 200)


@login_required
def outcomes(request, consortium_id: int):
    """The period's publishable outcomes of usage reports, a page at a time (the report page shows the first)."""
    consortium, scope, form = _period_for(request, consortium_id)
    context = {"consortium": consortium, "form": form, "scope": scope, "page": None}
    if form.is_valid():
        block = selectors.usage_reports_block(consortium=consortium, period=form.period, institution_ids=scope)
        rows = block["publishable_outcomes"]
        context.update(
            period_label=form.period.label,
            page=Paginator(rows, OUTCOMES_PAGE).get_page(request.GET.get("page")),
            query=_page_query(form),
            report_url=f"{reverse('report-page', kwargs={'consortium_id': consortium.id})}?{_page_query(form)}",
        )
    return render(request, "reports/outcomes.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def build(request, consortium_id: int):
    """Start a report in the background; its page shows the progress."""
    consortium = get_object_or_404(consortium_list(), pk=consortium_id)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        return report_page(request, consortium_id)
    report = call_service(
        request, form, services.request_report, actor=request.user, consortium=consortium, period=form.period
    )
    if report is None:
        raise PermissionDenied(" ".join(form.non_field_errors()))
    return redirect("report-status", pk=report.pk)


@login_required
def status(request, pk):
    report = get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)
    downloads = [
        (FORMAT_NAMES[fmt], reverse("report-download", kwargs={"pk": report.pk, "fmt": fmt})) for fmt in FORMATS
    ]
    context = {"report": report, "downloads": downloads}
    if report.status == Report.Status.FAILED:
        context["failure"] = services.failure_notice(report.pk)  # in the reader's language, not the builder's
    return render(request, "reports/status.html", context)
