from django.contrib import admin

from .models import Assignment, Booking, BookingEvent, CalendarFeed


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_status", "to_status", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: every change of a booking goes through bookings.services (and its event log)."""

    list_display = ["id", "instrument", "requester", "company", "start", "end", "mode", "status"]
    list_filter = ["status", "mode", "confidential"]
    search_fields = ["instrument__name", "requester__username", "company__name"]
    list_select_related = ["instrument", "requester", "company"]
    date_hierarchy = "start"
    inlines = [BookingEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BookingEvent)
class BookingEventAdmin(admin.ModelAdmin):
    """The event log is history: read-only."""

    list_display = ["booking", "at", "actor", "action", "from_status", "to_status"]
    list_filter = ["action", "to_status"]
    list_select_related = ["booking__instrument", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-only: operators are assigned, reassigned and released by the booking verbs (bookings.assignments)."""

    list_display = ["booking", "operator", "hold_start", "hold_end", "agreement", "released_at", "release_reason"]
    list_filter = ["release_reason"]
    list_select_related = ["booking__instrument", "operator__user", "agreement"]
    date_hierarchy = "hold_start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Whose feed exists and when it was rotated; the token itself is not shown (it is a password)."""

    list_display = ["user", "rotated_at"]
    fields = ["user", "rotated_at"]
    readonly_fields = ["user", "rotated_at"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False
