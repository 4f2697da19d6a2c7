"""Invitations in the Django admin: to read (who invited whom to what, and what became of it). Inviting happens on
the roles pages, through people.services, which check the table of consortia.grants and send the link."""

from django.contrib import admin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "institution", "consortium", "company", "invited_by", "created_at", "expires_at"]
    list_filter = ["kind"]
    search_fields = ["email", "invited_by__username"]
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "key_hash"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
