from django.urls import include, path

from backend.api import Router

from . import api

router = Router()
router.register("consortia", api.ConsortiumViewSet, basename="consortium")
router.register("institutions", api.InstitutionViewSet, basename="institution")
router.register("auth/tokens", api.ApiTokenViewSet, basename="api-token-key")

urlpatterns = [
    path("", include(router.urls)),
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
]
