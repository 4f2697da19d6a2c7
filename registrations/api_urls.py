from django.urls import include, path

from backend.api import Router

from . import api

router = Router()
router.register("companies", api.CompanyViewSet, basename="company")
router.register("registrations", api.RegistrationViewSet, basename="registration")
router.register("join-requests", api.JoinRequestViewSet, basename="join-request")

urlpatterns = [path("", include(router.urls))]
