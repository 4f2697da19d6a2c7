"""Usage reports in the admin: read-only, and a confidential booking's report text is not shown."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import UsageReport


@admin.register(UsageReport)
class UsageReportAdmin(admin.ModelAdmin):
    list_display = [
        "booking",
        "company",
        "outcome",
        "publishable",
        "embargo_until",
        "due_on",
        "on_time",
        "submitted_at",
    ]
    list_filter = ["outcome", "publishable", "on_time"]
    fields = [
        "booking",
        "company",
        "outcome",
        "publishable",
        "embargo_until",
        "due_on",
        "on_time",
        "submitted_by",
        "submitted_at",
        "text",
    ]
    readonly_fields = fields

    @admin.display(description=_("summary and publications"))
    def text(self, obj):
        if obj.booking.confidential:
            return _("(not shown: the results are not to be published)")
        return f"{obj.summary}\n\n{obj.publications}".strip()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
