from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from backend.errors import DomainError
from backend.search import refresh_search_text

from .billing import BillingDetails
from .grants import may_grant, scope_of
from .models import ApiToken, Company, Consortium, ConsortiumMembership, FeePolicy, Institution, Role, RoleChange, User
from .selectors import by_reading
from .services import grant_role, revoke_role


class RoleInline(admin.TabularInline):
    """A person's roles, to read: roles are added and removed in the Role admin, which records who did it."""

    model = Role
    extra = 0
    fields = readonly_fields = ["kind", "institution", "consortium", "company"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


PERSONAL = ["last_name", "first_name", "last_name_kana", "first_name_kana", "email"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """People, listed family name first and sorted by the reading of their name (フリガナ), as Japanese lists are;
    the readings are edited beside the name (the admin's form runs User.clean, which writes them in katakana)."""

    fieldsets = tuple(
        (title, {**options, "fields": PERSONAL}) if "first_name" in options["fields"] else (title, options)
        for title, options in BaseUserAdmin.fieldsets
    ) + ((_("Kyoyo"), {"fields": ["language"]}),)
    inlines = [RoleInline]
    list_display = ["username", "name", "reading", "email", "is_superuser"]
    search_fields = ["username", "last_name", "first_name", "last_name_kana", "first_name_kana", "email"]

    def get_ordering(self, request):
        return by_reading()

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, user) -> str:
        return f"{user.last_name} {user.first_name}".strip()  # family name first, as written

    @admin.display(description=_("reading"), ordering="last_name_kana")
    def reading(self, user) -> str:
        return f"{user.last_name_kana} {user.first_name_kana}".strip()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_search_text(users=[obj])  # their name is in their expert entry


class MembershipInline(admin.TabularInline):
    model = ConsortiumMembership
    extra = 0
    autocomplete_fields = ["institution", "consortium"]


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "contact_email"]
    search_fields = ["name", "name_en", "region"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [MembershipInline]


class FeePolicyInline(admin.StackedInline):
    model = FeePolicy
    extra = 0
    max_num = 1


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "prefecture", "registration_number"]
    list_filter = ["kind", "prefecture"]
    search_fields = ["name", "name_en"]
    inlines = [MembershipInline, FeePolicyInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_search_text(institutions=[obj])  # its name is in its instruments' and experts' search text


@admin.register(ConsortiumMembership)
class ConsortiumMembershipAdmin(admin.ModelAdmin):
    list_display = ["consortium", "institution", "joined_on", "left_on"]
    list_filter = ["consortium"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "corporate_number", "size", "industry", "prefecture"]
    list_filter = ["size", "prefecture"]
    search_fields = ["name", "corporate_number"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "institution", "consortium", "company"]
    list_filter = ["kind"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user", "institution", "consortium", "company"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "kind", "institution", "consortium", "company"] if obj is not None else []

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would bypass revoke_role and its record
        return actions

    def save_model(self, request, obj, form, change):
        """Granted through the service, as the operator: checked by the table and recorded."""
        if change:
            return  # a role is not edited: it is revoked and another granted
        scope = {"institution": obj.institution, "consortium": obj.consortium, "company": obj.company}
        obj.pk = grant_role(user=obj.user, kind=obj.kind, actor=request.user, via="admin", **scope).pk

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The add form refuses, next to its fields, what the table or the scope rule would refuse."""
        form = super().get_form(request, obj, change=change, **kwargs)

        class RoleForm(form):
            def clean(self):
                data = super().clean()
                scope = {f: data.get(f) for f in ("institution", "consortium", "company")}
                if obj is None and data.get("kind") and data.get("user"):
                    if scope_of(data["kind"], **scope) is None:
                        raise ValidationError(_("This role needs exactly its own kind of scope."))
                    if not may_grant(request.user, data["kind"], **scope):
                        raise ValidationError(_("You may not grant this role here."))
                return data

        return RoleForm

    def delete_model(self, request, obj):
        """Revoked through the service, as the operator; a refusal (the last admin of a company) is a 403 page
        saying why, not a "deleted" message."""
        try:
            revoke_role(actor=request.user, role=obj, via="admin")
        except DomainError as error:
            raise PermissionDenied(error.message) from error

    @admin.action(description=_("Revoke the selected roles"))
    def revoke_selected(self, request, queryset):
        for role in queryset:
            try:
                revoke_role(actor=request.user, role=role, via="admin")
            except DomainError as error:
                self.message_user(request, f"{role}: {error.message}", level=messages.ERROR)


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """The record of every grant and revocation: read-only, never deleted."""

    list_display = ["at", "action", "user_label", "kind", "scope_label", "actor", "via", "reason"]
    list_filter = ["action", "kind", "via"]
    search_fields = ["user_label", "scope_label", "actor__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeePolicy)
class FeePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "institution",
        "confidential_multiplier",
        "outside_region_multiplier",
        "large_company_multiplier",
        "staff_rate_jpy",
    ]
    autocomplete_fields = ["institution"]


@admin.register(BillingDetails)
class BillingDetailsAdmin(admin.ModelAdmin):
    """For site operators; an institution's administrators keep these on /staff/institution/ (consortia.billing)."""

    list_display = ["institution", "bank_name", "bank_branch", "payment_term", "quotation_valid_days"]
    autocomplete_fields = ["institution"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Site operators see who holds which API token and may revoke one; keys are issued by the API alone."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at"]
    search_fields = ["user__username", "prefix", "name"]
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
