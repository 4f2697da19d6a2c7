"""REST endpoints for consortia, institutions and the current user. Companies are served by registrations.api:
a company comes to be through a registration its consortium approves (利用登録)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from backend.api import id_param
from backend.errors import DomainError
from backend.parsers import JSONParser
from backend.throttling import TokenAddressThrottle, TokenUsernameThrottle

from . import selectors, services
from .billing import MULTIPLIER_MAX, MULTIPLIER_MIN, STAFF_RATE_MAX
from .models import ApiToken, BillingDetails, Consortium, FeePolicy, Institution, User
from .selectors import access_for


class ConsortiumSerializer(serializers.ModelSerializer):
    institutions = serializers.SerializerMethodField()

    class Meta:
        model = Consortium
        fields = [
            "id",
            "name",
            "name_en",
            "slug",
            "region",
            "prefectures",
            "description",
            "contact_email",
            "institutions",
        ]
        read_only_fields = ["slug"]

    def get_institutions(self, obj) -> list[dict]:
        return [
            {
                "id": m.institution_id,
                "name": m.institution.name,
                "name_en": m.institution.name_en,
                "joined_on": m.joined_on,
            }
            for m in obj.current_memberships
        ]


class InstitutionSerializer(serializers.ModelSerializer):
    consortia = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "name_en",
            "kind",
            "prefecture",
            "address",
            "website",
            "registration_number",
            "consortia",
        ]

    def get_consortia(self, obj) -> list[dict]:
        return [{"id": c.id, "name": c.name, "name_en": c.name_en} for c in obj.consortia.all()]


def _multiplier(**kwargs):
    return serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=MULTIPLIER_MIN, max_value=MULTIPLIER_MAX, required=False, **kwargs
    )


class FeePolicySerializer(serializers.Serializer):
    """An institution's fee policy with its registration number and usage-report deadline (docs/fees.md)."""

    confidential_multiplier = _multiplier()
    outside_region_multiplier = _multiplier()
    large_company_multiplier = _multiplier(allow_null=True)
    staff_rate_jpy = serializers.IntegerField(min_value=0, max_value=STAFF_RATE_MAX, required=False, allow_null=True)
    registration_number = serializers.CharField(max_length=14, required=False, allow_blank=True)
    usage_report_due_days = serializers.IntegerField(min_value=1, max_value=365, required=False)

    @staticmethod
    def of(institution: Institution) -> dict:
        policy = FeePolicy.objects.filter(institution=institution).first() or FeePolicy(institution=institution)
        return {
            "institution": institution.id,
            "confidential_multiplier": str(policy.confidential_multiplier),
            "outside_region_multiplier": str(policy.outside_region_multiplier),
            "large_company_multiplier": None
            if policy.large_company_multiplier is None
            else str(policy.large_company_multiplier),
            "staff_rate_jpy": policy.staff_rate_jpy,
            "registration_number": institution.registration_number,
            "usage_report_due_days": institution.usage_report_due_days,
        }


class BillingDetailsSerializer(serializers.ModelSerializer):
    """Where and by when the institution is paid, how long its quotations hold, whom companies ask (docs/fees.md);
    the limits are the model's."""

    class Meta:
        model = BillingDetails
        fields = ["institution", *sorted(services.BILLING_DETAIL_FIELDS), "updated_at"]
        read_only_fields = ["institution", "updated_at"]


class MeSerializer(serializers.ModelSerializer):
    """The current user. The name is stored family and given apart, each with its reading in katakana (hiragana and
    half-width katakana are accepted and stored as katakana); `full_name` is the name as the user's language writes
    it (渡辺 由美, or Yumi Watanabe from the readings)."""

    roles = serializers.SerializerMethodField()
    full_name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "last_name",
            "first_name",
            "last_name_kana",
            "first_name_kana",
            "full_name",
            "email",
            "language",
            "receives_digests",
            "receives_reminders",
            "roles",
        ]
        read_only_fields = ["username", "full_name", "roles"]

    def get_roles(self, obj) -> dict:
        access = access_for(obj)
        return {
            "site_admin": access.is_superuser,
            "staff_of": sorted(access.staff_of),
            "administrator_of": sorted(access.administrator_of),
            "researcher_of": sorted(access.researcher_of),
            "secretariat_of": sorted(access.secretariat_of),
            "coordinator_of": sorted(access.coordinator_of),
            "member_of": sorted(access.member_of),
            "admin_of": sorted(access.admin_of),
        }


class ReadOnlyOrAuthenticated(BasePermission):
    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_authenticated


class ConsortiumViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Consortia are public; their secretariat edits them."""

    serializer_class = ConsortiumSerializer
    permission_classes = [ReadOnlyOrAuthenticated]

    def get_queryset(self):
        return selectors.consortium_list().prefetch_related(
            Prefetch(
                "memberships",
                queryset=selectors.active_memberships().select_related("institution"),
                to_attr="current_memberships",
            )
        )

    def update(self, request, *args, **kwargs):
        consortium = self.get_object()
        form = ConsortiumSerializer(consortium, data=request.data, partial=kwargs.get("partial", False))
        form.is_valid(raise_exception=True)
        services.update_consortium(actor=request.user, consortium=consortium, **form.validated_data)
        return Response(ConsortiumSerializer(self.get_queryset().get(pk=consortium.pk)).data)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("consortium", int, description="members of this consortium")])
)
class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InstitutionSerializer

    def get_queryset(self):
        return selectors.institution_list(consortium_id=id_param(self.request.query_params, "consortium"))

    @extend_schema(request=FeePolicySerializer, responses=FeePolicySerializer)
    @action(detail=True, methods=["get", "put", "patch"], url_path="fee-policy")
    def fee_policy(self, request, pk=None):
        """The institution's fee policy (public); its staff change it. Approved bookings keep their price."""
        institution = self.get_object()
        if request.method != "GET":
            form = FeePolicySerializer(data=request.data, partial=request.method == "PATCH")
            form.is_valid(raise_exception=True)
            services.update_fee_policy(actor=request.user, institution=institution, **form.validated_data)
            institution.refresh_from_db()
        return Response(FeePolicySerializer.of(institution))

    @extend_schema(request=BillingDetailsSerializer, responses=BillingDetailsSerializer)
    @action(detail=True, methods=["get", "put", "patch"], url_path="billing")
    def billing(self, request, pk=None):
        """The institution's payment details, payment term, quotation validity and billing contact: its staff and
        administrators read them (companies read them on their invoices), its administrators change them."""
        institution = self.get_object()
        if not (
            selectors.can_manage_institution(request.user, institution.id)
            or selectors.may_administer_institution(request.user, institution.id)
        ):
            raise NotFound()
        if request.method != "GET":
            form = BillingDetailsSerializer(data=request.data, partial=request.method == "PATCH")
            form.is_valid(raise_exception=True)
            services.update_institution_details(actor=request.user, institution=institution, **form.validated_data)
        return Response(BillingDetailsSerializer(selectors.billing_details_of(institution)).data)


class MeView(generics.RetrieveUpdateAPIView):
    """The current user, with the roles that decide what they may do."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        return self.request.user

    def update(self, request, *args, **kwargs):
        form = MeSerializer(request.user, data=request.data, partial=kwargs.get("partial", False))
        form.is_valid(raise_exception=True)
        user = services.update_profile(actor=request.user, **form.validated_data)
        return Response(MeSerializer(user).data)


class TokenRequestSerializer(AuthTokenSerializer):
    """The web login's checks, through django-allauth's adapter (accounts.adapter): a username or an e-mail address,
    one lockout counter per account shared with the web login, and the two-factor code of an account that has an
    authenticator app (a current code or one of its recovery codes)."""

    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("a name to tell it apart"),
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        write_only=True,
        help_text=_("a current code of your authenticator app, or a recovery code (accounts with two-factor only)"),
    )

    def validate(self, attrs):
        from allauth.account.adapter import get_adapter
        from allauth.mfa.base.forms import AuthenticateForm
        from django.core.exceptions import ValidationError as DjangoValidationError

        request = self.context["request"]._request
        try:
            user = get_adapter(request).authenticate(request, username=attrs["username"], password=attrs["password"])
        except DjangoValidationError as exc:  # too many failed logins: the account is locked for a while
            raise DomainError("account_locked", exc.messages[0], status=429) from None
        if user is None or not user.is_active:
            raise serializers.ValidationError(_("Unable to log in with provided credentials."), code="authorization")
        if selectors.has_two_factor(user):
            otp = attrs.get("otp", "").strip()
            if not otp:
                raise DomainError(
                    "otp_required", _("This account uses two-factor authentication: give a code as otp."), field="otp"
                )
            if not AuthenticateForm(user=user, data={"code": otp}).is_valid():
                raise DomainError("otp_invalid", _("The two-factor code is not valid."), field="otp")
        elif selectors.lacks_required_two_factor(user):
            raise selectors.mfa_required_refusal()
        attrs["user"] = user
        return attrs


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}: a new key, shown this once, valid for API_TOKEN_TTL_DAYS.
    Throttled per client address and per username, so that neither one address nor many addresses guessing at
    one account get far."""

    serializer_class = TokenRequestSerializer
    throttle_classes = [TokenAddressThrottle, TokenUsernameThrottle]
    parser_classes = [JSONParser, FormParser, MultiPartParser]  # DRF's view names its own, with DRF's JSON parser

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: {"type": "object", "properties": {"token": {"type": "string"}}}},
    )
    def post(self, request, *args, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        _token, key = services.issue_api_token(
            user=form.validated_data["user"], name=form.validated_data.get("name", "")
        )
        return Response({"token": key})


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Your API tokens in force (a prefix of each key, never the key)"),
    destroy=extend_schema(
        summary="Revoke one of your API tokens",
        responses={204: OpenApiResponse(description="revoked"), 404: OpenApiResponse(description="not yours")},
    ),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The current user's own API tokens: list them and revoke one. A new one comes from POST auth/token/."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.api_tokens_of(self.request.user)

    def destroy(self, request, *args, **kwargs):
        services.revoke_api_token(actor=request.user, token_id=int(kwargs["pk"]))
        return Response(status=status.HTTP_204_NO_CONTENT)
