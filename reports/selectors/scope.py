"""Step 1, the scope of a report: which memberships, instruments and bookings count toward the consortium."""

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from backend.i18n import localized
from backend.periods import Period, tokyo_midnight
from bookings.models import Booking
from consortia.models import ConsortiumMembership
from equipment.models import Instrument

Windows = dict[int, list[tuple[datetime, datetime | None]]]


def membership_windows(
    consortium_id: int, period: Period, institution_ids: Collection[int] | None = None
) -> tuple[Windows, dict[int, str]]:
    """[joined, left) of each membership of the consortium that overlaps the period, by institution, and the
    institutions' names in the active language (1 query). `left` is Tokyo midnight after `left_on` (that day is
    still a member's), None while a member."""
    memberships = ConsortiumMembership.objects.filter(
        consortium_id=consortium_id, joined_on__lte=period.local_end.date()
    ).exclude(left_on__lt=period.local_start.date())
    if institution_ids is not None:
        memberships = memberships.filter(institution_id__in=institution_ids)
    windows: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    for institution_id, name, name_en, joined_on, left_on in memberships.order_by(
        "institution_id", "joined_on"
    ).values_list("institution_id", "institution__name", "institution__name_en", "joined_on", "left_on"):
        joined = tokyo_midnight(joined_on)
        left = tokyo_midnight(left_on + timedelta(days=1)) if left_on else None
        if joined < period.end and (left is None or left > period.start):
            windows[institution_id].append((joined, left))
            names[institution_id] = localized(name, name_en)
    return dict(windows), names


def member_instruments(windows: Windows) -> list[Instrument]:
    """The instruments of the member institutions, with institution and category (1 query)."""
    return list(
        Instrument.objects.filter(institution_id__in=windows)
        .select_related("institution", "category")
        .order_by("institution_id", "id")
    )


def consortium_bookings(windows: Windows, period: Period) -> QuerySet[Booking]:
    """Bookings that count toward the consortium and touch the period.

    A booking counts when it starts while its instrument's institution is a member; it touches the period when
    its booked or its used time overlaps it.
    """
    if not windows:
        return Booking.objects.none()
    member = Q()
    for institution_id, spans in windows.items():
        for joined, left in spans:
            member |= Q(instrument__institution_id=institution_id, start__gte=joined) & (
                Q(start__lt=left) if left else Q()
            )
    touches = Q(start__lt=period.end, end__gt=period.start) | Q(
        actual_start__lt=period.end, actual_end__gt=period.start
    )
    return Booking.objects.filter(member).filter(touches)
