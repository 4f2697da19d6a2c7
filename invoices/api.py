"""REST endpoints: invoices and the invoice run, and the booking documents (quotation, certificate) as PDFs."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.api import id_param
from backend.errors import Conflict
from backend.schema import ERROR
from bookings.models import Booking
from bookings.selectors import quote_of
from consortia.models import Institution
from consortia.selectors import institution_choices

from . import documents, selectors, services
from .models import Invoice, InvoiceLine

LANGUAGE = OpenApiParameter(
    "language",
    str,
    enum=list(documents.LANGUAGES),
    description="ja: the Japanese original; en: the English reference translation",
)


def filename(stem: str, language: str) -> str:
    """quotation-12.pdf (the Japanese original), quotation-12-en.pdf (the English reference version)."""
    return f"{stem}.pdf" if language == "ja" else f"{stem}-{language}.pdf"


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class InvoiceLineSerializer(serializers.ModelSerializer):
    """`description` is the stored Japanese record; `localized_description` the line in the reader's language."""

    localized_description = serializers.CharField(read_only=True)

    class Meta:
        model = InvoiceLine
        fields = ["position", "booking", "used_on", "description", "localized_description", "amount_jpy", "tax_rate"]


class InvoiceSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.localized_name", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    month = serializers.CharField(source="month_text", read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)
    replaces = serializers.SerializerMethodField()
    replaced_by = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "status",
            "month",
            "issued_on",
            "due_on",
            "institution",
            "institution_name",
            "company",
            "company_name",
            "issuer_name",
            "issuer_address",
            "registration_number",
            "recipient_name",
            "recipient_address",
            "lines",
            "tax_summary",
            "subtotal_jpy",
            "tax_jpy",
            "total_jpy",
            "replaces",
            "replaced_by",
            "cancelled_at",
            "cancel_reason",
            "pdf",
        ]

    def get_replaces(self, obj) -> dict | None:
        return {"id": obj.replaces_id, "number": obj.replaces.number} if obj.replaces_id else None

    def get_replaced_by(self, obj) -> dict | None:
        replacement = getattr(obj, "replaced_by", None)
        return {"id": replacement.id, "number": replacement.number} if replacement else None

    def get_pdf(self, obj) -> str:
        return f"/api/v1/invoices/{obj.id}/pdf/"


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField(max_length=7)

    def validate_month(self, value):
        return selectors.parse_month(value)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    reissue = serializers.BooleanField(required=False, default=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("month", str, description="YYYY-MM"),
            OpenApiParameter("status", str, enum=list(Invoice.Status.values)),
            OpenApiParameter("institution", int, description="an institution's id"),
            OpenApiParameter("company", int, description="a company's id"),
        ]
    )
)
class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Invoices: a company's users see its own, staff their institution's (`?month=2026-10`, `?status=`)."""

    serializer_class = InvoiceSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        qs = selectors.invoices_visible_to(self.request.user)
        params = self.request.query_params
        if params.get("month"):
            qs = qs.filter(month=selectors.parse_month(params["month"]))
        if params.get("status"):
            if params["status"] not in Invoice.Status.values:
                raise serializers.ValidationError({"status": [gettext("The status is issued or cancelled.")]})
            qs = qs.filter(status=params["status"])
        for name in ("institution", "company"):
            if (wanted := id_param(params, name)) is not None:
                qs = qs.filter(**{f"{name}_id": wanted})
        return qs.order_by("-month", "-issued_on", "-id")

    @extend_schema(parameters=[LANGUAGE], responses={(200, "application/pdf"): OpenApiTypes.BINARY, 400: ERROR})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The invoice in Japanese (the document of record), or `?language=en`: the English reference version."""
        invoice = self.get_object()
        language = documents.document_language(request.query_params.get("language"), record=True)
        return pdf_response(documents.invoice_pdf(invoice, language=language), filename(invoice.number, language))

    @extend_schema(request=CancelSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """A correction: cancel with a reason and (by default) issue the replacement, which is returned."""
        invoice = self.get_object()
        form = CancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        replacement = services.cancel_invoice(actor=request.user, invoice=invoice, **form.validated_data)
        shown = replacement or invoice
        return Response(InvoiceSerializer(self.get_queryset().get(pk=shown.pk)).data)


def _institution(pk: int) -> Institution:
    return get_object_or_404(institution_choices(), pk=pk)


@extend_schema(
    request=MonthSerializer, responses={201: InvoiceSerializer(many=True), 200: InvoiceSerializer(many=True)}
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def invoice_run(request, pk: int):
    """Staff issue the month's invoices: one per company for its completed bookings not yet invoiced. Answers with
    the invoices this call issued (201), or an empty list (200) when there was nothing left to invoice."""
    institution = _institution(pk)
    form = MonthSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    issued = services.issue_invoices(actor=request.user, institution=institution, month=form.validated_data["month"])
    rows = selectors.invoices_visible_to(request.user).filter(pk__in=[i.pk for i in issued]).order_by("number")
    return Response(InvoiceSerializer(rows, many=True).data, status=status.HTTP_201_CREATED if issued else 200)


@extend_schema(
    parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM")],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def invoice_run_preview(request, pk: int):
    """What a run would issue now, without issuing (staff of the institution)."""
    institution = _institution(pk)
    if not selectors.may_invoice(request.user, institution.id):
        detail = gettext("Only the institution's staff may issue and correct its invoices.")
        return Response({"code": "not_institution_staff", "detail": detail}, status=403)
    month = selectors.parse_month(request.query_params.get("month"))
    plans = selectors.plan_invoice_run(institution, month)
    issuable_from = selectors.issuable_from(month)
    return Response(
        {
            "month": f"{month:%Y-%m}",
            # the first day the month's invoices can be issued while the month is not over; null once it is
            "issuable_from": issuable_from.isoformat() if issuable_from else None,
            "registration_number": institution.registration_number,
            "invoices": [
                {
                    "company": plan.company.id,
                    "company_name": plan.company.name,
                    "bookings": [b.id for b in plan.bookings],
                    "replaces": plan.replaces.number if plan.replaces else None,
                    "lines": [
                        {
                            "booking": line.booking_id,
                            "used_on": line.used_on,
                            "description": line.description,
                            "localized_description": text,
                            "amount_jpy": line.amount_jpy,
                            "tax_rate": str(line.tax_rate),
                        }
                        for line, text in plan.described_lines
                    ],
                    "tax_summary": plan.summary,
                    "subtotal_jpy": plan.totals[0],
                    "tax_jpy": plan.totals[1],
                    "total_jpy": plan.totals[2],
                    "warnings": plan.warnings,
                }
                for plan in plans
            ],
        }
    )


@extend_schema(parameters=[LANGUAGE], responses={(200, "application/pdf"): OpenApiTypes.BINARY, 409: ERROR})
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def quotation(request, pk: int):
    """The quotation of a pending booking (today's prices) or an approved one (the price fixed at approval), in the
    reader's language unless `?language=` says otherwise (English: a reference translation)."""
    booking = selectors.booking_for_documents(request.user, pk)
    if booking.status not in Booking.HOLDING:
        raise Conflict("no_quotation", gettext("A quotation is given for pending and approved bookings only."))
    language = documents.document_language(request.query_params.get("language"))
    content = documents.quotation_pdf(booking, quote_of(booking), issued_on=timezone.localdate(), language=language)
    return pdf_response(content, filename(f"quotation-{booking.id}", language))


@extend_schema(parameters=[LANGUAGE], responses={(200, "application/pdf"): OpenApiTypes.BINARY, 409: ERROR})
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def certificate(request, pk: int):
    """The certificate of use of a completed booking, in the reader's language unless `?language=` says otherwise
    (English: a reference translation)."""
    booking = selectors.booking_for_documents(request.user, pk)
    if booking.status != Booking.Status.COMPLETED:
        raise Conflict("not_completed", gettext("A certificate of use is given for completed bookings only."))
    language = documents.document_language(request.query_params.get("language"))
    content = documents.certificate_pdf(booking, issued_on=timezone.localdate(), language=language)
    return pdf_response(content, filename(f"certificate-{booking.id}", language))
