"""Who may see what: the institutions whose figures a user may see, and the stored reports visible to them."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from backend.errors import DomainError, PermissionDenied
from consortia.models import ConsortiumMembership
from consortia.selectors import access_for

from ..models import Report


def member_institution_ids(consortium_id: int) -> set[int]:
    """Institutions that are or were members of the consortium (their staff may see their slice of its reports)."""
    return set(
        ConsortiumMembership.objects.filter(consortium_id=consortium_id).values_list("institution_id", flat=True)
    )


def report_scope_for(user, consortium_id: int, institution_id: int | None = None) -> frozenset[int] | None:
    """The institutions whose figures the user may see in the consortium's reports; None means all of them.

    The consortium's secretariat and site admins see the whole report, or one member institution's slice when
    they ask for it; institution staff see the slice of their own member institutions. Anyone else is refused.
    """
    access = access_for(user)
    members = member_institution_ids(consortium_id)
    if access.is_superuser or consortium_id in access.secretariat_of:
        if institution_id is None:
            return None
        if institution_id not in members:
            raise DomainError(
                "unknown_institution",
                _("The institution is not a member of this consortium."),
                field="institution",
            )
        return frozenset({institution_id})
    own = access.staff_of & members
    if own and institution_id is None:
        return frozenset(own)
    if institution_id in own:
        return frozenset({institution_id})
    raise PermissionDenied(
        "not_allowed_to_see_report",
        _("Only the consortium's secretariat, or an institution's staff for their own institution, may see this."),
    )


def reports_visible_to(user) -> QuerySet[Report]:
    """Site admins see every report; the secretariat its consortium's; staff the slices of their institutions."""
    access = access_for(user)
    qs = Report.objects.select_related("consortium", "institution", "requested_by")
    if access.is_superuser:
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(consortium_id__in=access.secretariat_of) | Q(institution_id__in=access.staff_of))
