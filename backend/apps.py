from django.apps import AppConfig


class BackendConfig(AppConfig):
    name = "backend"

    def ready(self):
        from django.db import models
        from rest_framework import serializers

        from .api import AwareDateTimeField

        # Every model datetime of every ModelSerializer is read and written by one field: RFC 3339, strict.
        serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] = AwareDateTimeField
