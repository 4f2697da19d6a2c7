"""An instrument's rates: in force and scheduled; only a rate not yet in force may be deleted."""

from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from backend.parsers import JSONParser

from .. import services
from ..models import Rate
from .common import InstrumentChildViewSet


class RateSerializer(serializers.ModelSerializer):
    amount_jpy = serializers.IntegerField(min_value=0, max_value=100_000_000)

    class Meta:
        model = Rate
        fields = ["id", "user_category", "mode", "unit", "amount_jpy", "valid_from"]


class RateViewSet(InstrumentChildViewSet):
    serializer_class = RateSerializer
    parser_classes = [JSONParser, FormParser]

    def children(self):
        return self.instrument.rates.order_by("user_category", "mode", "-valid_from")

    def create(self, request, *args, **kwargs):
        form = RateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        rate = services.add_rate(actor=request.user, instrument=self.instrument, **form.validated_data)
        return Response(RateSerializer(rate).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.delete_rate(actor=request.user, rate=get_object_or_404(self.get_queryset(), pk=kwargs["pk"]))
        return Response(status=status.HTTP_204_NO_CONTENT)
