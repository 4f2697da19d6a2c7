"""Invoices in the admin are read-only: an issued invoice is never edited (cancel and reissue through the staff
page or the API instead)."""

from django.contrib import admin

from .models import Invoice, InvoiceCounter, InvoicedBooking, InvoiceLine


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["position", "used_on", "description", "amount_jpy", "tax_rate", "booking"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "month", "institution", "company", "total_jpy", "issued_on"]
    list_filter = ["status", "institution"]
    search_fields = ["number", "recipient_name"]
    inlines = [LineInline]


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "position", "used_on", "description", "amount_jpy"]


@admin.register(InvoicedBooking)
class InvoicedBookingAdmin(ReadOnlyAdmin):
    list_display = ["booking", "invoice", "live"]


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(ReadOnlyAdmin):
    list_display = ["institution", "year", "last"]
