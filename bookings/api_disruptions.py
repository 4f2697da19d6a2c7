"""REST endpoints of staff changes that may hit bookings (bookings.disruptions): an instrument's downtime (listed,
added by hand or imported from .ics; deleting one hurts nobody), its opening hours replaced, its retirement.

A change that hits holding bookings is refused with 409 listing them (`affected`) unless the request says what to
do with each (`resolutions`); served here, not by equipment's API, because only bookings knows its bookings."""

import json

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from backend.api import AwareDateTimeField
from backend.errors import DomainError
from backend.parsers import JSONParser
from equipment import selectors as equipment_selectors
from equipment import services as equipment_services
from equipment.models import Downtime, Instrument

from . import disruptions


class ResolutionSerializer(serializers.Serializer):
    """What to do with one affected booking (documentation: `disruptions.parse_resolutions` reads them)."""

    booking = serializers.IntegerField()
    action = serializers.ChoiceField(choices=disruptions.ACTIONS)
    start = AwareDateTimeField(required=False, help_text="propose: the time proposed instead")
    end = AwareDateTimeField(required=False, help_text="propose: the time proposed instead")
    reason = serializers.CharField(required=False, help_text="required to cancel; told to the requester")
    sequence = serializers.IntegerField(required=False, help_text="the booking's sequence as seen; newer is refused")


class AffectedBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    status = serializers.CharField()
    sequence = serializers.IntegerField()
    company = serializers.CharField(allow_null=True)


AFFECTED = OpenApiResponse(
    inline_serializer(
        "BookingsAffected",
        {
            "code": serializers.CharField(),
            "detail": serializers.CharField(),
            "affected": AffectedBookingSerializer(many=True),
        },
    ),
    description="The change hits holding bookings and `resolutions` were not given: nothing was stored.",
)
BAD_RESOLUTION = OpenApiResponse(
    description="A resolution for a booking not affected, none for one that is, or one that cannot be carried out "
    "(`booking` names it): nothing was stored."
)


def _resolutions(value):
    """The `resolutions` of a body: a JSON list (in a multipart body, its JSON text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise DomainError("invalid", _("Give the resolutions as a list."), field="resolutions") from None
    return disruptions.parse_resolutions(value)


class DowntimeSerializer(serializers.ModelSerializer):
    resolutions = ResolutionSerializer(many=True, required=False, write_only=True)

    class Meta:
        model = Downtime
        fields = ["id", "start", "end", "kind", "title", "note", "resolutions"]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not self.context.get("can_manage"):
            data.pop("note")  # internal notes are for the institution's staff
        return data


class DowntimeImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="iCalendar (.ics) file")
    kind = serializers.ChoiceField(choices=Downtime.Kind.choices, default=Downtime.Kind.MAINTENANCE)
    resolutions = serializers.CharField(required=False, help_text="JSON list of resolutions, as for one downtime")


class DowntimeImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deleted = serializers.IntegerField()


class _InstrumentScoped:
    """The instrument of the URL; read as the catalogue allows, written as its institution's staff (the services
    refuse anyone else)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.instrument = get_object_or_404(
            Instrument.objects.select_related("institution"), pk=self.kwargs["instrument_pk"]
        )
        self.can_manage = equipment_selectors.may_manage_instruments(request.user, self.instrument.institution_id)

    def get_permissions(self):
        return [] if self.request.method in SAFE_METHODS else [IsAuthenticated()]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "can_manage": getattr(self, "can_manage", False)}


class DowntimeViewSet(_InstrumentScoped, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = DowntimeSerializer
    parser_classes = [JSONParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no instrument in the URL
            return Downtime.objects.none()
        return self.instrument.downtimes.order_by("start")

    @extend_schema(
        request=DowntimeSerializer,
        responses={201: DowntimeSerializer, 400: BAD_RESOLUTION, 409: AFFECTED},
        summary="Add a downtime; one over holding bookings needs a resolution for each (else 409 listing them)",
    )
    def create(self, request, *args, **kwargs):
        form = DowntimeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        fields = dict(form.validated_data)
        fields.pop("resolutions", None)
        downtime = disruptions.add_downtime(
            actor=request.user,
            instrument=self.instrument,
            resolutions=_resolutions(request.data.get("resolutions")),
            **fields,
        )
        return Response(
            DowntimeSerializer(downtime, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request={"multipart/form-data": DowntimeImportSerializer},
        responses={200: DowntimeImportResultSerializer, 400: BAD_RESOLUTION, 409: AFFECTED},
        summary="Import downtime from an .ics file (all or nothing; same UIDs update, CANCELLED removes); "
        "bookings it hits need resolutions",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_ics(self, request, *args, **kwargs):
        form = DowntimeImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        counts = disruptions.import_downtimes(
            actor=request.user,
            instrument=self.instrument,
            upload=data["file"],
            kind=data["kind"],
            resolutions=_resolutions(data.get("resolutions")),
        )
        return Response(counts)

    def destroy(self, request, *args, **kwargs):
        equipment_services.delete_downtime(
            actor=request.user, downtime=get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class OpeningHoursItemSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    opens = serializers.TimeField()
    closes = serializers.TimeField()


class OpeningHoursChangeSerializer(serializers.Serializer):
    opening_hours = OpeningHoursItemSerializer(many=True)
    resolutions = ResolutionSerializer(many=True, required=False)


class RetirementSerializer(serializers.Serializer):
    resolutions = ResolutionSerializer(many=True, required=False)


class InstrumentChangeViewSet(_InstrumentScoped, viewsets.GenericViewSet):
    """/instruments/{id}/opening-hours/ and /instruments/{id}/retire/."""

    parser_classes = [JSONParser]
    serializer_class = RetirementSerializer
    # No OPTIONS description: DRF's would look for one object by a key these list-level actions do not have.
    metadata_class = None

    def get_queryset(self):  # the instrument of the URL is all it acts on (`initial`)
        return Instrument.objects.none()

    @extend_schema(
        request=OpeningHoursChangeSerializer,
        responses={200: OpeningHoursItemSerializer(many=True), 400: BAD_RESOLUTION, 409: AFFECTED},
        summary="Replace the weekly opening hours; bookings left outside them need resolutions (else 409)",
    )
    @action(detail=False, methods=["put"], url_path="opening-hours")
    def opening_hours(self, request, *args, **kwargs):
        form = OpeningHoursChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        instrument = disruptions.set_opening_hours(
            actor=request.user,
            instrument=self.instrument,
            opening_hours=[dict(item) for item in form.validated_data["opening_hours"]],
            resolutions=_resolutions(request.data.get("resolutions")),
        )
        hours = instrument.opening_hours.order_by("weekday", "opens")
        return Response(OpeningHoursItemSerializer(hours, many=True).data)

    @extend_schema(
        request=RetirementSerializer,
        responses={204: None, 400: BAD_RESOLUTION, 409: AFFECTED},
        summary="Retire the instrument; its holding bookings that have not ended need resolutions (else 409)",
    )
    @action(detail=False, methods=["post"], url_path="retire")
    def retire(self, request, *args, **kwargs):
        form = RetirementSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        disruptions.retire_instrument(
            actor=request.user, instrument=self.instrument, resolutions=_resolutions(request.data.get("resolutions"))
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
