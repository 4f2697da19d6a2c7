"""URLs of the contribution pages (the API's are in api_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("contributions/", views.contributions_page, name="contributions"),
    path("contributions/lending/", views.lending_page, name="lending-statements"),
    path(
        "contributions/lending/<int:lender_id>/<int:borrower_id>/<str:month>.<str:fmt>",
        views.statement_download,
        name="lending-statement-download",
    ),
]
