from django.urls import path

from . import api

urlpatterns = [
    path("consortia/<int:consortium_id>/reports/utilization/", api.UtilizationView.as_view(), name="utilization"),
    path("consortia/<int:consortium_id>/reports/", api.ConsortiumReportsView.as_view(), name="consortium-reports"),
    path("reports/<uuid:pk>/", api.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<uuid:pk>/<str:fmt>/", api.ReportDownloadView.as_view(), name="report-download"),
]
