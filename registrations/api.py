"""REST endpoints of companies, their registrations (利用登録) and requests to join them.

`/companies/` lives here rather than in consortia.api because a company comes to be only through a registration its
consortium approves: POST /companies/ files a registration (or, for a corporate number already registered, a request
to join that company) and answers 202 with its status. Reading and editing a company is consortia's
(consortia.selectors, consortia.services).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from consortia import selectors as consortia_selectors
from consortia import services as consortia_services
from consortia.serializers import CompanySerializer

from . import selectors, services
from .models import NOTE_MAX, REASON_MAX, REGISTRATION_INPUT, CompanyRegistration, JoinRequest

SME_HELP = (
    "sme (中小企業) when the capital or the regular employees are within its industry's limit (中小企業基本法 art. 2): "
    "manufacturing, construction, transport and others ¥300M or 300; wholesale ¥100M or 100; services ¥50M or 100; "
    "retail ¥50M or 50. Otherwise large."
)


class RegistrationSerializer(serializers.ModelSerializer):
    consortium = serializers.PrimaryKeyRelatedField(queryset=consortia_selectors.consortium_list())
    institution = serializers.PrimaryKeyRelatedField(
        queryset=consortia_selectors.institution_choices(), required=False, allow_null=True
    )
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True)
    applicant = serializers.CharField(source="applicant.display_name", read_only=True)
    decided_by = serializers.CharField(source="decided_by.display_name", read_only=True, default=None)

    class Meta:
        model = CompanyRegistration
        fields = [
            "id",
            "status",
            *REGISTRATION_INPUT,
            "applicant",
            "created_at",
            "decided_by",
            "decided_at",
            "reason",
            "company",
        ]
        read_only_fields = ["status", "applicant", "created_at", "decided_by", "decided_at", "reason", "company"]
        extra_kwargs = {"size": {"help_text": SME_HELP}}
        validators = []  # the services say what clashes (a pending registration, a registered company)


class JoinRequestSerializer(serializers.ModelSerializer):
    """A request to join a company: the requester sees of the company only its name."""

    company = serializers.CharField(source="company.name", read_only=True)
    user = serializers.CharField(source="user.display_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = JoinRequest
        fields = ["id", "status", "company", "user", "email", "note", "created_at", "decided_at", "reason"]
        read_only_fields = fields


class SubmittedSerializer(serializers.Serializer):
    """What POST /companies/ filed: a registration awaiting approval, or a request to join the registered company."""

    kind = serializers.ChoiceField(choices=["registration", "join_request"])
    registration = RegistrationSerializer(required=False)
    join_request = JoinRequestSerializer(required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, help_text=_("why it is refused (e-mailed to the requester)"))


class CompanyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A user sees only their own company; its admins edit it. Registering one files a registration for approval."""

    serializer_class = CompanySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return consortia_selectors.companies_visible_to(self.request.user)

    @extend_schema(
        request=RegistrationSerializer,
        responses={202: SubmittedSerializer},
        summary="Register a company (利用登録): a registration awaiting approval, or a request to join",
        description=(
            "Needs a verified e-mail address and no company yet. The registration waits for the consortium's "
            "approver (its secretariat, or the chosen institution's staff by the consortium's setting); approval "
            "creates the company and makes the caller its admin. A corporate number already registered files a "
            "request to join that company instead, decided by its admins."
        ),
    )
    def create(self, request, *args, **kwargs):
        form = RegistrationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        filed = services.register_company(actor=request.user, **form.validated_data)
        if isinstance(filed, JoinRequest):
            body = {"kind": "join_request", "join_request": JoinRequestSerializer(filed).data}
        else:
            body = {"kind": "registration", "registration": RegistrationSerializer(filed).data}
        return Response(body, status=status.HTTP_202_ACCEPTED)

    def update(self, request, *args, **kwargs):
        company = self.get_object()
        form = CompanySerializer(company, data=request.data, partial=kwargs.get("partial", False))
        form.is_valid(raise_exception=True)
        fields = dict(form.validated_data)
        if fields.pop("corporate_number", company.corporate_number) != company.corporate_number:
            raise serializers.ValidationError({"corporate_number": [_("The corporate number cannot change.")]})
        company = consortia_services.update_company(actor=request.user, company=company, **fields)
        return Response(CompanySerializer(company).data)


class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Company registrations: their approvers see those they decide, a registrant their own."""

    serializer_class = RegistrationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.registrations_visible_to(self.request.user)

    def _render(self, registration: CompanyRegistration):
        return Response(RegistrationSerializer(self.get_queryset().get(pk=registration.pk)).data)

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve: the company is created and the registrant becomes its admin."""
        return self._render(services.approve_registration(actor=request.user, registration_id=self.get_object().pk))

    @extend_schema(request=ReasonSerializer, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse with a reason (required), which is e-mailed to the registrant."""
        registration = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.refuse_registration(actor=request.user, registration_id=registration.pk, **form.validated_data)
        return self._render(registration)

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The registrant withdraws their pending registration."""
        return self._render(services.withdraw_registration(actor=request.user, registration_id=self.get_object().pk))


class JoinRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Requests to join a company: its admins see and decide those to their companies, a requester sees their own."""

    serializer_class = JoinRequestSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        user = self.request.user
        return (selectors.join_requests_decided_by_admins_of(user) | selectors.join_requests_of(user)).order_by(
            "-created_at", "-id"
        )

    def _render(self, join_request: JoinRequest):
        return Response(JoinRequestSerializer(self.get_queryset().get(pk=join_request.pk)).data)

    @extend_schema(request=None, responses=JoinRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """A company admin lets the requester in as a company user."""
        return self._render(services.approve_join_request(actor=request.user, join_request_id=self.get_object().pk))

    @extend_schema(request=ReasonSerializer, responses=JoinRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """A company admin refuses with a reason (required)."""
        join_request = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.refuse_join_request(actor=request.user, join_request_id=join_request.pk, **form.validated_data)
        return self._render(join_request)

    @extend_schema(request=None, responses=JoinRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The requester withdraws their pending request."""
        return self._render(services.withdraw_join_request(actor=request.user, join_request_id=self.get_object().pk))
