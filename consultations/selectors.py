"""Read queries of consultations: who sees which, the matcher's candidates, the directory, the report block."""

from collections.abc import Collection
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from backend.plumbing import require_aware
from bookings.models import Booking
from consortia.models import Company, Consortium, Institution
from consortia.selectors import access_for, active_memberships
from equipment.models import Category, Instrument

from . import matching
from .models import Consultation, ConsultationBooking, ExpertProfile, Message, Referral
from .workdays import add_business_days

REMINDER_AFTER_BUSINESS_DAYS = 2
ANSWER_TARGET_BUSINESS_DAYS = 3
CONVERTED_BOOKING_STATUSES = (Booking.Status.APPROVED, Booking.Status.COMPLETED)


# --- Who sees what -------------------------------------------------------------------------------------------------
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
    """The suggestions made when the company asked; experts who have since left the directory are left out."""
    expert_ids = {e["id"] for s in consultation.suggestions for e in s.get("experts", ())}
    still_listed = listed_expert_ids(expert_ids) if expert_ids else set()
    return [
        {**s, "experts": [e for e in s.get("experts", ()) if e["id"] in still_listed]} for s in consultation.suggestions
    ]


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
    """Listed experts at those institutions, by institution."""
    return (
        ExpertProfile.objects.filter(listed=True, user__is_active=True)
        .filter(institution_id__in=active_memberships().values("institution_id"))
        .select_related("user", "institution")
        .order_by("institution_id", "id")
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


# --- The matcher's candidates ---------------------------------------------------------------------------------------
def problem_text(title: str, description: str) -> str:
    """What the matcher reads of a consultation."""
    return f"{title}\n{description}"


def home_consortium(company: Company) -> Consortium | None:
    """The consortium covering the company's prefecture, when exactly one does."""
    covering = [
        c for c in Consortium.objects.order_by("id") if company.prefecture and company.prefecture in c.prefectures
    ]
    return covering[0] if len(covering) == 1 else None


def _names(*parts) -> str:
    return matching.normalize(" ".join(p for p in parts if p))


def matching_candidates() -> tuple[list[matching.Candidate], dict[int, str], list[str]]:
    """Every instrument in service and every listed expert as a matching candidate, the institutions' names and
    the known keywords. Four queries whatever the size of the catalogue: categories, instruments (with their
    institution), experts (with user and institution) and the experts' instruments."""
    categories = {
        row["id"]: row for row in Category.objects.values("id", "name", "name_en", "code", "keywords").order_by()
    }
    category_keywords = {cid: matching.normalize(row["keywords"]) for cid, row in categories.items()}
    category_names = {cid: _names(row["name"], row["name_en"], row["code"]) for cid, row in categories.items()}
    known_keywords = [k for row in categories.values() for k in matching.split_keywords(row["keywords"])]
    institutions: dict[int, str] = {}
    candidates = []
    fields = ("id", "name", "name_en", "maker", "model", "description", "location", "specs", "category_id")
    instruments = (
        Instrument.objects.exclude(status=Instrument.Status.RETIRED)
        .values_list(*fields, "institution_id", "institution__name")
        .order_by("id")
    )
    instrument_names: dict[int, str] = {}
    for (
        iid,
        name,
        name_en,
        maker,
        model,
        description,
        location,
        specs,
        category_id,
        institution_id,
        where,
    ) in instruments:
        institutions[institution_id] = where
        names = f"{_names(name, name_en, maker, model)} {category_names[category_id]}"
        instrument_names[iid] = name
        keywords = category_keywords[category_id]
        spec_text = " ".join(f"{k} {v}" for k, v in specs.items()) if isinstance(specs, dict) else ""
        candidates.append(
            matching.Candidate(
                kind="instrument",
                id=iid,
                label=name,
                institution_id=institution_id,
                keywords=keywords,
                names=names,
                # Built from the fields, not from search_text: the matcher weighs keywords, names and the rest
                # of the text apart.
                text=f"{_names(description, location, spec_text)} {names} {keywords}",
                category=categories[category_id]["name"],
                group=f"category:{category_id}",
            )
        )
    runs: dict[int, list[int]] = {}
    for expert_id, instrument_id in ExpertProfile.instruments.through.objects.filter(
        expertprofile__listed=True
    ).values_list("expertprofile_id", "instrument_id"):
        runs.setdefault(expert_id, []).append(instrument_id)
    experts = (
        ExpertProfile.objects.filter(listed=True, user__is_active=True)
        .values_list("id", "user__last_name", "user__first_name", "user__username", "institution_id", "keywords")
        .annotate(institution_name=F("institution__name"))
        .order_by("id")
    )
    for eid, last, first, username, institution_id, keywords, institution_name in experts:
        institutions[institution_id] = institution_name
        own = [instrument_names[i] for i in runs.get(eid, ()) if i in instrument_names]
        names = _names(*own)
        normalized_keywords = matching.normalize(keywords)
        known_keywords += matching.split_keywords(keywords)
        candidates.append(
            matching.Candidate(
                kind="expert",
                id=eid,
                label=f"{last} {first}".strip() or username,
                institution_id=institution_id,
                keywords=normalized_keywords,
                names=names,
                text=f"{normalized_keywords} {names}",
            )
        )
    return candidates, institutions, known_keywords


def suggestions_for(text: str, *, consortium_id: int | None = None) -> list[dict]:
    """What the matcher suggests for a description; institutions of `consortium_id` first among equals.
    A constant number of queries (five) whatever the size of the catalogue."""
    candidates, institutions, keywords = matching_candidates()
    home = set()
    if consortium_id is not None:
        home = set(active_memberships().filter(consortium_id=consortium_id).values_list("institution_id", flat=True))
    return matching.suggest(text, candidates, institutions=institutions, home_institutions=home, keywords=keywords)


# --- The expert directory -------------------------------------------------------------------------------------------
def expert_list(
    *, q: str = "", institution_id: int | None = None, consortium_id: int | None = None
) -> QuerySet[ExpertProfile]:
    """Listed experts, searchable like the catalogue: every term of `q` must occur in the entry's search text
    (ExpertProfile.build_search_text: the person, keywords, profile, institution, and the names, models and
    categories of the instruments they run); width, case and katakana/hiragana do not matter."""
    qs = (
        ExpertProfile.objects.filter(listed=True, user__is_active=True)
        .select_related("user", "institution")
        .prefetch_related(Prefetch("instruments", queryset=Instrument.objects.order_by("id")))
    )
    for term in matching.normalize(q).split():
        qs = qs.filter(search_text__contains=term)
    if institution_id is not None:
        qs = qs.filter(institution_id=institution_id)
    if consortium_id is not None:
        qs = qs.filter(
            institution_id__in=active_memberships().filter(consortium_id=consortium_id).values("institution_id")
        )
    return qs.order_by("id")


# --- The report block -----------------------------------------------------------------------------------------------
def _converted() -> Q:
    """Led to a booking: a linked booking that was approved or used, or closed with the outcome `booking`."""
    linked = ConsultationBooking.objects.filter(
        consultation_id=OuterRef("pk"), booking__status__in=CONVERTED_BOOKING_STATUSES
    )
    return Q(Exists(linked)) | Q(outcome=Consultation.Outcome.BOOKING)


def consultation_summary(
    consortium_id: int, start: datetime, end: datetime, institution_ids: Collection[int] | None = None
) -> dict:
    """The `consultations` block of a consortium's utilization report for [start, end).

    Counts the consultations the consortium received in the period (by the time they arrived), confidential
    ones included (only counted, never shown). With `institution_ids`, only those referred to one of these
    institutions, and only their rows by institution. Three queries: the totals, the middle response times
    (the median) and the figures by institution referred to. See docs/consultations.md for the definitions.
    """
    require_aware(start=start, end=end)
    received = Consultation.objects.filter(consortium_id=consortium_id, created_at__gte=start, created_at__lt=end)
    if institution_ids is not None:
        received = received.filter(
            id__in=Referral.objects.filter(institution_id__in=institution_ids).values("consultation_id")
        )
    answered = Q(first_answered_at__isnull=False)
    totals = received.aggregate(
        received=Count("id"),
        confidential=Count("id", filter=Q(confidential=True)),
        referred=Count("id", filter=Q(first_referred_at__isnull=False)),
        answered=Count("id", filter=answered),
        answered_within_target=Count(
            "id", filter=answered & Q(response_business_days__lte=ANSWER_TARGET_BUSINESS_DAYS)
        ),
        closed=Count("id", filter=Q(status=Consultation.Status.CLOSED)),
        converted_to_bookings=Count("id", filter=_converted()),
    )
    median = _median_days(received.filter(answered), totals["answered"])

    referrals = Referral.objects.filter(consultation__in=received)
    if institution_ids is not None:
        referrals = referrals.filter(institution_id__in=institution_ids)
    linked_here = ConsultationBooking.objects.filter(
        consultation_id=OuterRef("consultation_id"),
        booking__status__in=CONVERTED_BOOKING_STATUSES,
        booking__instrument__institution_id=OuterRef("institution_id"),
    )
    by_institution = [
        {
            "institution_id": row["institution_id"],
            "name": row["institution__name"],
            "referred": row["referred"],
            "answered": row["answered"],
            "answered_within_3_business_days": row["within"],
            "converted_to_bookings": row["converted"],
        }
        for row in referrals.values("institution_id", "institution__name")
        .annotate(
            referred=Count("id"),
            answered=Count("id", filter=Q(first_answered_at__isnull=False)),
            within=Count("id", filter=Q(response_business_days__lte=ANSWER_TARGET_BUSINESS_DAYS)),
            converted=Count("id", filter=Q(Exists(linked_here))),
        )
        .order_by("-referred", "institution_id")
    ]
    count = totals["received"]
    return {
        "received": count,
        "confidential": totals["confidential"],
        "referred": totals["referred"],
        "answered": totals["answered"],
        "closed": totals["closed"],
        "median_days_to_first_answer": median,
        "answered_within_3_business_days": totals["answered_within_target"],
        "share_answered_within_3_business_days": round(totals["answered_within_target"] / count, 4) if count else None,
        "converted_to_bookings": totals["converted_to_bookings"],
        "by_institution": by_institution,
    }


def _median_days(answered: QuerySet[Consultation], n: int) -> float | None:
    """The median time from arrival to first answer in days (one query: the one or two middle rows)."""
    if not n:
        return None
    low = (n - 1) // 2
    middle = list(answered.order_by("response_time", "id").values_list("response_time", flat=True)[low : n // 2 + 1])
    total = sum(middle, timedelta(0)) / len(middle)
    return round(total.total_seconds() / 86400, 2)


def institutions_with_listed_experts() -> QuerySet[Institution]:
    """The institutions at least one listed expert belongs to (the directory's institution filter)."""
    return Institution.objects.filter(experts__listed=True).distinct().order_by("id")
