"""Admin: who approves each consortium's registrations is edited here (and by the secretariat on its page);
registrations and join requests are read-only here, every decision goes through registrations.services."""

from django.contrib import admin

from .models import CompanyRegistration, JoinRequest, RegistrationPolicy


@admin.register(RegistrationPolicy)
class RegistrationPolicyAdmin(admin.ModelAdmin):
    list_display = ["consortium", "approver", "updated_at", "updated_by"]
    list_select_related = ["consortium", "updated_by"]
    fields = ["consortium", "approver"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CompanyRegistration)
class CompanyRegistrationAdmin(ReadOnlyAdmin):
    list_display = ["name", "corporate_number", "applicant", "consortium", "status", "created_at", "decided_by"]
    list_filter = ["status", "consortium"]
    list_select_related = ["applicant", "consortium", "decided_by"]
    search_fields = ["name", "corporate_number"]


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ["user", "company", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["user", "company", "decided_by"]
