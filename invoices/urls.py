"""URLs of the invoice pages (the API's are in api_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice-list-page"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice-page"),
    path("invoices/<int:pk>/cancel/", views.invoice_cancel, name="invoice-page-cancel"),
    path("staff/invoices/", views.invoice_run, name="invoice-run-page"),
    path("staff/institution/", views.institution_details, name="institution-details-page"),
]
