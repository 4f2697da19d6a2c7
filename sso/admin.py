from django.contrib import admin

from .models import InstitutionScope, SsoIdentity


@admin.register(InstitutionScope)
class InstitutionScopeAdmin(admin.ModelAdmin):
    """Which institution each 学認 scope names: a first log in from a scope of a member institution makes a
    researcher of it (docs/accounts-sso.md)."""

    list_display = ["scope", "institution"]
    search_fields = ["scope", "institution__name", "institution__name_en"]
    autocomplete_fields = ["institution"]


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["eppn", "user", "idp_entity_id", "first_login_at", "last_login_at"]
    search_fields = ["eppn", "user__username", "user__last_name", "user__first_name"]
    readonly_fields = ["eppn", "idp_entity_id", "first_login_at", "last_login_at", "linked_at"]
    raw_id_fields = ["user"]
