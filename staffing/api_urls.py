from django.urls import include, path

from backend.api import Router

from . import api

router = Router()
router.register("operators", api.OperatorViewSet, basename="operator")
router.register("lending-agreements", api.AgreementViewSet, basename="lending-agreement")

urlpatterns = [path("", include(router.urls))]
