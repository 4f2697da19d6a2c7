from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("consortia", api.ConsortiumViewSet, basename="consortium")
router.register("institutions", api.InstitutionViewSet, basename="institution")
router.register("companies", api.CompanyViewSet, basename="company")
router.register("auth/tokens", api.ApiTokenViewSet, basename="api-token-key")

urlpatterns = [
    path("", include(router.urls)),
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
]
