"""REST endpoints for availability and bookings. Parse, call a service or selector, render."""

from datetime import timedelta

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from backend.api import AwareDateTimeField, id_param, rfc3339
from equipment.models import UsageMode

from . import assignments, selectors, services
from .models import REQUEST_KEY_MAX, TEXT_MAX, Booking
from .serializers import BookingRequestSerializer, BookingSerializer

MAX_AVAILABILITY_WINDOW = timedelta(days=62)
IDEMPOTENCY_HEADER = "Idempotency-Key"


class IntervalSerializer(serializers.Serializer):
    """One free or busy interval of an availability answer: the schema's `Interval` (tests/backend/test_schema.py)."""

    start = AwareDateTimeField()
    end = AwareDateTimeField()


class AvailabilitySerializer(serializers.Serializer):
    """The shape of an availability answer (documentation only: the view renders it)."""

    instrument = serializers.IntegerField()
    mode = serializers.CharField(allow_null=True, help_text="the usage mode whose free time is answered")
    free = IntervalSerializer(many=True)
    busy = IntervalSerializer(many=True)
    no_operator_free = IntervalSerializer(
        many=True,
        help_text="assisted and commissioned modes: time the instrument could take a request but no operator is free "
        "for (reason code `no_operator_free`); empty for self-operation",
    )


class AvailabilityQuery(serializers.Serializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    mode = serializers.ChoiceField(choices=UsageMode.choices, required=False)

    def validate(self, data):
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        if data["end"] - data["start"] > MAX_AVAILABILITY_WINDOW:
            raise serializers.ValidationError({"end": [_("Ask for at most 62 days at once.")]})
        return data


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ApprovalSerializer(ReasonSerializer):
    # an Operator's id among the offers (GET …/operators/); none: the preferred operator if free, else the first free
    operator = serializers.IntegerField(source="operator_id", required=False, allow_null=True, default=None)


class ReassignmentSerializer(ReasonSerializer):
    operator = serializers.IntegerField(source="operator_id")


class OfferSerializer(serializers.Serializer):
    """One operator staff may assign to a booking (documentation and rendering)."""

    id = serializers.IntegerField(source="operator.id")
    name = serializers.SerializerMethodField()
    institution = serializers.IntegerField(source="operator.institution_id")
    institution_name = serializers.CharField(source="operator.institution.localized_name")
    lent = serializers.BooleanField()
    free = serializers.BooleanField()
    preferred = serializers.BooleanField()
    assigned = serializers.SerializerMethodField()

    def get_name(self, offer) -> str:
        return assignments.operator_name(offer.operator)

    def get_assigned(self, offer) -> bool:
        return offer.operator.id == self.context.get("assigned_id")


class ProposalSerializer(ReasonSerializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField()


class ConsumableSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    unit_price_jpy = serializers.IntegerField(min_value=0, max_value=10_000_000)


class ConsumablesSerializer(serializers.Serializer):
    consumables = ConsumableSerializer(many=True, max_length=20)


class CompletionSerializer(serializers.Serializer):
    actual_start = AwareDateTimeField()
    actual_end = AwareDateTimeField()


@extend_schema(
    parameters=[
        OpenApiParameter("start", str, required=True, description="ISO 8601 with offset"),
        OpenApiParameter("end", str, required=True, description="ISO 8601 with offset"),
        OpenApiParameter(
            "mode",
            str,
            enum=UsageMode.values,
            description="the usage mode the free time is for (default: self-operation if offered, else the first "
            "mode); assisted and commissioned time is free only where an operator is free too",
        ),
    ],
    responses=AvailabilitySerializer,
)
@api_view(["GET"])
@permission_classes([AllowAny])
def instrument_availability(request, pk: int):
    """Free and busy time of an instrument in a usage mode: free is what a new request may use; busy says nothing of
    whose; for an assisted or commissioned mode, `no_operator_free` is the instrument's free time no operator is
    free for (left out of `free`)."""
    policy = selectors.policy_of_id(pk)
    if policy is None:
        raise Http404
    query = AvailabilityQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    start, end = query.validated_data["start"], query.validated_data["end"]
    mode = query.validated_data.get("mode") or selectors.default_mode(policy)
    free, busy, no_operator = selectors.availability_of(pk, policy, start, end, mode=mode)
    return Response(
        {
            "instrument": pk,
            "mode": mode,
            "free": [{"start": rfc3339(i.start), "end": rfc3339(i.end)} for i in free],
            "busy": [{"start": rfc3339(i.start), "end": rfc3339(i.end)} for i in busy],
            "no_operator_free": [{"start": rfc3339(i.start), "end": rfc3339(i.end)} for i in no_operator],
        }
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="comma-separated statuses, e.g. pending,approved"),
            OpenApiParameter("instrument", int, description="an instrument's id"),
            OpenApiParameter("mine", bool, description="only the bookings I requested"),
        ]
    )
)
class BookingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Requests and their decisions. Every verb is a service call; refusals name their rule."""

    serializer_class = BookingSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        qs = selectors.bookings_visible_to(self.request.user)
        params = self.request.query_params
        if params.get("status"):
            wanted = params["status"].split(",")
            unknown = set(wanted) - set(Booking.Status.values)
            if unknown:
                raise serializers.ValidationError(
                    {"status": [_("Unknown status: %(statuses)s") % {"statuses": ", ".join(sorted(unknown))}]}
                )
            qs = qs.filter(status__in=wanted)
        if (instrument_id := id_param(params, "instrument")) is not None:
            qs = qs.filter(instrument_id=instrument_id)
        if params.get("mine") in {"1", "true"}:
            qs = qs.filter(requester=self.request.user)
        ordering = "start" if params.get("status") == "pending" else "-start"
        return qs.order_by(ordering, "id")

    def _render(self, booking, code=status.HTTP_200_OK):
        """The answer to a verb, from the booking its service returned: everything it shows was read inside the
        service's transaction, so nothing is queried after the commit (a connection lost then cannot turn a
        done change into an error)."""
        return Response(BookingSerializer(booking, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=BookingRequestSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description=(
                    "Makes the request safe to retry: a key of your choice (e.g. a UUID), at most "
                    f"{REQUEST_KEY_MAX} printable ASCII characters. The same key with the same body answers the "
                    "booking the first call made (200 instead of 201), never a second booking or a conflict with "
                    "your own request; the same key with another body is refused (422, code idempotency_key_reused)."
                ),
            )
        ],
        responses={
            201: BookingSerializer,
            200: OpenApiResponse(BookingSerializer, description="The booking an earlier call with this key made."),
            422: OpenApiResponse(description="The idempotency key was used for another request."),
        },
    )
    def create(self, request, *args, **kwargs):
        form = BookingRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        booking = services.request_booking(
            actor=request.user,
            company_id=data.pop("company"),
            idempotency_key=request.headers.get(IDEMPOTENCY_HEADER, "").strip(),
            **data,
        )
        return self._render(booking, status.HTTP_200_OK if booking.replayed else status.HTTP_201_CREATED)

    def _act(self, request, verb, form_class=None):
        booking = self.get_object()
        kwargs = {}
        if form_class is not None:
            form = form_class(data=request.data)
            form.is_valid(raise_exception=True)
            kwargs = dict(form.validated_data)
        return self._render(verb(actor=request.user, booking=booking, **kwargs))

    @extend_schema(request=ApprovalSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """An assisted or commissioned booking gets an operator: `operator`, or the preferred one if free, else the
        first free one; none free: 409 no_operator_free, nothing written."""
        return self._act(request, services.approve, ApprovalSerializer)

    @extend_schema(responses=OfferSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a short list, whole: not a page
    def operators(self, request, pk=None):
        """The operators staff of the instrument's institution may assign: free ones first (own institution, then
        lent ones), then those not free (not at work, away or assigned elsewhere)."""
        booking = self.get_object()
        services.ensure_may_decide(request.user, booking)
        assigned = selectors.assignment_in_force(booking.pk)
        context = {"assigned_id": assigned.operator_id if assigned else None}
        return Response(OfferSerializer(assignments.offers(booking), many=True, context=context).data)

    @extend_schema(request=ReassignmentSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """Put another operator in for an approved booking; the one assigned is released and told."""
        return self._act(request, services.reassign_operator, ReassignmentSerializer)

    @extend_schema(request=ReasonSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(request, services.reject, ReasonSerializer)

    @extend_schema(request=ProposalSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        return self._act(request, services.propose, ProposalSerializer)

    @extend_schema(request=None, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(request, services.accept_proposal)

    @extend_schema(request=ReasonSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._act(request, services.decline_proposal, ReasonSerializer)

    @extend_schema(request=ReasonSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, services.cancel, ReasonSerializer)

    @extend_schema(request=CompletionSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._act(request, services.complete, CompletionSerializer)

    @extend_schema(request=ConsumablesSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def consumables(self, request, pk=None):
        """Staff set the consumables of a pending booking (an empty list removes them); the quote follows."""
        return self._act(request, services.set_consumables, ConsumablesSerializer)

    @extend_schema(request=ReasonSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        return self._act(request, services.mark_no_show, ReasonSerializer)
