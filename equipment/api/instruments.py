"""The catalogue itself: categories, and instruments listed, shown, registered, changed and retired."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from backend.api import ClockTimeField, IdFilter
from consortia.models import Institution
from consortia.selectors import institution_choices

from .. import selectors, services
from ..forms import MAX_SPEC_KEY, MAX_SPEC_VALUE, MAX_SPECS, TOO_MANY_SPECS
from ..models import Category, Instrument, OpeningHours, UsageMode
from .files import ManualSerializer, PhotoSerializer
from .rates import RateSerializer


def localized_name_field(what: str = "name") -> serializers.CharField:
    """The name (or description) in the reader's language: the English one on an English request where there is
    one, otherwise the Japanese one (backend.i18n.LocalizedName)."""
    return serializers.CharField(read_only=True, help_text=f"the {what} in the request's language")


class CategorySerializer(serializers.ModelSerializer):
    localized_name = localized_name_field()

    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_en", "localized_name", "keywords"]


class OpeningHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    opens = ClockTimeField()
    closes = ClockTimeField()

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class InstitutionBriefSerializer(serializers.ModelSerializer):
    localized_name = localized_name_field()
    consortia = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = ["id", "name", "name_en", "localized_name", "kind", "prefecture", "consortia"]

    def get_consortia(self, obj) -> list[int]:
        return sorted(c.id for c in obj.consortia.all())


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
    localized_name = localized_name_field()

    class Meta:
        model = Instrument
        fields = [
            "id",
            "name",
            "name_en",
            "localized_name",
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
    localized_description = localized_name_field("description")

    class Meta(InstrumentListSerializer.Meta):
        fields = InstrumentListSerializer.Meta.fields + [
            "description",
            "description_en",
            "localized_description",
            "specs",
            *Instrument.BOOKING_RULE_FIELDS,
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
    institution = serializers.PrimaryKeyRelatedField(queryset=institution_choices())
    category = serializers.SlugRelatedField(slug_field="code", queryset=selectors.categories())
    name = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    maker = serializers.CharField(max_length=100, required=False, allow_blank=True)
    model = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    description_en = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
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
        if len(value) > MAX_SPECS or any(
            len(str(k)) > MAX_SPEC_KEY or len(str(v)) > MAX_SPEC_VALUE for k, v in value.items()
        ):
            raise serializers.ValidationError(TOO_MANY_SPECS % {"max": MAX_SPECS})
        return {str(k): v if isinstance(v, (str, int, float, bool)) else str(v) for k, v in value.items()}


class CatalogueReadOrInstitutionStaff(BasePermission):
    """Anyone reads the catalogue; only the owning institution's staff change it."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        return selectors.may_manage_instruments(request.user, obj.institution_id)


class InstrumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        help_text="search in Japanese and English names and descriptions, ignoring width and case"
    )
    consortium = IdFilter()
    institution = IdFilter()
    category = django_filters.CharFilter(help_text="category code (e.g. sem) or id")
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
    queryset = selectors.categories()
    serializer_class = CategorySerializer
    pagination_class = None


class InstrumentViewSet(viewsets.ModelViewSet):
    """The catalogue of every consortium's instruments. Retiring one (POST /instruments/{id}/retire/) and replacing
    its opening hours (PUT /instruments/{id}/opening-hours/) may hit bookings: bookings.api_disruptions serves them."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # no DELETE: see above

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
        if "opening_hours" in data:  # they may leave bookings outside: bookings' endpoint settles those
            raise serializers.ValidationError(
                {"opening_hours": [_("Change the opening hours with PUT /api/v1/instruments/{id}/opening-hours/.")]}
            )
        if "institution" in data and data.pop("institution").id != instrument.institution_id:
            raise serializers.ValidationError({"institution": [_("An instrument cannot move to another institution.")]})
        instrument = services.update_instrument(actor=request.user, instrument=instrument, **data)
        return self._detail(instrument)
