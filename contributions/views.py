"""The contribution pages: an operator's own figures, a staff admin's institution's, the secretariat's consortium's
(`/contributions/`), and the monthly lent-hours statements between two institutions (`/contributions/lending/`),
each with its downloads. The same selectors as the API; who sees what is decided there (`scope_from`,
`may_see_statement`)."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import DomainError
from backend.periods import Period, fiscal_year_of, parse_period

from . import access, exports, selectors
from .tables import BREAKDOWNS, breakdown_titles, tables

PERIOD_PARAMS = ("fy", "month", "start", "end")


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _scope(request):
    try:
        return access.scope_from(request.user, request.GET)
    except DomainError as error:
        raise PermissionDenied(error.message) from None


@login_required
def contributions_page(request):
    scope = _scope(request)
    params = {name: request.GET.get(name, "") for name in PERIOD_PARAMS if request.GET.get(name, "").strip()}
    error = None
    try:
        period = parse_period(params) if params else Period.fiscal_year(fiscal_year_of(timezone.localdate()))
    except DomainError as refused:
        error, period = refused.message, Period.fiscal_year(fiscal_year_of(timezone.localdate()))
    shown = tables(selectors.figures(period=period, operators=access.scope_operators(scope)), scope)
    if request.GET.get("format") == "csv" and error is None:
        return _download(
            exports.figures_csv(shown),
            "text/csv; charset=utf-8",
            f"kyoyo-contributions-{scope.kind}-{scope.id}-{period.slug}.csv",
        )
    this_year = fiscal_year_of(timezone.localdate())
    titles = breakdown_titles()
    return render(
        request,
        "contributions/contributions.html",
        {
            "scope": scope,
            "scopes": access.scopes_of(request.user),
            "shown": shown,
            "error": error,
            "years": [(y, Period.fiscal_year(y).label) for y in range(this_year, this_year - 6, -1)],
            "period_query": "&".join(f"{k}={v}" for k, v in params.items()),
            "sections": [(name, titles[name], shown[name]) for name in BREAKDOWNS if name != "by_operator"],
        },
    )


def _month_of(text: str) -> date:
    """`YYYY-MM` → its first day; empty: last month (the month to settle)."""
    if not text:
        first = timezone.localdate().replace(day=1)
        last = date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)
        return last
    try:
        year, month = (int(x) for x in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise DomainError("invalid_month", _("Give the month as YYYY-MM, e.g. 2026-10."), field="month") from None


@login_required
def lending_page(request):
    if not access.may_read_statements(request.user):
        raise PermissionDenied(
            _("Only the two institutions' administrators and the consortium's secretariat see lent-hours statements.")
        )
    error = None
    try:
        month = _month_of(request.GET.get("month", "").strip())
    except DomainError as refused:
        error, month = refused.message, _month_of("")
    statements = [
        selectors.statement(month=month, lender=lender, borrower=borrower)
        for lender, borrower in access.statement_pairs_of(request.user)
    ]
    return render(request, "contributions/lending.html", {"month": month, "statements": statements, "error": error})


@login_required
def statement_download(request, lender_id: int, borrower_id: int, month: str, fmt: str):
    if fmt not in ("csv", "pdf"):
        raise Http404
    if not access.may_see_statement(request.user, lender_id, borrower_id):
        raise PermissionDenied(_("You may not see the statement of these institutions."))
    lender, borrower = selectors.institution(lender_id), selectors.institution(borrower_id)
    if lender is None or borrower is None:
        raise Http404
    try:
        first = _month_of(month)
    except DomainError:
        raise Http404 from None
    s = selectors.statement(month=first, lender=lender, borrower=borrower)
    if fmt == "csv":
        return _download(exports.statement_csv(s), "text/csv; charset=utf-8", exports.statement_filename(s, "csv"))
    return _download(exports.statement_pdf(s), "application/pdf", exports.statement_filename(s, "pdf"))
