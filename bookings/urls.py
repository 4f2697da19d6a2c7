from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("bookings", api.BookingViewSet, basename="booking")

urlpatterns = [
    path("", include(router.urls)),
    path("instruments/<int:pk>/availability/", api.availability, name="instrument-availability"),
]
