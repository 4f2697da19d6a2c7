"""REST endpoints of the contribution figures and the lent-hours statements; the same selectors and permission
rules as the pages (`scope_from`, `may_see_statement`), checked before any other parameter."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api import id_param
from backend.errors import DomainError, NotFound, PermissionDenied, refuse_unknown_fields
from backend.periods import parse_period

from . import access, exports, selectors
from .tables import tables

PERIOD_FIELDS = {"fy", "month", "start", "end"}
OUTPUTS = ("json", "csv", "pdf")


class FormatIsOurs(DefaultContentNegotiation):
    """JSON for data and errors; `format` names the file type and is read by the view."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _params(data) -> dict[str, str]:
    return {key: str(data.get(key)) for key in data}


def _output(params: dict[str, str], allowed=OUTPUTS) -> str:
    fmt = params.get("format", "json").strip().lower() or "json"
    if fmt not in allowed:
        raise DomainError(
            "invalid_format",
            _("Give the format as one of %(formats)s.") % {"formats": ", ".join(allowed)},
            field="format",
        )
    return fmt


def _file(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ContributionsView(APIView):
    """GET the hours operated and consultations answered of the caller's scope for a period: their own (an
    operator), an institution's (`institution=`, its administrators: every operator named) or a consortium's
    (`consortium=`, its secretariat: operators named only with their consent). Hours are exact in `us`
    (microseconds) and shown in `hours`; every breakdown adds up to `totals`. `format=csv` for the file."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = FormatIsOurs

    @extend_schema(
        parameters=[
            OpenApiParameter("operator", int, description="an operator's own figures (the operator themselves)"),
            OpenApiParameter("institution", int, description="an institution's operators (its administrators)"),
            OpenApiParameter("consortium", int, description="a consortium's operators (its secretariat)"),
            OpenApiParameter("fy", int, description="Japanese fiscal year (April–March), e.g. 2026"),
            OpenApiParameter("month", str, description="YYYY-MM"),
            OpenApiParameter("start", str, description="YYYY-MM-DD (whole Tokyo day) or ISO 8601 with offset"),
            OpenApiParameter("end", str, description="YYYY-MM-DD (included) or ISO 8601 with offset (excluded)"),
            OpenApiParameter("format", str, enum=["json", "csv"]),
        ],
        responses={200: OpenApiResponse(description="the figures (JSON) or the CSV file")},
    )
    def get(self, request):
        params = _params(request.query_params)
        scope = access.scope_from(request.user, params)
        refuse_unknown_fields(params, PERIOD_FIELDS | set(access.SCOPE_KINDS) | {"format"})
        fmt = _output(params, ("json", "csv"))
        period = parse_period(params)
        shown = tables(selectors.figures(period=period, operators=access.scope_operators(scope)), scope)
        if fmt == "csv":
            name = f"kyoyo-contributions-{scope.kind}-{scope.id}-{period.slug}.csv"
            return _file(exports.figures_csv(shown), "text/csv; charset=utf-8", name)
        return Response(shown)


class LendingStatementView(APIView):
    """GET the month's statement of lent hours from `lender` to `borrower`: one line per agreement (operator,
    instruments, hours, hourly rate, amount), the subtotal, 消費税 (once on the subtotal, rounded down) and the
    total. For the administrators of either institution and the secretariat of the agreements' consortium.
    `format=csv` or `pdf` for the file."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = FormatIsOurs

    @extend_schema(
        parameters=[
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("lender", int, required=True, description="the lending institution"),
            OpenApiParameter("borrower", int, required=True, description="the borrowing institution"),
            OpenApiParameter("format", str, enum=list(OUTPUTS)),
        ],
        responses={200: OpenApiResponse(description="the statement (JSON) or its file")},
    )
    def get(self, request):
        params = _params(request.query_params)
        lender_id, borrower_id = id_param(params, "lender"), id_param(params, "borrower")
        for name, value in (("lender", lender_id), ("borrower", borrower_id)):
            if value is None:
                raise DomainError(f"{name}_required", _("Give the lending and the borrowing institution."), field=name)
        if not access.may_see_statement(request.user, lender_id, borrower_id):
            raise PermissionDenied(
                "not_allowed_to_see_statement",
                _("Only the two institutions' administrators and the consortium's secretariat see this statement."),
            )
        refuse_unknown_fields(params, {"month", "lender", "borrower", "format"})
        fmt = _output(params)
        period = parse_period({"month": params.get("month", "")}) if params.get("month") else None
        if period is None:
            raise DomainError("month_required", _("Give the month as YYYY-MM, e.g. 2026-10."), field="month")
        lender, borrower = selectors.institution(lender_id), selectors.institution(borrower_id)
        if lender is None or borrower is None:
            raise NotFound("unknown_institution", _("No such institution."))
        s = selectors.statement(month=period.local_start.date(), lender=lender, borrower=borrower)
        if fmt == "csv":
            return _file(exports.statement_csv(s), "text/csv; charset=utf-8", exports.statement_filename(s, "csv"))
        if fmt == "pdf":
            return _file(exports.statement_pdf(s), "application/pdf", exports.statement_filename(s, "pdf"))
        return Response(
            {
                "month": f"{s.month:%Y-%m}",
                "lender": {"id": lender.id, "name": lender.localized_name},
                "borrower": {"id": borrower.id, "name": borrower.localized_name},
                "lines": [
                    {
                        "agreement": line.agreement_id,
                        "operator": line.operator_name,
                        "instruments": line.instruments,
                        "us": line.us,
                        "hours": line.hours,
                        "hourly_rate_jpy": line.hourly_rate_jpy,
                        "amount_jpy": line.amount_jpy,
                    }
                    for line in s.lines
                ],
                "total_us": s.total_us,
                "subtotal_jpy": s.subtotal_jpy,
                "tax_rate": str(s.tax_rate),
                "tax_jpy": s.tax_jpy,
                "total_jpy": s.total_jpy,
            }
        )
