"""REST endpoints for utilization reports: figures on demand (JSON, CSV, Excel, PDF) and reports built in Celery."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api import Pagination, id_param
from backend.errors import DomainError, refuse_unknown_fields
from backend.periods import parse_period
from consortia.models import Consortium
from consortia.selectors import consortium_list

from . import exports, selectors, services
from .models import FORMATS, Report

PERIOD_FIELDS = {"fy", "month", "start", "end"}
OUTPUTS = ("json", *FORMATS)


class FormatIsOurs(DefaultContentNegotiation):
    """JSON for data and errors; the `format` parameter names the report's file type and is read by the view."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _text_params(data) -> dict[str, str]:
    """Query or body parameters as text (a JSON number such as "fy": 2026 is fine too)."""
    values = {}
    for key in data:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            value = "\x00"  # refused by the parser that reads the field
        values[key] = str(value)
    return values


def _institution(params: dict[str, str]) -> int | None:
    return id_param(params, "institution")


def _output(params: dict[str, str]) -> str:
    fmt = params.get("format", "json").strip().lower() or "json"
    if fmt not in OUTPUTS:
        raise DomainError(
            "invalid_format",
            _("Give the format as one of %(formats)s.") % {"formats": ", ".join(OUTPUTS)},
            field="format",
        )
    return fmt


def _consortium(consortium_id: int) -> Consortium:
    return get_object_or_404(consortium_list(), pk=consortium_id)


PERIOD_PARAMETERS = [
    OpenApiParameter("fy", int, description="Japanese fiscal year (April–March), e.g. 2026"),
    OpenApiParameter("month", str, description="YYYY-MM"),
    OpenApiParameter("start", str, description="YYYY-MM-DD (whole Tokyo day) or ISO 8601 with offset"),
    OpenApiParameter("end", str, description="YYYY-MM-DD (included) or ISO 8601 with offset (excluded)"),
    OpenApiParameter("institution", int, description="restrict to one member institution"),
]


class UtilizationView(APIView):
    """GET the figures now: totals and the breakdowns by institution, instrument, category, mode, month and
    company size. `format=csv|xlsx|pdf` returns the file instead of JSON."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = FormatIsOurs

    @extend_schema(
        parameters=[*PERIOD_PARAMETERS, OpenApiParameter("format", str, enum=list(OUTPUTS))],
        responses={200: OpenApiResponse(description="the report (JSON) or the file")},
    )
    def get(self, request, consortium_id: int):
        consortium = _consortium(consortium_id)
        params = _text_params(request.query_params)
        scope = selectors.report_scope_for(request.user, consortium.id, _institution(params))
        refuse_unknown_fields(params, PERIOD_FIELDS | {"format", "institution"})
        fmt = _output(params)
        period = parse_period(params)
        body = selectors.utilization(consortium=consortium, period=period, institution_ids=scope).as_dict()
        if fmt == "json":
            return Response(body)
        response = HttpResponse(exports.render(body, fmt), content_type=exports.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(body, fmt)}"'
        return response


class ReportSerializer(serializers.ModelSerializer):
    consortium = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()
    requested_by = serializers.CharField(source="requested_by.username", default=None, read_only=True)
    downloads = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "consortium",
            "institution",
            "period",
            "scheduled",
            "language",
            "status",
            "progress",
            "error",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "downloads",
        ]

    def get_consortium(self, obj) -> dict:
        return {"id": obj.consortium_id, "name": obj.consortium.localized_name}

    def get_institution(self, obj) -> dict | None:
        return {"id": obj.institution_id, "name": obj.institution.localized_name} if obj.institution_id else None

    def get_error(self, obj) -> str:
        """Why a build failed, in the reader's language (the stored text is in the report's)."""
        return services.failure_notice(obj.pk) if obj.status == Report.Status.FAILED else ""

    def get_period(self, obj) -> dict:
        period = obj.period
        return {"start": period.local_start.isoformat(), "end": period.local_end.isoformat(), "label": period.label}

    def get_downloads(self, obj) -> dict | None:
        """Links to the files once the report is done (they need the same login)."""
        if obj.status != Report.Status.DONE:
            return None
        request = self.context.get("request")
        links = {}
        for fmt in FORMATS:
            path = reverse("report-download", kwargs={"pk": obj.pk, "fmt": fmt})
            links[fmt] = request.build_absolute_uri(path) if request else path
        return links


class ConsortiumReportsView(APIView):
    """POST: start building a report (202 with its id); GET: the consortium's reports you may see."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = FormatIsOurs
    pagination_class = Pagination  # read by the schema too: the list is paginated

    @extend_schema(responses=ReportSerializer(many=True))
    def get(self, request, consortium_id: int):
        consortium = _consortium(consortium_id)
        selectors.report_scope_for(request.user, consortium.id)
        reports = selectors.reports_visible_to(request.user).filter(consortium=consortium).order_by("-created_at")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(reports, request, view=self)
        return paginator.get_paginated_response(ReportSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        request={
            "application/json": {
                "type": "object",
                "properties": {p.name: {"type": "string"} for p in PERIOD_PARAMETERS},
            }
        },
        responses={202: ReportSerializer},
    )
    def post(self, request, consortium_id: int):
        consortium = _consortium(consortium_id)
        if not hasattr(request.data, "keys"):
            raise DomainError("invalid_body", _("Send a JSON object."))
        params = _text_params(request.data)
        institution_id = _institution(params)
        selectors.report_scope_for(request.user, consortium.id, institution_id)
        refuse_unknown_fields(params, PERIOD_FIELDS | {"institution"})
        report = services.request_report(
            actor=request.user, consortium=consortium, period=parse_period(params), institution_id=institution_id
        )
        report = selectors.reports_visible_to(request.user).get(pk=report.pk)
        response = Response(ReportSerializer(report, context={"request": request}).data, status.HTTP_202_ACCEPTED)
        response["Location"] = reverse("report-detail", kwargs={"pk": report.pk})
        return response


class ReportDetailView(APIView):
    """A report's status and progress, and its download links when done. Others' reports are 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ReportSerializer)
    def get(self, request, pk):
        report = get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)
        return Response(ReportSerializer(report, context={"request": request}).data)


class ReportDownloadView(APIView):
    """A finished report's file, for the people who may see the report."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = FormatIsOurs

    @extend_schema(responses={200: OpenApiResponse(description="the CSV, Excel or PDF file")})
    def get(self, request, pk, fmt: str):
        report = get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)
        if fmt not in FORMATS or report.status != Report.Status.DONE or not report.file_for(fmt):
            raise Http404
        field = report.file_for(fmt)
        try:
            handle = field.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=field.name.rsplit("/", 1)[-1],
            content_type=exports.CONTENT_TYPES[fmt],
        )
