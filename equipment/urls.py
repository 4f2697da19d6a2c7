"""URLs of the equipment staff pages (the API's are in api_urls.py)."""

from django.urls import path

from . import views

instrument = "staff/instruments/<int:pk>/"

urlpatterns = [
    path("staff/instruments/", views.instruments, name="staff-instruments"),
    path("staff/instruments/new/", views.instrument_new, name="staff-instrument-new"),
    path(instrument, views.instrument_edit, name="staff-instrument"),
    # hours/ and retire/ are served by bookings (they may hit bookings), like downtime/ and downtime/import/
    path(instrument + "rates/", views.rates, name="staff-instrument-rates"),
    path(instrument + "rates/<int:rate_pk>/delete/", views.delete_rate, name="staff-instrument-rate-delete"),
    path(instrument + "manuals/", views.manuals, name="staff-instrument-manuals"),
    path(instrument + "photos/", views.photos, name="staff-instrument-photos"),
    path(instrument + "photos/<int:photo_pk>/delete/", views.delete_photo, name="staff-instrument-photo-delete"),
    path(
        instrument + "downtime/<int:downtime_pk>/delete/",
        views.delete_downtime,
        name="staff-instrument-downtime-delete",
    ),
    path(instrument + "qualifications/", views.qualifications, name="staff-instrument-qualifications"),
    path(
        instrument + "qualifications/<int:qualification_pk>/revoke/",
        views.revoke_qualification,
        name="staff-instrument-qualification-revoke",
    ),
]
