from django.urls import path

from . import views

urlpatterns = [path("noop/", views.noop, name="bench-noop")]
