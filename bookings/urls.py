"""URLs of the booking pages (the API's are in api_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("instruments/", views.catalogue, name="catalogue"),  # also what anonymous visitors get at / (home)
    path("instruments/<int:pk>/", views.instrument_page, name="instrument-page"),
    path("bookings/", views.my_bookings, name="my-bookings"),
    path("bookings/feed/rotate/", views.rotate_feed, name="rotate-feed"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking-page"),
    path("bookings/<int:pk>/calendar.ics", views.booking_ics, name="booking-page-calendar"),
    path("bookings/<int:pk>/<slug:verb>/", views.booking_action, name="booking-page-action"),
    path("staff/queue/", views.queue, name="staff-queue"),
    path("operator/schedule/", views.operator_schedule, name="operator-schedule"),
    path("staff/calendar/", views.institution_calendar, name="staff-calendar"),
    # Equipment's staff pages of changes that may hit bookings (bookings.disruptions), served here
    path("staff/instruments/<int:pk>/hours/", views.opening_hours, name="staff-instrument-hours"),
    path("staff/instruments/<int:pk>/retire/", views.retire, name="staff-instrument-retire"),
    path("staff/instruments/<int:pk>/downtime/", views.downtime, name="staff-instrument-downtime"),
    path("staff/instruments/<int:pk>/downtime/import/", views.import_downtime, name="staff-instrument-downtime-import"),
    # An operator's absences, which may hit the bookings they are assigned to (bookings.absences): their own, and an
    # operator of their institution's for its administrators
    path("operator/absences/", views.absence_list, name="operator-absences"),
    path("operator/absences/import/", views.absence_import, name="operator-absences-import"),
    path("operator/absences/<int:absence_pk>/delete/", views.absence_delete, name="operator-absence-delete"),
    path("staff/operators/<int:pk>/absences/", views.absence_list, name="staff-operator-absences"),
    path("staff/operators/<int:pk>/absences/import/", views.absence_import, name="staff-operator-absences-import"),
    path(
        "staff/operators/<int:pk>/absences/<int:absence_pk>/delete/",
        views.absence_delete,
        name="staff-operator-absence-delete",
    ),
]
