"""The consultations block of a consortium's utilization report."""

from collections.abc import Collection
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from backend.i18n import localized
from backend.plumbing import require_aware
from consultations.models import Consultation, ConsultationBooking, Referral

from .access import (
    ANSWER_TARGET_BUSINESS_DAYS,
    CONVERTED_BOOKING_STATUSES,
)


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
    institutions, and only their rows by institution. Institutions are named in the active language. Three queries: the totals, the middle response times
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
            "name": localized(row["institution__name"], row["institution__name_en"]),
            "referred": row["referred"],
            "answered": row["answered"],
            "answered_within_3_business_days": row["within"],
            "converted_to_bookings": row["converted"],
        }
        for row in referrals.values("institution_id", "institution__name", "institution__name_en")
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
