"""Manuals (new versions; older ones stay listed) and photos of an instrument. The upload checks look at the
content and live in the services."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from backend.schema import ERROR

from .. import selectors, services
from ..models import Manual, Photo
from .common import InstrumentChildViewSet


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Photo
        fields = ["id", "image", "thumbnail", "width", "height", "caption", "position", "uploaded_at"]
        read_only_fields = ["width", "height", "uploaded_at", "thumbnail"]


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(allow_empty_file=True)
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    position = serializers.IntegerField(min_value=0, max_value=10_000, required=False)


class ManualSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = Manual
        fields = [
            "id",
            "title",
            "version",
            "language",
            "file",
            "size_bytes",
            "pages",
            "checksum",
            "uploaded_at",
            "current",
        ]

    def get_current(self, obj) -> bool:
        return self.context.get("current_ids") is not None and obj.id in self.context["current_ids"]


class ManualUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    title = serializers.CharField(max_length=200)
    version = serializers.CharField(max_length=40)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default="ja")


class ManualViewSet(InstrumentChildViewSet):
    serializer_class = ManualSerializer
    parser_classes = [MultiPartParser, FormParser]

    def children(self):
        return self.instrument.manuals.order_by("language", "-uploaded_at", "-id")

    def list(self, request, *args, **kwargs):
        manuals = list(self.get_queryset())
        page = self.paginate_queryset(manuals)
        context = {**self.get_serializer_context(), "current_ids": selectors.current_manual_ids(manuals)}
        return self.get_paginated_response(ManualSerializer(page, many=True, context=context).data)

    @extend_schema(request=ManualUploadSerializer, responses=ManualSerializer)
    def create(self, request, *args, **kwargs):
        form = ManualUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        manual = services.upload_manual(
            actor=request.user,
            instrument=self.instrument,
            upload=form.validated_data["file"],
            title=form.validated_data["title"],
            version=form.validated_data["version"],
            language=form.validated_data["language"],
        )
        context = {**self.get_serializer_context(), "current_ids": {manual.id}}
        return Response(ManualSerializer(manual, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={405: ERROR})
    def destroy(self, request, *args, **kwargs):
        # Older versions are kept on purpose: a manual is superseded by a new version, never deleted.
        return Response(
            {
                "code": "manual_versions_kept",
                "detail": _("Manuals are kept; upload a new version instead."),
            },
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
        )


class PhotoViewSet(InstrumentChildViewSet):
    serializer_class = PhotoSerializer
    parser_classes = [MultiPartParser, FormParser]

    def children(self):
        return self.instrument.photos.order_by("position", "id")

    @extend_schema(request=PhotoUploadSerializer, responses=PhotoSerializer)
    def create(self, request, *args, **kwargs):
        form = PhotoUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        photo = services.upload_photo(
            actor=request.user,
            instrument=self.instrument,
            upload=form.validated_data["image"],
            caption=form.validated_data["caption"],
            position=form.validated_data.get("position"),
        )
        return Response(
            PhotoSerializer(photo, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    def destroy(self, request, *args, **kwargs):
        services.delete_photo(actor=request.user, photo=get_object_or_404(self.get_queryset(), pk=kwargs["pk"]))
        return Response(status=status.HTTP_204_NO_CONTENT)
