"""An instrument's downtime: by hand, or imported from an .ics file (all or nothing)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from backend.parsers import JSONParser

from .. import services
from ..models import Downtime
from .common import InstrumentChildViewSet


class DowntimeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Downtime
        fields = ["id", "start", "end", "kind", "title", "note"]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not self.context.get("can_manage"):
            data.pop("note")  # internal notes are for the institution's staff
        return data


class DowntimeImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="iCalendar (.ics) file")
    kind = serializers.ChoiceField(choices=Downtime.Kind.choices, default=Downtime.Kind.MAINTENANCE)


class DowntimeImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deleted = serializers.IntegerField()


class DowntimeViewSet(InstrumentChildViewSet):
    serializer_class = DowntimeSerializer
    parser_classes = [JSONParser, FormParser]

    def children(self):
        return self.instrument.downtimes.order_by("start")

    def create(self, request, *args, **kwargs):
        form = DowntimeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        downtime = services.add_downtime(actor=request.user, instrument=self.instrument, **form.validated_data)
        return Response(
            DowntimeSerializer(downtime, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request={"multipart/form-data": DowntimeImportSerializer},
        responses={200: DowntimeImportResultSerializer},
        summary="Import downtime from an .ics file (all or nothing; same UIDs update, CANCELLED removes)",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_ics(self, request, *args, **kwargs):
        form = DowntimeImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        counts = services.import_downtimes(
            actor=request.user, instrument=self.instrument, upload=data["file"], kind=data["kind"]
        )
        return Response(counts)

    def destroy(self, request, *args, **kwargs):
        services.delete_downtime(actor=request.user, downtime=get_object_or_404(self.get_queryset(), pk=kwargs["pk"]))
        return Response(status=status.HTTP_204_NO_CONTENT)
