from django.urls import include, path

from backend.api import Router

from . import api, api_absences, api_disruptions, api_time, feeds

router = Router()
router.register("bookings", api.BookingViewSet, basename="booking")

# Changes to an instrument that may hit its bookings (bookings.disruptions)
instrument = Router()
instrument.register("downtimes", api_disruptions.DowntimeViewSet, basename="instrument-downtime")
instrument.register("", api_disruptions.InstrumentChangeViewSet, basename="instrument-change")

# An operator's absences, which may hit the bookings they are assigned to (bookings.absences); staffing's API serves
# /operators/ and /operators/{id}/ themselves.
operator = Router()
operator.register("absences", api_absences.AbsenceViewSet, basename="operator-absence")

urlpatterns = [
    path("", include(router.urls)),
    path("instruments/<int:instrument_pk>/", include(instrument.urls)),
    path("operators/<int:operator_pk>/", include(operator.urls)),
    path("instruments/<int:pk>/availability/", api.instrument_availability, name="instrument-availability"),
    path("instruments/<int:pk>/grid/", api_time.instrument_grid, name="instrument-grid"),
    path("instruments/<int:pk>/preview/", api_time.instrument_preview, name="instrument-preview"),
    path("instruments/<int:pk>/calendar.ics", feeds.instrument_calendar, name="instrument-calendar"),
    path("staff/timeline/", api_time.staff_timeline, name="staff-timeline"),
    path("calendar/feed/", feeds.feed_address, name="calendar-feed"),
    path("calendar/feed/rotate/", feeds.rotate_feed, name="calendar-feed-rotate"),
    path("calendar/<str:token>.ics", feeds.personal_calendar, name="personal-calendar"),
]
