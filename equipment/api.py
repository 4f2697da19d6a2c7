"""REST endpoints for the catalogue. Parse input, call a service or selector, render output."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from backend.api import IdFilter
from backend.parsers import JSONParser
from backend.schema import ERROR
from consortia.models import Institution
from consortia.selectors import can_manage_institution

from . import selectors, services
from .models import Category, Downtime, Instrument, Manual, OpeningHours, Photo, Qualification, Rate, UsageMode


# --- Serializers -------------------------------------------------------------------------------
class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_en", "keywords"]


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        "example": "09:00",
        "description": "local time of day in Asia/Tokyo, HH:MM (answers carry HH:MM:SS)",
    }
)
class ClockTimeField(serializers.TimeField):
    """A time of day on the wall clock, as opening hours are given ("09:00"). OpenAPI's `format: time` is RFC
    3339's full-time, which needs a UTC offset these never have."""


class OpeningHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    opens = ClockTimeField()
    closes = ClockTimeField()

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class InstitutionBriefSerializer(serializers.ModelSerializer):
    consortia = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = ["id", "name", "name_en", "kind", "prefecture", "consortia"]

    def get_consortia(self, obj) -> list[int]:
        return sorted(c.id for c in obj.consortia.all())


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
    language = serializers.ChoiceField(choices=[("ja", "日本語"), ("en", "English")], default="ja")


class RateSerializer(serializers.ModelSerializer):
    amount_jpy = serializers.IntegerField(min_value=0, max_value=100_000_000)

    class Meta:
        model = Rate
        fields = ["id", "user_category", "mode", "unit", "amount_jpy", "valid_from"]


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


class UsernameField(serializers.CharField):
    """In: the username or e-mail staff typed (the service looks it up); out: the holder's username."""

    def to_representation(self, value):
        return value.username


class QualificationSerializer(serializers.ModelSerializer):
    user = UsernameField(max_length=254)
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Qualification
        fields = ["id", "user", "granted_by", "granted_at", "expires_on", "revoked_at", "note"]
        read_only_fields = ["granted_at", "revoked_at"]


def first_thumbnail(instrument, request) -> str | None:
    photos = list(instrument.photos.all())
    if not photos:
        return None
    url = photos[0].thumbnail.url
    return request.build_absolute_uri(url) if request else url


class InstrumentListSerializer(serializers.ModelSerializer):
    institution = InstitutionBriefSerializer(read_only=True)
    category = CategorySerializer(read_only=True)
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Instrument
        fields = [
            "id",
            "name",
            "name_en",
            "institution",
            "category",
            "maker",
            "model",
            "location",
            "status",
            "modes",
            "requires_qualification",
            "opening_hours",
            "thumbnail",
        ]

    def get_thumbnail(self, obj) -> str | None:
        return first_thumbnail(obj, self.context.get("request"))


class InstrumentDetailSerializer(InstrumentListSerializer):
    photos = PhotoSerializer(many=True, read_only=True)
    manuals = serializers.SerializerMethodField()
    rates = serializers.SerializerMethodField()

    class Meta(InstrumentListSerializer.Meta):
        fields = InstrumentListSerializer.Meta.fields + [
            "description",
            "specs",
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "lead_time_hours",
            "horizon_days",
            "setup_minutes",
            "cleanup_minutes",
            "cancellation_deadline_hours",
            "decision_limit_hours",
            "photos",
            "manuals",
            "rates",
            "created_at",
            "updated_at",
        ]

    def get_manuals(self, obj) -> list[dict]:
        manuals = list(obj.manuals.all())
        context = {**self.context, "current_ids": selectors.current_manual_ids(manuals)}
        return ManualSerializer(manuals, many=True, context=context).data

    def get_rates(self, obj) -> list[dict]:
        return RateSerializer(selectors.rates_in_force(obj), many=True).data


class InstrumentWriteSerializer(serializers.Serializer):
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.all())
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    name = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    maker = serializers.CharField(max_length=100, required=False, allow_blank=True)
    model = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    specs = serializers.DictField(required=False)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Instrument.Status.choices, required=False)
    slot_minutes = serializers.IntegerField(min_value=5, max_value=1440, required=False)
    min_minutes = serializers.IntegerField(min_value=5, max_value=10080, required=False)
    max_minutes = serializers.IntegerField(min_value=5, max_value=10080, required=False)
    lead_time_hours = serializers.IntegerField(min_value=0, max_value=8760, required=False)
    horizon_days = serializers.IntegerField(min_value=1, max_value=730, required=False)
    setup_minutes = serializers.IntegerField(min_value=0, max_value=1440, required=False)
    cleanup_minutes = serializers.IntegerField(min_value=0, max_value=1440, required=False)
    cancellation_deadline_hours = serializers.IntegerField(min_value=0, max_value=8760, required=False)
    decision_limit_hours = serializers.IntegerField(min_value=1, max_value=8760, required=False)
    modes = serializers.ListField(
        child=serializers.ChoiceField(choices=UsageMode.choices), required=False, allow_empty=False
    )
    requires_qualification = serializers.BooleanField(required=False)
    opening_hours = OpeningHoursSerializer(many=True, required=False)

    def validate_specs(self, value):
        if len(value) > 100 or any(len(str(k)) > 100 or len(str(v)) > 1000 for k, v in value.items()):
            raise serializers.ValidationError("仕様は100項目までです。 (At most 100 specification items.)")
        return {str(k): v if isinstance(v, (str, int, float, bool)) else str(v) for k, v in value.items()}


# --- Permissions -------------------------------------------------------------------------------
class CatalogueReadOrInstitutionStaff(BasePermission):
    """Anyone reads the catalogue; only the owning institution's staff change it."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        return can_manage_institution(request.user, obj.institution_id)


# --- Views -------------------------------------------------------------------------------------
class InstrumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(help_text="全角/半角・大文字/小文字を区別しない検索 (width- and case-insensitive)")
    consortium = IdFilter()
    institution = IdFilter()
    category = django_filters.CharFilter(help_text="分類コード(例: sem)またはID (category code or id)")
    status = django_filters.ChoiceFilter(choices=Instrument.Status.choices)
    mode = django_filters.ChoiceFilter(choices=UsageMode.choices)

    class Meta:
        model = Instrument
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.instrument_list(
            q=data.get("q") or "",
            consortium_id=data.get("consortium"),
            institution_id=data.get("institution"),
            category=data.get("category") or None,
            status=data.get("status") or None,
            mode=data.get("mode") or None,
        )


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.order_by("id")
    serializer_class = CategorySerializer
    pagination_class = None


class InstrumentViewSet(viewsets.ModelViewSet):
    """The catalogue of every consortium's instruments."""

    permission_classes = [CatalogueReadOrInstitutionStaff]
    filterset_class = InstrumentFilter

    def get_queryset(self):
        if self.action == "list":
            return selectors.instrument_list()
        return selectors.instrument_detail_queryset()

    def get_serializer_class(self):
        if self.action == "list":
            return InstrumentListSerializer
        if self.action in {"create", "update", "partial_update"}:
            return InstrumentWriteSerializer
        return InstrumentDetailSerializer

    def _detail(self, instrument, code=status.HTTP_200_OK):
        fresh = selectors.instrument_detail_queryset().get(pk=instrument.pk)
        return Response(InstrumentDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=InstrumentWriteSerializer, responses=InstrumentDetailSerializer)
    def create(self, request, *args, **kwargs):
        serializer = InstrumentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        instrument = services.create_instrument(actor=request.user, **data)
        return self._detail(instrument, status.HTTP_201_CREATED)

    @extend_schema(request=InstrumentWriteSerializer, responses=InstrumentDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)  # documented here: PATCH answers the detail too

    @extend_schema(request=InstrumentWriteSerializer, responses=InstrumentDetailSerializer)
    def update(self, request, *args, **kwargs):
        instrument = self.get_object()
        serializer = InstrumentWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "institution" in data and data.pop("institution").id != instrument.institution_id:
            raise serializers.ValidationError(
                {
                    "institution": [
                        "機器の所属機関は変更できません。 (An instrument cannot move to another institution.)"
                    ]
                }
            )
        instrument = services.update_instrument(actor=request.user, instrument=instrument, **data)
        return self._detail(instrument)

    def destroy(self, request, *args, **kwargs):
        services.retire_instrument(actor=request.user, instrument=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class InstrumentChildViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Base for /instruments/{id}/<children>/: read as the catalogue allows, write as the instrument's staff."""

    staff_only_read = False

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no instrument in the URL
            return self.serializer_class.Meta.model.objects.none()
        return self.children()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.instrument = get_object_or_404(
            Instrument.objects.select_related("institution"), pk=self.kwargs["instrument_pk"]
        )
        self.can_manage = can_manage_institution(request.user, self.instrument.institution_id)
        if self.staff_only_read and not self.can_manage:
            self.permission_denied(request, message="この機関の担当者のみ閲覧できます。 (Institution staff only.)")

    def get_permissions(self):
        if self.request.method in SAFE_METHODS and not self.staff_only_read:
            return []
        return [IsAuthenticated()]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "can_manage": getattr(self, "can_manage", False)}


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
        services.ensure_can_manage(request.user, self.instrument.institution_id)
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
                "detail": "マニュアルは削除できません。新しい版を登録してください。 "
                "(Manuals are kept; upload a new version instead.)",
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
        services.ensure_can_manage(request.user, self.instrument.institution_id)
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


class RateViewSet(InstrumentChildViewSet):
    serializer_class = RateSerializer
    parser_classes = [JSONParser, FormParser]

    def children(self):
        return self.instrument.rates.order_by("user_category", "mode", "-valid_from")

    def create(self, request, *args, **kwargs):
        services.ensure_can_manage(request.user, self.instrument.institution_id)
        form = RateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        rate = services.add_rate(actor=request.user, instrument=self.instrument, **form.validated_data)
        return Response(RateSerializer(rate).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.delete_rate(actor=request.user, rate=get_object_or_404(self.get_queryset(), pk=kwargs["pk"]))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DowntimeViewSet(InstrumentChildViewSet):
    serializer_class = DowntimeSerializer
    parser_classes = [JSONParser, FormParser]

    def children(self):
        return self.instrument.downtimes.order_by("start")

    def create(self, request, *args, **kwargs):
        services.ensure_can_manage(request.user, self.instrument.institution_id)
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
        services.ensure_can_manage(request.user, self.instrument.institution_id)
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


class QualificationViewSet(InstrumentChildViewSet):
    serializer_class = QualificationSerializer
    parser_classes = [JSONParser, FormParser]
    staff_only_read = True

    def children(self):
        return selectors.qualifications_of(self.instrument)

    def create(self, request, *args, **kwargs):
        form = QualificationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        qualification = services.grant_qualification(
            actor=request.user, instrument=self.instrument, **form.validated_data
        )
        return Response(QualificationSerializer(qualification).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        """Revoke (kept as history)."""
        qualification = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        services.revoke_qualification(actor=request.user, qualification=qualification)
        return Response(status=status.HTTP_204_NO_CONTENT)
