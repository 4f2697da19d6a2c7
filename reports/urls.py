"""URLs of the report pages (the API's are in api_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.choose, name="report-choose"),
    path("reports/consortium/<int:consortium_id>/", views.report_page, name="report-page"),
    path("reports/consortium/<int:consortium_id>/outcomes/", views.outcomes, name="report-outcomes"),
    path("reports/consortium/<int:consortium_id>/build/", views.build, name="report-build"),
    path("reports/<uuid:pk>/", views.status, name="report-status"),
]
