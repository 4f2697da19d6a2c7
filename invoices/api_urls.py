from django.urls import include, path

from backend.api import Router

from . import api

router = Router()
router.register("invoices", api.InvoiceViewSet, basename="invoice")

urlpatterns = [
    path("", include(router.urls)),
    path("institutions/<int:pk>/invoices/", api.invoice_run, name="invoice-run"),
    path("institutions/<int:pk>/invoices/preview/", api.invoice_run_preview, name="invoice-run-preview"),
    path("bookings/<int:pk>/quotation/", api.quotation, name="booking-quotation"),
    path("bookings/<int:pk>/certificate/", api.certificate, name="booking-certificate"),
]
