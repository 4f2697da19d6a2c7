from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by services and drained by Celery."""

    list_display = ("created_at", "to_email", "subject", "status", "attempts", "sent_at")
    list_filter = ("status",)
    search_fields = ("to_email", "subject", "key")
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
