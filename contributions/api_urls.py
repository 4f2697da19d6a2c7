from django.urls import path

from . import api

urlpatterns = [
    path("contributions/", api.ContributionsView.as_view(), name="contributions-api"),
    path("lending-statements/", api.LendingStatementView.as_view(), name="lending-statements-api"),
]
