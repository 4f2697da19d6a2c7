"""Admin: consultations are read-only here (every change goes through consultations.services), and the text
of a confidential one — title, description, referral notes, messages — is not shown to site operators."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.search import lock_sources, refresh_search_text

from .models import Consultation, ConsultationBooking, ExpertProfile, Message, Referral

HIDDEN = _("(confidential)")


def _shown(consultation: Consultation, text: str) -> str:
    return HIDDEN if consultation.confidential else text


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReferralInline(ReadOnlyInline):
    model = Referral
    fields = ["institution", "referred_by", "created_at", "first_answered_at", "shown_note"]
    readonly_fields = fields

    @admin.display(description=pgettext_lazy("referral", "note"))
    def shown_note(self, obj):
        return _shown(obj.consultation, obj.note)


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "author", "side", "institution", "shown_body"]
    readonly_fields = fields

    @admin.display(description=_("message"))
    def shown_body(self, obj):
        return _shown(obj.consultation, obj.body)


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["id", "shown_title", "company", "consortium", "status", "outcome", "confidential", "created_at"]
    list_filter = ["status", "outcome", "confidential", "consortium"]
    search_fields = ["company__name"]  # not the title: searching would reveal confidential ones
    list_select_related = ["company", "consortium"]
    date_hierarchy = "created_at"
    fields = [
        "shown_title",
        "shown_description",
        "company",
        "requester",
        "consortium",
        "confidential",
        "status",
        "outcome",
        "created_at",
        "first_referred_at",
        "first_answered_at",
        "response_time",
        "response_business_days",
        "closed_at",
        "reminded_at",
    ]
    readonly_fields = fields
    inlines = [ReferralInline, MessageInline]

    @admin.display(description=_("title"))
    def shown_title(self, obj):
        return _shown(obj, obj.title)

    @admin.display(description=pgettext_lazy("consultation", "description"))
    def shown_description(self, obj):
        return _shown(obj, obj.description)


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["consultation_id", "institution", "referred_by", "created_at", "first_answered_at"]
    list_filter = ["institution"]
    list_select_related = ["institution", "referred_by"]
    fields = ["consultation_id", "institution", "referred_by", "created_at", "first_answered_at", "shown_note"]
    readonly_fields = fields

    @admin.display(description=pgettext_lazy("referral", "note"))
    def shown_note(self, obj):
        return _shown(obj.consultation, obj.note)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["consultation_id", "side", "author", "institution", "created_at"]
    list_filter = ["side"]
    list_select_related = ["author", "institution"]
    fields = ["consultation_id", "side", "author", "institution", "created_at", "shown_body"]
    readonly_fields = fields

    @admin.display(description=_("message"))
    def shown_body(self, obj):
        return _shown(obj.consultation, obj.body)


@admin.register(ConsultationBooking)
class ConsultationBookingAdmin(ReadOnlyAdmin):
    list_display = ["consultation_id", "booking", "linked_by", "linked_at"]
    list_select_related = ["booking__instrument", "linked_by"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    """Site operators may correct a directory entry; its search text follows."""

    list_display = ["user", "institution", "listed", "updated_at"]
    list_filter = ["listed", "institution"]
    search_fields = ["user__username", "user__last_name", "keywords"]
    list_select_related = ["user", "institution"]
    autocomplete_fields = ["user", "institution"]
    filter_horizontal = ["instruments"]
    exclude = ["search_text"]

    def save_model(self, request, obj, form, change):
        instruments = form.cleaned_data.get("instruments", ())
        lock_sources(users=[obj.user_id], institutions=[obj.institution_id], instruments=instruments)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_search_text(experts=[form.instance])
