from django.urls import include, path

from backend.api import Router

from . import api

router = Router()
router.register("consultations", api.ConsultationViewSet, basename="consultation")
router.register("experts", api.ExpertViewSet, basename="expert")

urlpatterns = [
    path("experts/me/", api.my_expert_profile, name="expert-me"),  # before the router's experts/{id}/
    path("", include(router.urls)),
]
