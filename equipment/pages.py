"""URLs of the equipment staff pages (the API's are in urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("staff/instruments/", views.instruments, name="staff-instruments"),
]
