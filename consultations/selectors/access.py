"""Who sees which consultation and who may act on it, and the reads of one consultation."""

from collections.abc import Collection
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from bookings.models import Booking
from consortia.models import Institution
from consortia.selectors import access_for, active_memberships, by_reading
from consultations import matching
from consultations.models import Consultation, ConsultationBooking, ExpertProfile, Message, Referral
from consultations.suggestions import shown
from consultations.workdays import add_business_days
from equipment.models import Instrument

REMINDER_AFTER_BUSINESS_DAYS = 2
ANSWER_TARGET_BUSINESS_DAYS = 3
CONVERTED_BOOKING_STATUSES = (Booking.Status.APPROVED, Booking.Status.COMPLETED)


def consultations_visible_to(user) -> QuerySet[Consultation]:
    """The company's own (its requester and the company's admins), the coordinators' consortium's, and those
    referred to a staff member's institution. Nobody else sees any: not other companies, not unrelated staff,
    not the secretariat (reports give it aggregates), not site operators through the API."""
    if user is None or not user.is_authenticated:
        return Consultation.objects.none()
    access = access_for(user)
    scope = Q(requester=user) | Q(company_id__in=access.admin_of) | Q(consortium_id__in=access.coordinator_of)
    if access.staff_of:
        scope |= Q(id__in=Referral.objects.filter(institution_id__in=access.staff_of).values("consultation_id"))
    return Consultation.objects.filter(scope)


def consultation_list(user) -> QuerySet[Consultation]:
    """Visible consultations, newest first, with what a list row shows (company, consortium, the institutions
    referred to), in a fixed number of queries whatever the number of rows."""
    return (
        consultations_visible_to(user)
        .select_related("company", "consortium")
        .prefetch_related(Prefetch("referrals", queryset=Referral.objects.select_related("institution")))
        .order_by("-created_at", "-id")
    )


def filter_consultations(
    qs: QuerySet[Consultation],
    *,
    statuses: Collection[str] = (),
    consortium_id: int | None = None,
    requester=None,
    confidential: bool | None = None,
    unreferred: bool = False,
    q: str = "",
) -> QuerySet[Consultation]:
    """The filters of the API's list and of the pages' inbox. `unreferred`: never referred (new, or closed
    before any referral). `q`: every term must occur in the title, description or company name, width, case
    and katakana/hiragana ignored (like the catalogue)."""
    if statuses:
        qs = qs.filter(status__in=statuses)
    if consortium_id is not None:
        qs = qs.filter(consortium_id=consortium_id)
    if requester is not None:
        qs = qs.filter(requester=requester)
    if confidential is not None:
        qs = qs.filter(confidential=confidential)
    if unreferred:
        qs = qs.filter(first_referred_at__isnull=True)
    for term in matching.normalize(q).split():
        qs = qs.filter(search_text__contains=term)
    return qs


def consultation_detail_queryset(user) -> QuerySet[Consultation]:
    """Visible consultations with everything the detail shows, in a fixed number of queries."""
    return (
        consultations_visible_to(user)
        .select_related("company", "consortium", "requester")
        .prefetch_related(
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("institution", "referred_by").prefetch_related(
                    "instruments", Prefetch("experts", queryset=ExpertProfile.objects.select_related("user"))
                ),
            ),
            Prefetch("messages", queryset=Message.objects.select_related("author", "institution")),
            Prefetch("booking_links", queryset=ConsultationBooking.objects.select_related("booking__instrument")),
        )
    )


def sides_of(user, consultation: Consultation, referred_institution_ids: Collection[int]) -> set[str]:
    """In which capacities the user takes part: "company", "coordinator", "staff" (of a referred institution)."""
    access = access_for(user)
    sides = set()
    if getattr(user, "pk", None) == consultation.requester_id or consultation.company_id in access.admin_of:
        sides.add(Message.Side.COMPANY)
    if consultation.consortium_id in access.coordinator_of:
        sides.add(Message.Side.COORDINATOR)
    if access.staff_of & set(referred_institution_ids):
        sides.add(Message.Side.STAFF)
    return sides


# --- Who may act: one predicate per verb, raised by the services, read by the pages and the API's `can` ---------
def may_ask(user) -> bool:
    """Asking a consultation (and previewing what the matcher suggests): company users."""
    return access_for(user).is_company_user


def may_refer(user, consultation: Consultation) -> bool:
    """Referring the consultation to an institution: the coordinators of the consortium it was asked of."""
    return consultation.consortium_id in access_for(user).coordinator_of


def may_write(user, consultation: Consultation, referred: Collection[int] | None = None) -> bool:
    """Writing in the thread: the company, the coordinators and the staff of a referred institution. The referred
    institutions are read from the database unless given (a service gives those it has just read; a page those
    prefetched with the consultation)."""
    if referred is None:
        referred = referred_institution_ids(consultation)
    return bool(sides_of(user, consultation, referred))


def may_close(user, consultation: Consultation) -> bool:
    """Closing the consultation: the company that asked, or a coordinator."""
    return bool(sides_of(user, consultation, ()) & {Message.Side.COMPANY, Message.Side.COORDINATOR})


def may_book(user, consultation: Consultation) -> bool:
    """Booking because of the consultation, or linking a booking to it: the company that asked."""
    return Message.Side.COMPANY in sides_of(user, consultation, ())


LINKABLE_MAX = 20
UNLINKABLE_STATUSES = (Booking.Status.REJECTED, Booking.Status.CANCELLED, Booking.Status.EXPIRED)


def linkable_bookings(user, consultation: Consultation, *, limit: int = LINKABLE_MAX) -> list[Booking]:
    """The bookings a company user may say came from the consultation: their own (a company admin: the company's)
    for the consultation's company, requested since it was asked, not refused, cancelled or expired, and not yet
    linked to any consultation; the most recently requested first, at most `limit`. (The service accepts any own
    booking; these are the ones that make sense to offer.)"""
    access = access_for(user)
    return list(
        Booking.objects.filter(Q(requester=user) | Q(company_id__in=access.admin_of))
        .filter(company_id=consultation.company_id, created_at__gte=consultation.created_at)
        .filter(consultation_link__isnull=True)
        .exclude(status__in=UNLINKABLE_STATUSES)
        .select_related("instrument")
        .order_by("-created_at", "-id")[:limit]
    )


def may_keep_expert_entry(user) -> bool:
    """Keeping an entry in the expert directory: institution staff."""
    return bool(access_for(user).staff_of)


def permitted_actions(user, consultation: Consultation) -> dict[str, bool]:
    """What the user may do on a consultation of `consultation_detail_queryset` (its referrals prefetched), for
    the API's `can` and the pages' forms: the predicates above, on an open consultation (a closed one takes no
    referral, message or close; booking because of it stays possible)."""
    referred = {r.institution_id for r in consultation.referrals.all()}
    is_open = consultation.status in Consultation.OPEN
    return {
        "refer": is_open and may_refer(user, consultation),
        "write": is_open and may_write(user, consultation, referred),
        "close": is_open and may_close(user, consultation),
        "book": may_book(user, consultation),
    }


def current_suggestions(consultation: Consultation) -> list[dict]:
    """The suggestions made when the company asked, as the reader sees them (consultations.suggestions.shown: names
    and reasons in the active language); experts who have since left the directory are left out."""
    expert_ids = {e["id"] for s in consultation.suggestions for e in s.get("experts", ())}
    still_listed = listed_expert_ids(expert_ids) if expert_ids else set()
    return shown(
        [
            {**s, "experts": [e for e in s.get("experts", ()) if e["id"] in still_listed]}
            for s in consultation.suggestions
        ]
    )


def referable_institutions() -> QuerySet[Institution]:
    """Institutions a coordinator can refer to (members of a consortium today, of any consortium: 広域連携), each
    with `memberships_in_force`."""
    memberships = active_memberships()
    return (
        Institution.objects.filter(id__in=memberships.values("institution_id"))
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="memberships_in_force"))
        .order_by("id")
    )


def referable_instruments() -> QuerySet[Instrument]:
    """Instruments in service at those institutions, by institution."""
    return (
        Instrument.objects.exclude(status=Instrument.Status.RETIRED)
        .filter(institution_id__in=active_memberships().values("institution_id"))
        .select_related("institution")
        .order_by("institution_id", "id")
    )


def referable_experts() -> QuerySet[ExpertProfile]:
    """Listed experts at those institutions, by institution, then by the reading of their names."""
    return (
        ExpertProfile.objects.filter(listed=True, user__is_active=True)
        .filter(institution_id__in=active_memberships().values("institution_id"))
        .select_related("user", "institution")
        .order_by("institution_id", *by_reading(prefix="user__"), "id")
    )


def referred_institution_ids(consultation: Consultation) -> set[int]:
    return set(Referral.objects.filter(consultation=consultation).values_list("institution_id", flat=True))


def reminder_due_at(consultation: Consultation) -> datetime:
    """When an unreferred consultation becomes overdue: two business days after it arrived, same time of day."""
    return add_business_days(consultation.created_at, REMINDER_AFTER_BUSINESS_DAYS)


def is_overdue(consultation: Consultation, now: datetime) -> bool:
    return consultation.status == Consultation.Status.NEW and now >= reminder_due_at(consultation)


def listed_expert_ids(ids: Collection[int]) -> set[int]:
    return set(ExpertProfile.objects.filter(id__in=ids, listed=True, user__is_active=True).values_list("id", flat=True))
