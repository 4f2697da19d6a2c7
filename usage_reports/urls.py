from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("usage-reports", api.UsageReportViewSet, basename="usage-report")

urlpatterns = [
    path("", include(router.urls)),
    path("bookings/<int:pk>/usage-report/", api.booking_usage_report, name="booking-usage-report"),
]
