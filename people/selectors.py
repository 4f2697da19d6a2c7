"""What the roles pages and the invitation page read: who holds which role in a scope, the open invitations, an
invitation by the key its link carries."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.grants import (
    grantable_by,
    kinds_grantable,  # noqa: F401 (the table's answer, for the pages, which read it here)
    may_grant,
)
from consortia.models import Company, Consortium, Institution, Role, RoleChange, User
from consortia.selectors import by_reading, institution_ids_of_consortia

from .models import Invitation, hash_invitation_key

SCOPE_MODELS = {"company": Company, "institution": Institution, "consortium": Consortium}


def scopes_administered_by(actor, field: str) -> list:
    """The companies, institutions or consortia (`field`) in which the table lets the actor grant some role."""
    ids = grantable_by(actor)[field]
    return list(SCOPE_MODELS[field].objects.filter(id__in=ids).order_by("id"))


def _of_scope(model, field: str, scope) -> QuerySet:
    """Roles or invitations of a scope. A consortium's page shows its own (secretariat, coordinators) and the
    administrators of its current member institutions, whom its secretariat appoints."""
    if field == "consortium":
        members = institution_ids_of_consortia([scope.pk])
        return model.objects.filter(consortium_id=scope.pk) | model.objects.filter(
            kind=Role.Kind.INSTITUTION_ADMIN, institution_id__in=members
        )
    return model.objects.filter(**{f"{field}_id": scope.pk})


def roles_in(field: str, scope) -> list[Role]:
    """Who holds which role in the scope, with since when and who granted it (the latest grant recorded)."""
    roles = _of_scope(Role, field, scope)
    # A role has exactly one scope, the one its kind names: the change of the same kind matching it on that one
    # (NULL matches nothing, so the OR picks the scope that is set).
    grants = RoleChange.objects.filter(
        Q(institution_id=OuterRef("institution_id"))
        | Q(consortium_id=OuterRef("consortium_id"))
        | Q(company_id=OuterRef("company_id")),
        action=RoleChange.Action.GRANTED,
        user_id=OuterRef("user_id"),
        kind=OuterRef("kind"),
    ).order_by("-at", "-id")
    listed = list(
        roles.select_related("user", "institution", "consortium", "company")
        .annotate(since=Subquery(grants.values("at")[:1]), granted_by_id=Subquery(grants.values("actor_id")[:1]))
        .order_by("kind", *by_reading("user__"))
    )
    granters = User.objects.in_bulk({role.granted_by_id for role in listed if role.granted_by_id})
    for role in listed:
        role.granted_by = granters.get(role.granted_by_id)
    return listed


def open_invitations_in(field: str, scope) -> QuerySet[Invitation]:
    """Invitations not yet accepted or revoked (expired ones too: they can be sent again)."""
    invitations = _of_scope(Invitation, field, scope)
    return (
        invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by", "institution", "consortium", "company")
        .order_by("expires_at", "id")
    )


def invitation_for_key(key: str) -> Invitation | None:
    """The invitation a link names (open or not), None for a key nobody was given."""
    if not isinstance(key, str) or not key or len(key) > 200:
        return None
    return (
        Invitation.objects.select_related("invited_by", "institution", "consortium", "company")
        .filter(key_hash=hash_invitation_key(key))
        .first()
    )


def role_managed_by(actor, role_id: int) -> Role | None:
    """A role the actor may revoke, None otherwise (another scope's role is as unknown as a missing one)."""
    role = Role.objects.select_related("user", "institution", "consortium", "company").filter(pk=role_id).first()
    if role is None or not may_grant(
        actor, role.kind, institution=role.institution_id, consortium=role.consortium_id, company=role.company_id
    ):
        return None
    return role


def invitation_managed_by(actor, invitation_id: int) -> Invitation | None:
    """An open invitation the actor may resend or revoke, None otherwise."""
    invitation = Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True).first()
    if invitation is None or not may_grant(
        actor,
        invitation.kind,
        institution=invitation.institution_id,
        consortium=invitation.consortium_id,
        company=invitation.company_id,
    ):
        return None
    return invitation


def member_institutions_of(consortium) -> QuerySet[Institution]:
    """The consortium's current member institutions, by id."""
    return Institution.objects.filter(id__in=institution_ids_of_consortia([consortium.pk])).order_by("id")


STATE_MESSAGES = {
    "accepted": lambda: _("This invitation has been used already."),
    "revoked": lambda: _("This invitation was withdrawn."),
    "expired": lambda: _("This invitation has expired."),
}


def invitation_state(invitation: Invitation) -> str:
    """ "open", "accepted", "revoked" or "expired"."""
    if invitation.accepted_at:
        return "accepted"
    if invitation.revoked_at:
        return "revoked"
    return "open" if invitation.expires_at > timezone.now() else "expired"
