"""REST endpoints: a booking's usage report (the company submits it) and the list of owed, submitted and overdue
reports for the company, the institution's staff and the consortium's secretariat."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.errors import NotFound
from backend.tokyo import TOKYO
from bookings.selectors import bookings_visible_to

from . import selectors, services
from .models import Outcome


class UsageReportInput(serializers.Serializer):
    summary = serializers.CharField(max_length=4000)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    publishable = serializers.BooleanField(required=False, allow_null=True, default=None)
    embargo_until = serializers.DateField(required=False, allow_null=True, default=None)
    publications = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ReportTextSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    publishable = serializers.BooleanField()
    embargo_until = serializers.DateField(allow_null=True)
    summary = serializers.CharField(allow_null=True, help_text="null for those who may not read it")
    publications = serializers.CharField(allow_null=True)
    submitted_at = serializers.DateTimeField()


class UsageReportRowSerializer(serializers.Serializer):
    """The shape of one obligation (documentation of `row`)."""

    booking = serializers.IntegerField()
    instrument = serializers.IntegerField()
    instrument_name = serializers.CharField()
    institution = serializers.IntegerField()
    institution_name = serializers.CharField()
    company = serializers.IntegerField()
    company_name = serializers.CharField()
    confidential = serializers.BooleanField()
    used_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=[(s, s) for s in selectors.STATUSES])
    on_time = serializers.BooleanField(allow_null=True)
    report = ReportTextSerializer(allow_null=True)


def row(booking, user, today) -> dict:
    """One obligation: the booking, its deadline and status, and the report when there is one (its text only for
    those who may read it). Names are in the reader's language."""
    report = getattr(booking, "usage_report", None)
    text = selectors.sees_text(user, booking, today)
    return {
        "booking": booking.id,
        "instrument": booking.instrument_id,
        "instrument_name": booking.instrument.localized_name,
        "institution": booking.instrument.institution_id,
        "institution_name": booking.instrument.institution.localized_name,
        "company": booking.company_id,
        "company_name": booking.company.name,
        "confidential": booking.confidential,
        "used_on": (booking.actual_start or booking.start).astimezone(TOKYO).date(),
        "due_on": report.due_on if report else selectors.due_on(booking),
        "status": selectors.status_of(booking, today),
        "on_time": report.on_time if report else None,
        "report": None
        if report is None
        else {
            "outcome": report.outcome,
            "publishable": report.publishable,
            "embargo_until": report.embargo_until,
            "summary": report.summary if text else None,
            "publications": report.publications if text else None,
            "submitted_at": report.submitted_at,
        },
    }


class UsageReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """`?status=owed|submitted|overdue`; the company sees its own, staff their institution's, the secretariat its
    consortium's (without the text of confidential or embargoed ones)."""

    permission_classes = [IsAuthenticated]
    serializer_class = UsageReportRowSerializer

    def get_queryset(self):
        qs = selectors.rows_visible_to(self.request.user)
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in selectors.STATUSES:
                raise serializers.ValidationError({"status": [_("owed, submitted or overdue")]})
            qs = selectors.with_status(qs, wanted, timezone.localdate())
        return qs.order_by("-used_until", "-id")

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=list(selectors.STATUSES))])
    def list(self, request, *args, **kwargs):
        today = timezone.localdate()
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([row(b, request.user, today) for b in page])


def _owing_booking(user, pk: int):
    booking = bookings_visible_to(user).filter(pk=pk).first()
    if booking is None:
        raise NotFound("not_found", _("No such booking."))
    return booking


@extend_schema(request=UsageReportInput, responses={201: UsageReportRowSerializer, 200: UsageReportRowSerializer})
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def booking_usage_report(request, pk: int):
    """GET: the booking's obligation and report. POST: the company submits (201) or amends (200) it."""
    booking = _owing_booking(request.user, pk)
    today = timezone.localdate()
    if request.method == "POST":
        form = UsageReportInput(data=request.data)
        form.is_valid(raise_exception=True)
        _report, created = services.submit_usage_report(actor=request.user, booking=booking, **form.validated_data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    else:
        code = status.HTTP_200_OK
    shown = selectors.rows_visible_to(request.user).filter(pk=booking.pk).first()
    if shown is None:
        raise NotFound("no_usage_report", _("No usage report is owed for this booking."))
    return Response(row(shown, request.user, today), status=code)
