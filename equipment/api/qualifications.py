"""Operator qualifications of an instrument: granted, renewed and revoked (kept as history) by its
institution's staff, the only ones who see them."""

from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from backend.parsers import JSONParser

from .. import selectors, services
from ..models import Qualification
from .common import InstrumentChildViewSet


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
