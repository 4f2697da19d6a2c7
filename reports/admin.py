from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are requested through the API and built by reports.services."""

    list_display = [
        "id",
        "consortium",
        "institution",
        "period_start",
        "period_end",
        "status",
        "progress",
        "scheduled",
        "created_at",
    ]
    list_filter = ["status", "scheduled", "consortium"]
    list_select_related = ["consortium", "institution"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
