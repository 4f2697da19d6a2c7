"""Serializers of consortia meant for reuse by other apps' APIs (the company endpoint lives in registrations.api)."""

from rest_framework import serializers

from .models import Company
from .validators import validate_corporate_number


class CompanySerializer(serializers.ModelSerializer):
    corporate_number = serializers.CharField(validators=[validate_corporate_number])

    class Meta:
        model = Company
        fields = ["id", "name", "corporate_number", "size", "industry", "prefecture", "address", "monthly_quota_hours"]
        read_only_fields = ["monthly_quota_hours"]
