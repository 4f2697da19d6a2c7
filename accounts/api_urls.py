from django.urls import path

from . import api

urlpatterns = [
    path("me/data/", api.PersonalDataView.as_view(), name="api-me-data"),
    path("me/deactivate/", api.DeactivateView.as_view(), name="api-me-deactivate"),
]
