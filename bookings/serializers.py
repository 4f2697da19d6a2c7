"""The booking's serializers meant for reuse: how a booking is rendered (with its events) and how a booking request
is parsed. The booking API and the consultation API (a booking requested from a consultation) both use them, so
one booking has one shape in the schema; they live here rather than in `bookings.api` because one app's API
module never imports another's (tests/test_layers.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.api import AwareDateTimeField, PrebuiltFields, rfc3339
from equipment import selectors as equipment_selectors
from equipment.models import UsageMode

from . import assignments, quotes, selectors
from .models import TEXT_MAX, Booking, BookingEvent
from .selectors import grid


class EventSerializer(PrebuiltFields, serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    from_status = serializers.CharField()

    class Meta:
        model = BookingEvent
        fields = ["at", "actor", "action", "from_status", "to_status", "reason", "data"]

    def get_actor(self, obj) -> str | None:
        return obj.actor.username if obj.actor_id and obj.actor else None


class OperatorNameSerializer(serializers.Serializer):
    """An operator as a booking shows them: id and name only."""

    id = serializers.IntegerField()
    name = serializers.CharField()


def _operator_answer(operator) -> dict | None:
    return {"id": operator.id, "name": assignments.operator_name(operator)} if operator is not None else None


class BookingSerializer(PrebuiltFields, serializers.ModelSerializer):
    # the instrument's name in the reader's language (its English name where it has one on an English request)
    instrument_name = serializers.CharField(source="instrument.localized_name", read_only=True)
    institution = serializers.IntegerField(source="instrument.institution_id", read_only=True)
    requester = serializers.CharField(source="requester.username", read_only=True)
    # null for a booking without a company (a member institution's researcher)
    company_name = serializers.CharField(source="company.name", read_only=True, default=None, allow_null=True)
    company_size = serializers.CharField(source="company.size", read_only=True, default=None, allow_null=True)
    events = EventSerializer(many=True, read_only=True)
    # the operator assigned and in force (assisted and commissioned bookings once approved), and the one requested
    operator = serializers.SerializerMethodField()
    preferred_operator = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "uid",
            "instrument",
            "instrument_name",
            "institution",
            "requester",
            "company",
            "company_name",
            "company_size",
            "user_category",
            "start",
            "end",
            "hold_start",
            "hold_end",
            "mode",
            "purpose",
            "sample",
            "confidential",
            "status",
            "proposal_pending",
            "consumables",
            "quote",
            "quote_fixed_at",
            "decision_reason",
            "expires_at",
            "actual_start",
            "actual_end",
            "sequence",
            "created_at",
            "updated_at",
            "operator",
            "preferred_operator",
            "events",
        ]

    @extend_schema_field(OperatorNameSerializer(allow_null=True))
    def get_operator(self, obj) -> dict | None:
        assignment = selectors.operator_of(obj)
        return _operator_answer(assignment.operator if assignment else None)

    @extend_schema_field(OperatorNameSerializer(allow_null=True))
    def get_preferred_operator(self, obj) -> dict | None:
        return _operator_answer(obj.preferred_operator if obj.preferred_operator_id else None)

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["quote"] = quotes.readable(obj.quote)  # each line's label in the reader's language
        request = self.context.get("request")
        if request is not None and not selectors.sees_full_details(request.user, obj):
            data["purpose"] = data["sample"] = None  # 成果非公開: the secretariat sees aggregates only
        return data


class BookingRequestSerializer(serializers.Serializer):
    instrument = serializers.IntegerField()
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    mode = serializers.ChoiceField(choices=UsageMode.choices)
    purpose = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    sample = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    confidential = serializers.BooleanField(required=False, default=False)
    company = serializers.IntegerField(required=False, allow_null=True, default=None)
    # an Operator's id (assisted and commissioned modes): a candidate for the instrument that day, else refused
    preferred_operator = serializers.IntegerField(required=False, allow_null=True, default=None)

    def validate_instrument(self, value):
        instrument = equipment_selectors.instrument_for_request(value)
        if instrument is None:
            raise serializers.ValidationError(_("There is no such instrument."), code="unknown_instrument")
        return instrument


def grid_answer(time_grid: grid.TimeGrid) -> dict:
    """A grid as the API and the pages' script read it."""
    return {
        "instrument": time_grid.instrument_id,
        "mode": time_grid.mode,
        "start": time_grid.first_day.isoformat(),
        "days": time_grid.days,
        "slot_minutes": time_grid.slot_minutes,
        "min_minutes": time_grid.min_minutes,
        "max_minutes": time_grid.max_minutes,
        "opens": time_grid.opens.strftime("%H:%M"),
        "closes": time_grid.closes.strftime("%H:%M"),
        "previous": time_grid.previous_first_day.isoformat(),
        "next": time_grid.next_first_day.isoformat(),
        "labels": grid.kind_labels(),
        "blocks": [
            {
                "kind": b.kind,
                "start": rfc3339(b.start),
                "end": rfc3339(b.end),
                "label": b.label,
                "part": b.part,
                "booking": b.booking_id,
                "url": reverse("booking-page", kwargs={"pk": b.booking_id}) if b.booking_id else None,
            }
            for b in time_grid.blocks
        ],
    }
