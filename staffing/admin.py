"""The site administrators' view of operators, their hours and absences, and the lending agreements: read-only.
Every change goes through staffing.services (the pages and the API), which check who may make it and keep the
rules; the admin would bypass both."""

from django.contrib import admin

from .models import Absence, LendingAgreement, Operator, WorkingHours


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    fields = ["weekday", "starts", "ends"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Operator)
class OperatorAdmin(ReadOnlyAdmin):
    list_display = ["user", "institution", "active", "named_in_reports"]
    list_filter = ["active", "named_in_reports", "institution"]
    list_select_related = ["user", "institution"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "user__email"]
    inlines = [WorkingHoursInline]


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyAdmin):
    list_display = ["operator", "kind", "start", "end", "title"]
    list_filter = ["kind"]
    list_select_related = ["operator__user"]


@admin.register(LendingAgreement)
class LendingAgreementAdmin(ReadOnlyAdmin):
    list_display = ["operator", "lender", "borrower", "valid_from", "valid_until", "hourly_rate_jpy", "ended_at"]
    list_filter = ["consortium"]
    list_select_related = ["operator__user", "lender", "borrower"]
