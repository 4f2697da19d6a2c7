"""The staffing API under /api/v1/: operators (enrol, change, their weekly pattern) and lending agreements (propose,
confirm, end). Reads go through staffing.selectors (an object the caller may not see is a 404), writes through
staffing.services, which refuse by the same predicates the pages read."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.api import ClockTimeField
from consortia.selectors import consortium_list, institution_choices
from equipment.selectors import instrument_choices

from . import selectors, services
from .models import LendingAgreement, Operator, WorkingHours


class WorkingStretchSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(help_text="0 Monday … 6 Sunday")  # out of range: the service's refusal
    starts = ClockTimeField()  # a wall-clock time: no UTC offset, which OpenAPI's `format: time` would ask for
    ends = ClockTimeField()

    class Meta:
        model = WorkingHours
        fields = ["weekday", "starts", "ends"]


class WeeklyPatternSerializer(serializers.Serializer):
    pattern = WorkingStretchSerializer(many=True, max_length=7 * 6 + 1)


class OperatorEntrySerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    pattern = WorkingStretchSerializer(source="working_hours", many=True, read_only=True)

    class Meta:
        model = Operator
        fields = ["id", "user", "name", "institution", "active", "named_in_reports", "pattern"]
        read_only_fields = ["institution"]


class OperatorChangeSerializer(serializers.Serializer):
    active = serializers.BooleanField(required=False)
    named_in_reports = serializers.BooleanField(required=False)


class EnrolOperatorSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=selectors.user_choices())
    institution = serializers.PrimaryKeyRelatedField(queryset=institution_choices())
    named_in_reports = serializers.BooleanField(required=False, default=False)


class OperatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Operators the caller may see: their institutions' (staff and administrators), their consortia's member
    institutions' (secretariat), and their own entry. Administrators enrol and change them; an operator changes
    their own consent and weekly pattern."""

    serializer_class = OperatorEntrySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.operators_visible_to(self.request.user)

    @extend_schema(request=EnrolOperatorSerializer, responses={201: OperatorEntrySerializer})
    def create(self, request, *args, **kwargs):
        form = EnrolOperatorSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        operator = services.enrol_operator(actor=request.user, **form.validated_data)
        return Response(self._render(operator), status=status.HTTP_201_CREATED)

    @extend_schema(request=OperatorChangeSerializer, responses=OperatorEntrySerializer)
    def partial_update(self, request, *args, **kwargs):
        operator = self.get_object()
        form = OperatorChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        operator = services.update_operator(actor=request.user, operator=operator, **form.validated_data)
        return Response(self._render(operator))

    def _render(self, operator: Operator):
        return OperatorEntrySerializer(self.get_queryset().get(pk=operator.pk)).data

    @extend_schema(methods=["GET"], responses=WeeklyPatternSerializer)
    @extend_schema(methods=["PUT"], request=WeeklyPatternSerializer, responses=WeeklyPatternSerializer)
    @action(detail=True, methods=["get", "put"], url_path="hours")
    def hours(self, request, pk=None):
        """The weekly pattern (Tokyo wall-clock times); PUT replaces all of it."""
        operator = self.get_object()
        if request.method == "PUT":
            form = WeeklyPatternSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            pattern = [(s["weekday"], s["starts"], s["ends"]) for s in form.validated_data["pattern"]]
            services.set_working_hours(actor=request.user, operator=operator, pattern=pattern)
        return Response({"pattern": WorkingStretchSerializer(selectors.pattern_of(operator), many=True).data})


class LendingAgreementSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    operator_name = serializers.CharField(source="operator.user.display_name", read_only=True)

    class Meta:
        model = LendingAgreement
        fields = [
            "id",
            "consortium",
            "lender",
            "borrower",
            "operator",
            "operator_name",
            "instruments",
            "valid_from",
            "valid_until",
            "hourly_rate_jpy",
            "note",
            "status",
            "lender_confirmed_at",
            "borrower_confirmed_at",
            "ended_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_status(self, agreement) -> str:
        return selectors.status_of(agreement)


class ProposeAgreementSerializer(serializers.Serializer):
    consortium = serializers.PrimaryKeyRelatedField(queryset=consortium_list())
    lender = serializers.PrimaryKeyRelatedField(queryset=institution_choices())
    borrower = serializers.PrimaryKeyRelatedField(queryset=institution_choices())
    operator = serializers.PrimaryKeyRelatedField(queryset=selectors.operator_choices())
    instruments = serializers.PrimaryKeyRelatedField(queryset=instrument_choices(), many=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    hourly_rate_jpy = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=services.NOTE_MAX)


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lending agreements the caller may see: either side's staff and administrators, the consortium's secretariat,
    the operator lent. A side's administrator proposes (confirming their side), the other side's confirms, either
    side's ends (an ended agreement is kept)."""

    serializer_class = LendingAgreementSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.agreements_visible_to(self.request.user)

    def _render(self, agreement: LendingAgreement):
        return LendingAgreementSerializer(self.get_queryset().get(pk=agreement.pk)).data

    @extend_schema(request=ProposeAgreementSerializer, responses={201: LendingAgreementSerializer})
    def create(self, request, *args, **kwargs):
        form = ProposeAgreementSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        agreement = services.propose_agreement(actor=request.user, **form.validated_data)
        return Response(self._render(agreement), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=LendingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        agreement = services.confirm_agreement(actor=request.user, agreement=self.get_object())
        return Response(self._render(agreement))

    @extend_schema(request=None, responses=LendingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        agreement = services.end_agreement(actor=request.user, agreement=self.get_object())
        return Response(self._render(agreement))
