from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("consultations", api.ConsultationViewSet, basename="consultation")
router.register("experts", api.ExpertViewSet, basename="expert")

urlpatterns = [
    path("experts/me/", api.my_expert_profile, name="expert-me"),  # before the router's experts/{id}/
    path("", include(router.urls)),
]
