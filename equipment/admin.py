from django.contrib import admin

from backend.search import lock_sources, refresh_search_text

from .models import Category, Downtime, Instrument, Manual, OpeningHours, Photo, Qualification, Rate


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0


class ReadOnlyFileInline(admin.TabularInline):
    """Uploads are checked by content in equipment.services; the admin only lists them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ManualInline(ReadOnlyFileInline):
    model = Manual
    fields = ["title", "version", "language", "file", "pages", "uploaded_at"]
    readonly_fields = fields


class PhotoInline(ReadOnlyFileInline):
    model = Photo
    fields = ["caption", "image", "width", "height", "uploaded_at"]
    readonly_fields = fields


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Its names and keywords are part of its instruments' search text (and of their experts'): a save rebuilds it."""

    list_display = ["name", "code", "name_en"]
    search_fields = ["name", "name_en", "code", "keywords"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_search_text(categories=[obj])


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "category", "maker", "model", "status"]
    list_filter = ["status", "category", "institution"]
    search_fields = ["name", "name_en", "maker", "model", "search_text"]
    list_select_related = ["institution", "category"]
    inlines = [OpeningHoursInline, RateInline, ManualInline, PhotoInline]

    def save_model(self, request, obj, form, change):
        lock_sources(institutions=[obj.institution_id], categories=[obj.category_id])  # it may move to another
        super().save_model(request, obj, form, change)
        refresh_search_text(instruments=[obj])  # and the experts running it

    # The experts who ran a deleted instrument are no longer found under its names.
    def delete_model(self, request, obj):
        experts = list(obj.experts.values_list("pk", flat=True))
        super().delete_model(request, obj)
        refresh_search_text(experts=experts)

    def delete_queryset(self, request, queryset):
        experts = list(queryset.values_list("experts", flat=True).exclude(experts=None))
        super().delete_queryset(request, queryset)
        refresh_search_text(experts=experts)


class ReadOnlyFileAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Manual)
class ManualAdmin(ReadOnlyFileAdmin):
    list_display = ["title", "instrument", "version", "language", "pages", "uploaded_at"]
    list_select_related = ["instrument"]


@admin.register(Photo)
class PhotoAdmin(ReadOnlyFileAdmin):
    list_display = ["__str__", "instrument", "width", "height", "uploaded_at"]
    list_select_related = ["instrument"]


@admin.register(Downtime)
class DowntimeAdmin(admin.ModelAdmin):
    list_display = ["instrument", "start", "end", "kind", "title"]
    list_filter = ["kind"]
    list_select_related = ["instrument"]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["user", "instrument", "granted_at", "expires_on", "revoked_at"]
    list_select_related = ["user", "instrument"]
    raw_id_fields = ["user", "instrument", "granted_by"]


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["instrument", "weekday", "opens", "closes"]
    list_filter = ["weekday"]
    list_select_related = ["instrument"]


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ["instrument", "user_category", "mode", "unit", "amount_jpy", "valid_from"]
    list_filter = ["user_category", "mode", "unit"]
    list_select_related = ["instrument"]
