from django.urls import include, path

from backend.api import Router

from . import api

router = Router()
router.register("usage-reports", api.UsageReportViewSet, basename="usage-report")

urlpatterns = [
    path("", include(router.urls)),
    path("bookings/<int:pk>/usage-report/", api.booking_usage_report, name="booking-usage-report"),
]
