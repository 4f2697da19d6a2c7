"""The home page's URL: `/` (the catalogue lives at /instruments/, URL name `catalogue`)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.home, name="home")]
