"""The staffing pages (included at the site's root by backend.urls); the API's are in api_urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("staff/operators/", views.operators, name="staff-operators"),
    path("staff/operators/<int:pk>/active/", views.operator_active, name="staff-operator-active"),
    path("staff/operators/<int:pk>/hours/", views.operator_hours, name="staff-operator-hours"),
    path("operator/", views.operator_me, name="operator-me"),
    path("staff/agreements/", views.agreements, name="staff-agreements"),
    path("staff/agreements/<int:pk>/confirm/", views.agreement_confirm, name="staff-agreement-confirm"),
    path("staff/agreements/<int:pk>/end/", views.agreement_end, name="staff-agreement-end"),
]
