"""REST endpoints of an operator's absences (bookings.absences): listed, added by hand or imported from .ics,
deleted. Served here, under /operators/{id}/absences/, because an absence over the operator's assigned bookings is
refused with 409 listing them (`affected`) unless the request says what to do with each (`resolutions`: reassign,
propose or cancel), and only bookings knows its bookings. Staffing's API serves the operators themselves.

Only the operator and an administrator of their home institution see or change their absences (403
`not_absence_manager` for anyone else; 404 for an operator who does not exist)."""

import json

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.api import AwareDateTimeField
from backend.errors import DomainError, PermissionDenied
from backend.parsers import JSONParser
from staffing import selectors as staffing_selectors
from staffing.models import Absence

from . import absences, disruptions
from .api_disruptions import BAD_RESOLUTION, AffectedBookingSerializer, DowntimeImportResultSerializer


class AbsenceResolutionSerializer(serializers.Serializer):
    """What to do with one booking the absence hits (documentation: `absences.parse_resolutions` reads them)."""

    booking = serializers.IntegerField()
    action = serializers.ChoiceField(choices=disruptions.ABSENCE_ACTIONS)
    operator = serializers.IntegerField(
        required=False, allow_null=True, help_text="reassign: the operator to put in; omitted, the first free one"
    )
    start = AwareDateTimeField(required=False, help_text="propose: the time proposed instead")
    end = AwareDateTimeField(required=False, help_text="propose: the time proposed instead")
    reason = serializers.CharField(required=False, help_text="required to cancel; told to the requester")
    sequence = serializers.IntegerField(required=False, help_text="the booking's sequence as seen; newer is refused")


class AbsenceAffectedBookingSerializer(AffectedBookingSerializer):
    instrument = serializers.CharField()


ABSENCE_AFFECTED = OpenApiResponse(
    inline_serializer(
        "AbsenceOverBookings",
        {
            "code": serializers.CharField(),
            "detail": serializers.CharField(),
            "affected": AbsenceAffectedBookingSerializer(many=True),
            "choices": serializers.ListField(child=serializers.CharField()),
        },
    ),
    description="The absence overlaps bookings the operator is assigned to and `resolutions` were not given: "
    "nothing was stored.",
)


def _resolutions(value):
    """The `resolutions` of a body: a JSON list (in a multipart body, its JSON text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise DomainError("invalid", _("Give the resolutions as a list."), field="resolutions") from None
    return absences.parse_resolutions(value)


class AbsenceSerializer(serializers.ModelSerializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    resolutions = AbsenceResolutionSerializer(many=True, required=False, write_only=True)

    class Meta:
        model = Absence
        fields = ["id", "start", "end", "kind", "title", "source_uid", "resolutions"]
        read_only_fields = ["source_uid"]


class AbsenceImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="iCalendar (.ics) file")
    kind = serializers.ChoiceField(choices=Absence.Kind.choices, default=Absence.Kind.LEAVE)
    resolutions = serializers.CharField(required=False, help_text="JSON list of resolutions, as for one absence")


class AbsenceViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """/operators/{operator_pk}/absences/"""

    serializer_class = AbsenceSerializer
    parser_classes = [JSONParser, FormParser]
    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.operator = staffing_selectors.operator_by_id(self.kwargs["operator_pk"])
        if self.operator is None:
            raise Http404("no such operator")
        if not staffing_selectors.may_manage_absences(request.user, self.operator):
            raise PermissionDenied(
                "not_absence_manager",
                _("Only the operator or an administrator of their institution may change their absences."),
            )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no operator in the URL
            return Absence.objects.none()
        return staffing_selectors.absences_of(self.operator)

    @extend_schema(
        summary="The operator's absences (the operator and their institution's administrators only)",
        responses={200: AbsenceSerializer(many=True)},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=AbsenceSerializer,
        responses={201: AbsenceSerializer, 400: BAD_RESOLUTION, 409: ABSENCE_AFFECTED},
        summary="Add an absence; one over bookings the operator is assigned to needs a resolution for each "
        "(reassign, propose or cancel; else 409 listing them)",
    )
    def create(self, request, *args, **kwargs):
        form = AbsenceSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        fields = dict(form.validated_data)
        fields.pop("resolutions", None)
        absence = absences.add_absence(
            actor=request.user,
            operator=self.operator,
            resolutions=_resolutions(request.data.get("resolutions")),
            now=timezone.now(),
            **fields,
        )
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": AbsenceImportSerializer},
        responses={200: DowntimeImportResultSerializer, 400: BAD_RESOLUTION, 409: ABSENCE_AFFECTED},
        summary="Import absences from an .ics file (all or nothing; same UIDs update, CANCELLED removes); "
        "assigned bookings it hits need resolutions",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_ics(self, request, *args, **kwargs):
        form = AbsenceImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        counts = absences.import_absences(
            actor=request.user,
            operator=self.operator,
            upload=data["file"],
            kind=data["kind"],
            resolutions=_resolutions(data.get("resolutions")),
        )
        return Response(counts)

    @extend_schema(summary="Delete an absence (it frees time and hurts no booking)", responses={204: None})
    def destroy(self, request, *args, **kwargs):
        absence = staffing_selectors.absence_of(self.operator, kwargs["pk"])
        if absence is None:
            raise Http404("no such absence")
        absences.delete_absence(actor=request.user, absence=absence)
        return Response(status=status.HTTP_204_NO_CONTENT)
