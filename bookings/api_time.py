"""REST endpoints of the pages that show time: an instrument's time grid and the live fee and rule check of a
selection (the request form, the counter-proposal), and the staff's institution timeline. Parse, call a selector
or service, render."""

from datetime import time

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from backend.api import AwareDateTimeField, rfc3339
from backend.errors import DomainError, PermissionDenied
from backend.plumbing import ID_MAX, parse_day
from equipment import selectors as equipment_selectors
from equipment.models import UsageMode

from . import quotes, selectors, services
from .errors import BookingConflict, BookingRuleError
from .models import Booking
from .selectors import grid
from .serializers import grid_answer


class GridQuery(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="the first Tokyo day, YYYY-MM-DD (default: today)")
    days = serializers.IntegerField(min_value=1, max_value=grid.MAX_DAYS, required=False, default=7)
    subject = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        help_text="a pending booking of this instrument that the reader (its staff) may move: shown as `subject`, its "
        "time free for the counter-proposal",
    )
    mode = serializers.ChoiceField(
        choices=UsageMode.choices,
        required=False,
        help_text="the usage mode the free time is for: assisted and commissioned time is free only where an operator "
        "is free too (`no_operator_free` where not); default self-operation if offered, else the first mode; with "
        "`subject`, the subject's mode",
    )

    def validate_start(self, value):
        today = timezone.localdate()
        if abs((value - today).days) > grid.MAX_DISTANCE_DAYS:
            raise serializers.ValidationError(
                _("Give a day within %(n)d days of today.") % {"n": grid.MAX_DISTANCE_DAYS}, code="out_of_range"
            )
        return value


class GridBlockSerializer(serializers.Serializer):
    """One block of the grid: why this time is or is not free for the reader (`kind`)."""

    kind = serializers.ChoiceField(choices=[(k, k) for k in grid.KINDS])
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    label = serializers.CharField(help_text="a holiday's name, a downtime's title, an inactive instrument's status")
    part = serializers.ChoiceField(
        choices=[("", ""), ("use", "use"), ("setup", "setup"), ("cleanup", "cleanup")],
        help_text="of a booking's blocks: its use, or its set-up or clean-up before and after",
    )
    booking = serializers.IntegerField(allow_null=True, help_text="the id of the reader's own booking, else null")
    url = serializers.CharField(allow_null=True, help_text="the page of the reader's own booking, else null")


class GridSerializer(serializers.Serializer):
    """The shape of a grid answer (documentation only: the view renders it)."""

    instrument = serializers.IntegerField()
    mode = serializers.CharField(allow_null=True, help_text="the usage mode whose free time is shown")
    start = serializers.DateField()
    days = serializers.IntegerField()
    slot_minutes = serializers.IntegerField()
    min_minutes = serializers.IntegerField()
    max_minutes = serializers.IntegerField()
    opens = serializers.CharField(help_text="HH:MM, the earliest opening time of the days shown")
    closes = serializers.CharField(help_text="HH:MM, the latest closing time")
    previous = serializers.DateField()
    next = serializers.DateField()
    labels = serializers.DictField(child=serializers.CharField(), help_text="each kind's name in the reader's language")
    blocks = GridBlockSerializer(many=True)


@extend_schema(parameters=[GridQuery], responses=GridSerializer)
@api_view(["GET"])
@permission_classes([AllowAny])
def instrument_grid(request, pk: int):
    """The instrument's time grid for the reader: closed, too soon, too far, downtime, busy, no operator free (an
    assisted or commissioned mode), the reader's own bookings and free time, from `start` for `days` Tokyo days. Busy
    time says nothing of whose."""
    policy = selectors.policy_of_id(pk)
    if policy is None:
        raise Http404
    query = GridQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    first_day = query.validated_data.get("start") or timezone.localdate()
    subject_id = query.validated_data.get("subject")
    mode = query.validated_data.get("mode")
    if subject_id is not None:
        subject = selectors.booking_rows().filter(pk=subject_id, instrument_id=pk).first()
        if subject is None or not selectors.may_decide(request.user, subject):
            raise PermissionDenied(
                "not_institution_staff", _("Only the staff of the instrument's institution may move this booking.")
            )
        mode = subject.mode
    time_grid = grid.time_grid(
        instrument_id=pk,
        policy=policy,
        viewer=request.user,
        first_day=first_day,
        days=query.validated_data["days"],
        subject_id=subject_id,
        mode=mode,
    )
    return Response(grid_answer(time_grid))


class PreviewSerializer(serializers.Serializer):
    """A request as it would be sent, without the instrument (it is in the address)."""

    start = AwareDateTimeField()
    end = AwareDateTimeField()
    mode = serializers.ChoiceField(choices=UsageMode.choices)
    purpose = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    sample = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    confidential = serializers.BooleanField(required=False, default=False)
    company = serializers.IntegerField(required=False, allow_null=True, default=None)


class RefusalSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    field = serializers.CharField(required=False)


class PreviewAnswerSerializer(serializers.Serializer):
    """Whether the request would be accepted now, and its quote; or the rule it breaks."""

    allowed = serializers.BooleanField()
    quote = serializers.DictField(
        allow_null=True, help_text="as a booking's quote, each line's label in the reader's language"
    )
    refusal = RefusalSerializer(allow_null=True)


@extend_schema(request=PreviewSerializer, responses=PreviewAnswerSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def instrument_preview(request, pk: int):
    """The quote and rule check of a request before it is sent (`services.preview_request`): nothing is stored. A
    rule the request breaks or a clash is answered 200 with `allowed: false` and the refusal (code, message,
    field); who may not book at all gets 403, bad input (or no company chosen by a user of several) 400."""
    instrument = equipment_selectors.instrument_for_request(pk)
    if instrument is None:
        raise Http404
    form = PreviewSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = dict(form.validated_data)
    try:
        booking = services.preview_request(
            actor=request.user, instrument=instrument, company_id=data.pop("company"), **data
        )
    except (BookingRuleError, BookingConflict) as refusal:  # the time or mode chosen, not the input: an answer
        body = {"code": refusal.code, "detail": refusal.message}
        if refusal.field:
            body["field"] = refusal.field
        return Response({"allowed": False, "quote": None, "refusal": body})
    return Response({"allowed": True, "quote": quotes.readable(booking.quote), "refusal": None})


@extend_schema_field(OpenApiTypes.DATE)
class DayField(serializers.CharField):
    """A Tokyo day as YYYY-MM-DD, within the years the product takes (backend.plumbing.parse_day)."""

    def to_internal_value(self, value):
        try:
            return parse_day(super().to_internal_value(value), field=self.field_name)
        except DomainError as error:
            raise serializers.ValidationError(error.message, code=error.code) from None


class TimelineQuery(serializers.Serializer):
    start = DayField(required=False, help_text="the first Tokyo day, YYYY-MM-DD (default today)")
    days = serializers.IntegerField(min_value=1, max_value=selectors.TIMELINE_MAX_DAYS, default=1)


class TimelineInstitutionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TimelineInstrumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    institution = TimelineInstitutionSerializer()


class TimelineOperatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    lent = serializers.BooleanField(help_text="lent by another institution under a lending agreement")


def _operator(booking) -> dict | None:
    assignment = booking.operator_assignment
    if assignment is None:
        return None
    return {"id": assignment.operator_id, "name": assignment.operator.user.display_name, "lent": assignment.lent}


class TimelineBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    instrument = serializers.IntegerField()
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    status = serializers.ChoiceField(choices=Booking.Status.choices)
    status_label = serializers.CharField()
    mode = serializers.CharField()
    who = serializers.CharField(help_text="the company's name, or the requester's for a booking without one")
    purpose = serializers.CharField(allow_null=True, help_text="null where the reader may not see it")
    proposal_pending = serializers.BooleanField()
    operator = TimelineOperatorSerializer(
        allow_null=True, help_text="assisted and commissioned: the operator assigned (in force), else null"
    )
    operator_missing = serializers.BooleanField(
        help_text="an approved assisted or commissioned booking with no operator in force: staff must assign one"
    )
    url = serializers.CharField(help_text="the booking's page")
    propose_url = serializers.CharField(
        allow_null=True, help_text="pending only: the page's proposal form; add ?start=…&end=… (RFC 3339)"
    )


class TimelineDowntimeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    instrument = serializers.IntegerField()
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    kind = serializers.CharField()
    title = serializers.CharField()


class TimelineSerializer(serializers.Serializer):
    """The shape of a timeline answer (documentation only: `timeline_answer` renders it)."""

    start = AwareDateTimeField()
    end = AwareDateTimeField()
    days = serializers.IntegerField()
    opens = serializers.CharField(help_text="HH:MM, Tokyo: the earliest opening of the instruments")
    closes = serializers.CharField(help_text="HH:MM, Tokyo: the latest closing (24:00 for midnight)")
    instruments = TimelineInstrumentSerializer(many=True)
    bookings = TimelineBookingSerializer(many=True)
    downtimes = TimelineDowntimeSerializer(many=True)


def _clock(moment) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


def timeline_answer(user, timeline) -> dict:
    """The timeline as the API and the staff page's timeline component read it."""
    instruments = [row.instrument for row in timeline.rows]
    return {
        "start": rfc3339(timeline.start),
        "end": rfc3339(timeline.end),
        "days": timeline.days,
        "opens": _clock(timeline.opens),
        "closes": _clock(timeline.closes),
        "instruments": [
            {
                "id": i.id,
                "name": i.localized_name,
                "status": i.status,
                "institution": {"id": i.institution_id, "name": i.institution.localized_name},
            }
            for i in instruments
        ],
        "bookings": [
            {
                "id": b.id,
                "instrument": b.instrument_id,
                "start": rfc3339(b.start),
                "end": rfc3339(b.end),
                "status": b.status,
                "status_label": b.get_status_display(),
                "mode": b.get_mode_display(),
                "who": b.company.name if b.company else b.requester.display_name,
                "purpose": b.purpose if selectors.sees_full_details(user, b) else None,
                "proposal_pending": b.proposal_pending,
                "operator": _operator(b),
                "operator_missing": b.operator_missing,
                "url": reverse("booking-page", args=[b.id]),
                "propose_url": reverse("booking-page", args=[b.id]) if b.status == Booking.Status.PENDING else None,
            }
            for b in timeline.bookings
        ],
        "downtimes": [
            {
                "id": d.id,
                "instrument": d.instrument_id,
                "start": rfc3339(d.start),
                "end": rfc3339(d.end),
                "kind": d.get_kind_display(),
                "title": d.title or d.get_kind_display(),
            }
            for d in timeline.downtimes
        ],
    }


@extend_schema(parameters=[TimelineQuery], responses=TimelineSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def staff_timeline(request):
    """The institution timeline of staff: every instrument of their institutions with its bookings (pending,
    approved, completed, no-show) and downtime over 1 to 7 Tokyo days. Others are refused (403)."""
    if not selectors.sees_institution_timeline(request.user):
        raise PermissionDenied("staff_only", _("Only institution staff may use this page."))
    query = TimelineQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    first = query.validated_data.get("start") or timezone.localdate()
    timeline = selectors.institution_timeline(request.user, first, query.validated_data["days"])
    return Response(timeline_answer(request.user, timeline))
