"""URLs of the usage-report pages (the API's are in api_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("usage-reports/", views.report_list, name="usage-report-list-page"),
    path("usage-reports/<int:pk>/", views.report_page, name="usage-report-page"),
]
