"""REST endpoints for consultations and the expert directory. Parse input, call a service or selector, render.

Long: the consultation's serializers beside the one view set whose actions use them (refer, messages, close,
bookings, inbox), and the expert directory's; split, each action would sit apart from the shape of its input.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.api import id_param
from backend.authentication import ApiTokenAuthentication
from backend.errors import PermissionDenied
from bookings.selectors import bookings_visible_to
from bookings.serializers import BookingRequestSerializer, BookingSerializer
from consortia.selectors import access_for, consortium_list, institution_choices
from equipment.selectors import instrument_choices

from . import selectors, services
from .models import Consultation, ExpertProfile, Message, Referral

# Consultations are private to their parties. Session authentication is asked first so that a request
# without credentials is refused with 403 (DRF answers 401 only when the first scheme names a challenge).
PRIVATE_AUTHENTICATION = [SessionAuthentication, ApiTokenAuthentication]


def _ref(obj, name: str | None = None) -> dict | None:
    """{id, name}: the name in the reader's language (a thing's localized name, `str()`) unless given."""
    return None if obj is None else {"id": obj.pk, "name": name if name is not None else str(obj)}


def _person(user) -> str | None:
    """A person's name in the reader's language (consortia.User.display_name), None for nobody."""
    return None if user is None else user.display_name


# --- Serializers -----------------------------------------------------------------------------------------------
class ConsultationCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX)
    description = serializers.CharField(max_length=services.TEXT_MAX)
    consortium = serializers.PrimaryKeyRelatedField(queryset=consortium_list(), required=False, allow_null=True)
    confidential = serializers.BooleanField(required=False, default=False)
    company = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReferSerializer(serializers.Serializer):
    institution = serializers.PrimaryKeyRelatedField(queryset=institution_choices())
    note = serializers.CharField(max_length=services.TEXT_MAX)
    instruments = serializers.PrimaryKeyRelatedField(
        queryset=instrument_choices(), many=True, required=False, default=list
    )
    experts = serializers.PrimaryKeyRelatedField(
        queryset=ExpertProfile.objects.all(), many=True, required=False, default=list
    )


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.TEXT_MAX)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Consultation.Outcome.choices)


class ConsultationBookingRequestSerializer(BookingRequestSerializer):
    """The booking request body, without `company` (the consultation's company books)."""

    company = None


class LinkBookingSerializer(serializers.Serializer):
    booking = serializers.IntegerField()


class ConsultationListSerializer(serializers.ModelSerializer):
    company = serializers.SerializerMethodField()
    consortium = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "confidential",
            "status",
            "outcome",
            "company",
            "consortium",
            "created_at",
            "first_referred_at",
            "first_answered_at",
            "closed_at",
            "overdue",
        ]

    def get_company(self, obj) -> dict:
        return _ref(obj.company, obj.company.name)

    def get_consortium(self, obj) -> dict:
        return _ref(obj.consortium)

    def get_overdue(self, obj) -> bool:
        """Not referred two business days after it arrived (the coordinators are reminded once)."""
        return selectors.is_overdue(obj, self.context.get("now") or timezone.now())


class ReferralSerializer(serializers.ModelSerializer):
    institution = serializers.SerializerMethodField()
    referred_by = serializers.SerializerMethodField()
    instruments = serializers.SerializerMethodField()
    experts = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "institution",
            "note",
            "instruments",
            "experts",
            "referred_by",
            "created_at",
            "first_answered_at",
        ]

    def get_institution(self, obj) -> dict:
        return _ref(obj.institution)

    def get_referred_by(self, obj) -> str | None:
        return _person(obj.referred_by) if obj.referred_by_id else None

    def get_instruments(self, obj) -> list[dict]:
        return [_ref(i) for i in obj.instruments.all()]

    def get_experts(self, obj) -> list[dict]:
        return [_ref(e, e.user.display_name) for e in obj.experts.all()]


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()
    side = serializers.CharField(read_only=True)

    class Meta:
        model = Message
        fields = ["id", "author", "side", "institution", "body", "created_at"]

    def get_author(self, obj) -> str:
        return _person(obj.author)

    def get_institution(self, obj) -> dict | None:
        return _ref(obj.institution) if obj.institution_id else None


class ConsultationDetailSerializer(ConsultationListSerializer):
    requester = serializers.SerializerMethodField()
    response_time_hours = serializers.SerializerMethodField()
    suggestions = serializers.SerializerMethodField()
    referrals = ReferralSerializer(many=True, read_only=True)
    messages = MessageSerializer(many=True, read_only=True)
    bookings = serializers.SerializerMethodField()
    can = serializers.SerializerMethodField()

    class Meta(ConsultationListSerializer.Meta):
        fields = ConsultationListSerializer.Meta.fields + [
            "description",
            "requester",
            "response_time_hours",
            "response_business_days",
            "suggestions",
            "referrals",
            "messages",
            "bookings",
            "can",
        ]

    def get_requester(self, obj) -> str:
        return _person(obj.requester)

    def get_response_time_hours(self, obj) -> float | None:
        return round(obj.response_time.total_seconds() / 3600, 1) if obj.response_time is not None else None

    def get_suggestions(self, obj) -> list[dict]:
        """The suggestions made when the company asked, names and reasons in the reader's language; experts who have
        since left the directory are left out."""
        return selectors.current_suggestions(obj)

    def get_bookings(self, obj) -> list[dict]:
        return [
            {
                "id": link.booking_id,
                "instrument": _ref(link.booking.instrument),
                "institution": link.booking.instrument.institution_id,
                "start": serializers.DateTimeField().to_representation(link.booking.start),
                "end": serializers.DateTimeField().to_representation(link.booking.end),
                "status": link.booking.status,
            }
            for link in obj.booking_links.all()
        ]

    def get_can(self, obj) -> dict:
        """What the current user may do here (for pages and clients; the services decide in any case)."""
        request = self.context.get("request")
        return selectors.permitted_actions(request.user, obj) if request is not None else {}


class ExpertSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()
    instruments = serializers.SerializerMethodField()

    class Meta:
        model = ExpertProfile
        fields = ["id", "name", "institution", "keywords", "bio", "instruments"]

    def get_name(self, obj) -> str:
        return obj.user.display_name

    def get_institution(self, obj) -> dict:
        return _ref(obj.institution)

    def get_instruments(self, obj) -> list[dict]:
        return [_ref(i) for i in obj.instruments.all()]


class OwnExpertSerializer(ExpertSerializer):
    class Meta(ExpertSerializer.Meta):
        fields = ExpertSerializer.Meta.fields + ["listed", "updated_at"]


class ExpertUpdateSerializer(serializers.Serializer):
    institution = serializers.PrimaryKeyRelatedField(queryset=institution_choices(), required=False)
    listed = serializers.BooleanField(required=False)
    keywords = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True)
    instruments = serializers.PrimaryKeyRelatedField(queryset=instrument_choices(), many=True, required=False)


# --- Views -------------------------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="comma-separated statuses"),
            OpenApiParameter("consortium", int, description="a consortium's id"),
            OpenApiParameter("mine", bool, description="only the consultations I asked"),
        ]
    )
)
class ConsultationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Technical consultations (技術相談): the company asks, coordinators refer, everyone talks in the thread.
    Only the company, the consortium's coordinators and the referred staff see one; to anyone else it does
    not exist (404)."""

    authentication_classes = PRIVATE_AUTHENTICATION
    permission_classes = [IsAuthenticated]
    serializer_class = ConsultationDetailSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.consultation_detail_queryset(self.request.user)
        qs = selectors.consultations_visible_to(self.request.user).select_related("company", "consortium")
        if self.action != "list":
            return qs
        params = self.request.query_params
        wanted = params["status"].split(",") if params.get("status") else []
        unknown = set(wanted) - set(Consultation.Status.values)
        if unknown:
            raise serializers.ValidationError(
                {"status": [_("Unknown status: %(statuses)s") % {"statuses": ", ".join(sorted(unknown))}]}
            )
        qs = selectors.filter_consultations(
            qs,
            statuses=wanted,
            consortium_id=id_param(params, "consortium"),
            requester=self.request.user if params.get("mine") in {"1", "true"} else None,
        )
        return qs.order_by("-created_at", "-id")

    def get_serializer_class(self):
        return ConsultationListSerializer if self.action in ("list", "inbox") else ConsultationDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _render(self, consultation, code=status.HTTP_200_OK):
        fresh = selectors.consultation_detail_queryset(self.request.user).get(pk=consultation.pk)
        return Response(ConsultationDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=ConsultationCreateSerializer,
        responses={201: ConsultationDetailSerializer},
        description="Describe a problem in plain words; the answer carries the suggestions.",
    )
    def create(self, request, *args, **kwargs):
        form = ConsultationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        consultation = services.submit_consultation(actor=request.user, company_id=data.pop("company"), **data)
        return self._render(consultation, status.HTTP_201_CREATED)

    @extend_schema(responses=ConsultationListSerializer(many=True))
    @action(detail=False, methods=["get"])
    def inbox(self, request):
        """A coordinator's inbox: new consultations of their consortia, oldest first, with `overdue`."""
        access = access_for(request.user)
        if not access.coordinator_of:
            raise PermissionDenied("not_coordinator", _("Coordinators only."))
        qs = (
            selectors.consultations_visible_to(request.user)
            .filter(consortium_id__in=access.coordinator_of, status=Consultation.Status.NEW)
            .select_related("company", "consortium")
            .order_by("created_at", "id")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=ReferSerializer, responses={201: ConsultationDetailSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        """A coordinator refers the consultation to an institution (of any consortium)."""
        consultation = self.get_object()
        form = ReferSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.refer(actor=request.user, consultation=consultation, **form.validated_data)
        return self._render(consultation, status.HTTP_201_CREATED)

    @extend_schema(request=MessageCreateSerializer, responses={201: ConsultationDetailSerializer})
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        """Write in the thread (the company, the coordinators, referred staff)."""
        consultation = self.get_object()
        form = MessageCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.post_message(actor=request.user, consultation=consultation, **form.validated_data)
        return self._render(consultation, status.HTTP_201_CREATED)

    @extend_schema(request=CloseSerializer, responses=ConsultationDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The company or a coordinator closes the consultation with its outcome."""
        consultation = self.get_object()
        form = CloseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.close(actor=request.user, consultation=consultation, **form.validated_data)
        return self._render(consultation)

    @extend_schema(
        request=ConsultationBookingRequestSerializer,
        responses={201: BookingSerializer},
        description=(
            "The company requests a booking because of the consultation (the body of POST /bookings/ without "
            '`company`), or links a booking it already requested with {"booking": id}.'
        ),
    )
    @action(detail=True, methods=["post"])
    def bookings(self, request, pk=None):
        consultation = self.get_object()
        if "booking" in request.data:
            form = LinkBookingSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            booking = get_object_or_404(bookings_visible_to(request.user), pk=form.validated_data["booking"])
            services.link_booking(actor=request.user, consultation=consultation, booking=booking)
        else:
            form = ConsultationBookingRequestSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            booking = services.request_booking_from(
                actor=request.user, consultation=consultation, **form.validated_data
            )
        fresh = bookings_visible_to(request.user).get(pk=booking.pk)
        return Response(BookingSerializer(fresh, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="terms that must all occur (width, case and kana do not matter)"),
        OpenApiParameter("institution", int),
        OpenApiParameter("consortium", int),
    ]
)
class ExpertViewSet(viewsets.ReadOnlyModelViewSet):
    """The expert directory: staff who agreed to be listed, with their keywords and the instruments they run.
    For logged-in users (it names people)."""

    serializer_class = ExpertSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        params = self.request.query_params
        return selectors.expert_list(
            q=params.get("q", ""),
            institution_id=id_param(params, "institution"),
            consortium_id=id_param(params, "consortium"),
        )


@extend_schema(methods=["GET"], responses=OwnExpertSerializer)
@extend_schema(methods=["PUT", "PATCH"], request=ExpertUpdateSerializer, responses=OwnExpertSerializer)
@api_view(["GET", "PUT", "PATCH"])
@permission_classes([IsAuthenticated])
def my_expert_profile(request):
    """A staff member's own directory entry: GET it (404 before the first save); PUT or PATCH the fields to
    change (`listed: true` agrees to be listed)."""
    if request.method == "GET":
        profile = get_object_or_404(ExpertProfile.objects.select_related("user", "institution"), user=request.user)
        return Response(OwnExpertSerializer(profile).data)
    form = ExpertUpdateSerializer(data=request.data, partial=True)
    form.is_valid(raise_exception=True)
    profile = services.save_expert_profile(actor=request.user, **form.validated_data)
    fresh = ExpertProfile.objects.select_related("user", "institution").prefetch_related("instruments")
    return Response(OwnExpertSerializer(fresh.get(pk=profile.pk)).data)
