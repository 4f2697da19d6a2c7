"""Read queries over instruments, shared by the API, the pages and (later) bookings and reports."""

from collections.abc import Callable, Collection
from datetime import date

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.plumbing import as_id
from consortia.selectors import access_for, active_memberships, can_manage_institution, fellow_member_ids

from .models import Category, Downtime, Instrument, Manual, Photo, Qualification, Rate, UserCategory
from .text import search_terms


def instrument_list(
    *,
    q: str = "",
    consortium_id: int | None = None,
    institution_id: int | None = None,
    category: str | None = None,
    status: str | None = None,
    mode: str | None = None,
    include_retired: bool = False,
) -> QuerySet[Instrument]:
    """The catalogue across all consortia, with everything a list shows in a fixed number of queries."""
    qs = Instrument.objects.select_related("institution", "category").prefetch_related(
        "opening_hours",
        Prefetch("photos", queryset=Photo.objects.order_by("position", "id")),
        Prefetch("institution__consortia"),
    )
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    if consortium_id is not None:
        qs = qs.filter(
            institution_id__in=active_memberships().filter(consortium_id=consortium_id).values("institution_id")
        )
    if institution_id is not None:
        qs = qs.filter(institution_id=institution_id)
    if category:
        category_id = as_id(category)
        qs = qs.filter(category_id=category_id) if category_id is not None else qs.filter(category__code=category)
    if status:
        qs = qs.filter(status=status)
    elif not include_retired:
        qs = qs.exclude(status=Instrument.Status.RETIRED)
    if mode:
        qs = qs.filter(modes__icontains=f'"{mode}"')  # modes is a JSON list of known words
    return qs.order_by("id")


def instrument_detail_queryset() -> QuerySet[Instrument]:
    return Instrument.objects.select_related("institution", "category").prefetch_related(
        "opening_hours",
        Prefetch("photos", queryset=Photo.objects.order_by("position", "id")),
        Prefetch("manuals", queryset=Manual.objects.order_by("language", "-uploaded_at", "-id")),
        Prefetch("rates", queryset=rates_in_force_queryset()),
        Prefetch("institution__consortia"),
    )


def current_manual_ids(manuals) -> set[int]:
    """The newest manual per language is current (manuals come newest first)."""
    seen, ids = set(), set()
    for manual in manuals:
        if manual.language not in seen:
            seen.add(manual.language)
            ids.add(manual.id)
    return ids


def rates_in_force_queryset(on: date | None = None) -> QuerySet[Rate]:
    """Rates ordered so that the first of each (category, mode) with valid_from <= day is in force."""
    day = on or timezone.localdate()
    return Rate.objects.filter(valid_from__lte=day).order_by("user_category", "mode", "-valid_from")


def rates_in_force(instrument: Instrument, on: date | None = None) -> list[Rate]:
    """One rate per (user category, mode): the latest that has started by the day."""
    seen, result = set(), []
    rows = instrument.rates.all() if on is None else rates_in_force_queryset(on).filter(instrument=instrument)
    for rate in rows:
        if on is None and rate.valid_from > timezone.localdate():
            continue
        key = (rate.user_category, rate.mode)
        if key not in seen:
            seen.add(key)
            result.append(rate)
    return result


def rate_for(instrument: Instrument, *, user_category: str, mode: str, on: date) -> Rate | None:
    return (
        Rate.objects.filter(instrument=instrument, user_category=user_category, mode=mode, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


def user_category_for(
    user, instrument: Instrument, *, company_size: str | None = None, on: date | None = None
) -> str | None:
    """Whose rate applies when this user books this instrument.

    Staff of the owning institution pay the internal rate; researchers of an institution that shares a
    consortium with the owning one (相互活用, memberships in force on `on`, today by default) the academic
    rate; company users the rate of their company's size. None: the user may not book.
    """
    access = access_for(user)
    return user_category_from_roles(
        institution_id=instrument.institution_id,
        staff_of=access.staff_of,
        researcher_of=access.researcher_of,
        company_size=company_size,
        fellow_members=lambda: fellow_member_ids(instrument.institution_id, on),
    )


def user_category_from_roles(
    *,
    institution_id: int,
    staff_of: Collection[int],
    researcher_of: Collection[int],
    company_size: str | None,
    fellow_members: Callable[[], Collection[int]],
) -> str | None:
    """The pure core of `user_category_for` (the demo and bench generators call it with what they know): the
    user's staff and researcher institutions, the size of the company they book for, and the institutions that
    share a consortium with the instrument's, asked for only when needed."""
    if institution_id in staff_of or institution_id in researcher_of:
        return UserCategory.INTERNAL
    if researcher_of and set(researcher_of) & set(fellow_members()):
        return UserCategory.ACADEMIC
    if company_size is not None:
        return UserCategory.SME if company_size == "sme" else UserCategory.LARGE
    return None


# --- Who may act: one predicate per verb, raised by the services, read by the pages ------------------------------
def may_book(user, instrument: Instrument, *, on: date | None = None) -> bool:
    """Who may ask for a slot of the instrument: company users (their company's size sets the rate), its
    institution's staff and researchers, and researchers of an institution sharing a consortium with it on `on`
    (相互活用; today by default): everyone `user_category_for` gives a rate. Raised by bookings.services."""
    if not getattr(user, "is_authenticated", False):
        return False
    return access_for(user).is_company_user or user_category_for(user, instrument, on=on) is not None


def may_be_qualified(user, instrument: Instrument) -> bool:
    """Whom staff may qualify to operate the instrument: an active user who may book it, or a staff member of an
    institution sharing a consortium with its own (an operator another member lends it: docs/operators.md)."""
    if not user.is_active:
        return False
    return may_book(user, instrument) or bool(access_for(user).staff_of & fellow_member_ids(instrument.institution_id))


def may_manage_instruments(user, institution_id: int) -> bool:
    """Changing an institution's instruments (details, hours, rates, files, downtime, qualifications): its staff
    and site operators. Raised by `services.ensure_can_manage`; the staff pages list only these institutions'
    instruments (`institutions_managed_by`, `instruments_managed_by`)."""
    return can_manage_institution(user, institution_id)


def _qualification_valid_on(day: date) -> Q:
    return Q(revoked_at__isnull=True) & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))


def is_qualified(user, instrument: Instrument, on: date | None = None) -> bool:
    day = on or timezone.localdate()
    return Qualification.objects.filter(_qualification_valid_on(day), instrument=instrument, user=user).exists()


def qualified_instrument_ids(user, instrument_ids, on: date | None = None) -> set[int]:
    """Which of the instruments the user may operate alone on `on` (today by default), in one query: for lists
    that speak of each instrument in the user's own usage mode."""
    if not getattr(user, "is_authenticated", False):
        return set()
    day = on or timezone.localdate()
    return set(
        Qualification.objects.filter(
            _qualification_valid_on(day), user=user, instrument_id__in=instrument_ids
        ).values_list("instrument_id", flat=True)
    )


def qualified_user_ids(instrument_id: int, on: date) -> set[int]:
    """Who holds a valid qualification for the instrument on `on` (the operators' candidates: staffing.selectors)."""
    return set(
        Qualification.objects.filter(_qualification_valid_on(on), instrument_id=instrument_id).values_list(
            "user_id", flat=True
        )
    )


def qualified_users_until(instrument_ids, first_day: date) -> dict[int, dict[int, date | None]]:
    """For each instrument, who holds a qualification valid on `first_day` and until when (the last valid day; None:
    no expiry), in one query: the operators' candidates over a window of days (staffing.selectors). A qualification
    stays valid from one day to the next until it expires, so the last day says every day of the window."""
    found: dict[int, dict[int, date | None]] = {pk: {} for pk in instrument_ids}
    for instrument_id, user_id, expires_on in Qualification.objects.filter(
        _qualification_valid_on(first_day), instrument_id__in=list(found)
    ).values_list("instrument_id", "user_id", "expires_on"):
        known = found[instrument_id].get(user_id, date.min)
        if known is not None and (expires_on is None or expires_on > known):
            found[instrument_id][user_id] = expires_on
    return found


def qualifications_of(instrument: Instrument, on: date | None = None) -> QuerySet[Qualification]:
    """Every grant of the instrument, newest first, each with `valid`: the holder may operate it alone today."""
    day = on or timezone.localdate()
    return (
        instrument.qualifications.select_related("user", "granted_by")
        .annotate(valid=ExpressionWrapper(_qualification_valid_on(day), output_field=BooleanField()))
        .order_by("-granted_at", "-id")
    )


# --- What institution staff manage (the staff pages) -------------------------------------------
def instruments_managed_by(user) -> QuerySet[Instrument]:
    """Instruments of the user's institutions, retired ones included; every staff-page lookup starts here."""
    access = access_for(user)
    qs = Instrument.objects.select_related("institution", "category")
    return qs.order_by("id") if access.is_superuser else qs.filter(institution_id__in=access.staff_of).order_by("id")


def managed_instrument_list(user) -> QuerySet[Instrument]:
    """The staff's list of their instruments, in a fixed number of queries whatever its length."""
    return instrument_list(include_retired=True).filter(id__in=instruments_managed_by(user).values("id"))


def manuals_of(instrument: Instrument) -> list[Manual]:
    """Current versions first (one per language), then older ones, newest first."""
    manuals = list(instrument.manuals.select_related("uploaded_by").order_by("language", "-uploaded_at", "-id"))
    current = current_manual_ids(manuals)
    for manual in manuals:
        manual.is_current = manual.id in current
    return sorted(manuals, key=lambda m: not m.is_current)


def rate_history(instrument: Instrument, on: date | None = None) -> list[Rate]:
    """Every rate of the instrument, each marked in force, scheduled (not yet started) or superseded."""
    day = on or timezone.localdate()
    in_force = {rate.id for rate in rates_in_force(instrument, on=day)}
    rates = list(instrument.rates.order_by("user_category", "mode", "-valid_from"))
    for rate in rates:
        rate.state = "in_force" if rate.id in in_force else ("scheduled" if rate.valid_from > day else "superseded")
    return rates


def upcoming_downtimes(instrument: Instrument, *, now) -> QuerySet[Downtime]:
    """Downtime not yet over, soonest first."""
    return instrument.downtimes.filter(end__gt=now).order_by("start", "id")


# --- What other apps' pages, forms and APIs read of equipment (they do not query its models themselves) -----------
def categories() -> QuerySet[Category]:
    """Every category, by id (the catalogue's filter; an input naming one by code)."""
    return Category.objects.order_by("id")


def instrument_choices() -> QuerySet[Instrument]:
    """Every instrument, retired ones included, for an input that names instruments by id."""
    return Instrument.objects.all()


def instruments_in_service_at(institution_ids) -> QuerySet[Instrument]:
    """The instruments of these institutions not retired, with their institution, grouped by institution."""
    return (
        Instrument.objects.filter(institution_id__in=institution_ids)
        .exclude(status=Instrument.Status.RETIRED)
        .select_related("institution")
        .order_by("institution_id", "id")
    )


def instruments_with_rules() -> QuerySet[Instrument]:
    """Instruments with what the booking rules read of them: their institution and opening hours."""
    return Instrument.objects.select_related("institution").prefetch_related("opening_hours")


def instrument_for_request(pk: int) -> Instrument | None:
    """The instrument a booking request names, with what the booking rules read; None if there is none."""
    return instruments_with_rules().filter(pk=pk).first()


STAFF_TABS = [
    ("staff-instrument", gettext_lazy("Details and hours")),
    ("staff-instrument-rates", gettext_lazy("Rates")),
    ("staff-instrument-manuals", gettext_lazy("Manuals")),
    ("staff-instrument-photos", gettext_lazy("Photos")),
    ("staff-instrument-downtime", gettext_lazy("Downtime")),
    ("staff-instrument-qualifications", gettext_lazy("Qualifications")),
]


def staff_tabs(current: str) -> list[dict]:
    """The tabs of an instrument's staff pages (URL names), `current` marked: read by equipment's pages and by the
    downtime pages bookings serves."""
    return [{"url_name": name, "label": label, "current": name == current} for name, label in STAFF_TABS]
