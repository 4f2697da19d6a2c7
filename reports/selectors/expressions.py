"""The SQL expressions the report's steps share: clipped hours, counts and yen, the breakdown keys, lead time.

Nothing here runs a query; each step builds its query from these, so a figure is defined once.
"""

from datetime import datetime, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Greatest, Least, TruncMonth

from backend.tokyo import TOKYO
from bookings.models import Booking
from consortia.models import Company
from equipment.models import UserCategory

from ..figures import US, Figures

Status = Booking.Status
BOOKED = (Status.APPROVED, Status.COMPLETED)
ZERO = timedelta(0)
SIZE_ORDER = (UserCategory.SME, UserCategory.LARGE, UserCategory.ACADEMIC, UserCategory.INTERNAL)


def _at(moment: datetime) -> Value:
    return Value(moment, output_field=DateTimeField())


def _clipped(start: str, end: str, lo: datetime, hi: datetime):
    """The duration of [start, end) that falls inside [lo, hi): Least(end, hi) − Greatest(start, lo)."""
    return ExpressionWrapper(Least(F(end), _at(hi)) - Greatest(F(start), _at(lo)), output_field=DurationField())


def _yen(key: str):
    """An integer amount of the booking's fixed quote (JSON), e.g. quote->>'subtotal_jpy'."""
    return Cast(KT(f"quote__{key}"), IntegerField())


def company_size():
    """sme / large from the booking's company; academic / internal from its user category when it has none."""
    return Case(
        When(company__isnull=False, then=F("company__size")), default=F("user_category"), output_field=CharField()
    )


def starts_in(lo: datetime, hi: datetime) -> Q:
    return Q(start__gte=lo, start__lt=hi)


def served_in(lo: datetime, hi: datetime) -> Q:
    """The bookings whose company counts as served in [lo, hi): completed ones that start in it."""
    return starts_in(lo, hi) & Q(status=Status.COMPLETED)


def hour_sums(lo: datetime, hi: datetime, suffix: str = "") -> dict:
    """Booked and used time clipped to [lo, hi): booked is approved or completed, used is the recorded use."""
    held = Q(status__in=BOOKED, start__lt=hi, end__gt=lo)
    used = Q(status=Status.COMPLETED, actual_start__lt=hi, actual_end__gt=lo)
    scheduled, actual = _clipped("start", "end", lo, hi), _clipped("actual_start", "actual_end", lo, hi)
    return {
        f"booked_us{suffix}": Sum(scheduled, filter=held, default=ZERO),
        f"used_us{suffix}": Sum(actual, filter=used, default=ZERO),
        f"company_used_us{suffix}": Sum(actual, filter=used & Q(company__isnull=False), default=ZERO),
        f"sme_used_us{suffix}": Sum(actual, filter=used & Q(company__size=Company.Size.SME), default=ZERO),
    }


def counts(lo: datetime, hi: datetime) -> dict:
    """Counts and yen of the bookings that start in [lo, hi)."""
    starts = starts_in(lo, hi)
    done = served_in(lo, hi)
    return {
        "requests": Count("id", filter=starts),
        "uses": Count("id", filter=done),
        "company_uses": Count("id", filter=done & Q(company__isnull=False)),
        "sme_uses": Count("id", filter=done & Q(company__size=Company.Size.SME)),
        "decided": Count("id", filter=starts & Q(decided_at__isnull=False)),
        "rejected": Count("id", filter=starts & Q(status=Status.REJECTED)),
        "cancelled": Count("id", filter=starts & Q(status=Status.CANCELLED)),
        "no_shows": Count("id", filter=starts & Q(status=Status.NO_SHOW)),
        "revenue_excl_tax_jpy": Sum(_yen("subtotal_jpy"), filter=done, default=0),
        "tax_jpy": Sum(_yen("tax_jpy"), filter=done, default=0),
        "revenue_jpy": Sum(_yen("total_jpy"), filter=done, default=0),
    }


HOUR_SUMS = ("booked_us", "used_us", "company_used_us", "sme_used_us")
COUNTS = (
    "requests",
    "uses",
    "company_uses",
    "sme_uses",
    "decided",
    "rejected",
    "cancelled",
    "no_shows",
    "revenue_excl_tax_jpy",
    "tax_jpy",
    "revenue_jpy",
)


def hour_figures(values: dict, suffix: str = "") -> Figures:
    """Figures from the hour columns of a grouped row (durations become integer microseconds)."""
    return Figures(**{name: values[f"{name}{suffix}"] // US for name in HOUR_SUMS})


def count_figures(values: dict) -> Figures:
    return Figures(**{name: values[name] for name in COUNTS})


def dimensions() -> dict:
    """The key of each breakdown but the month, as an expression on a booking."""
    return {
        "by_institution": F("instrument__institution_id"),
        "by_instrument": F("instrument_id"),
        "by_category": F("instrument__category_id"),
        "by_mode": F("mode"),
        "by_company_size": company_size(),
    }


def start_month():
    """The Tokyo month a booking starts in (counts and yen belong to it)."""
    return TruncMonth("start", tzinfo=TOKYO)


def month_key(moment) -> tuple[int, int]:
    local = moment.astimezone(TOKYO) if isinstance(moment, datetime) else moment
    return local.year, local.month


def lead_time():
    """How long a request waited for its decision: decided_at − created_at (None while undecided)."""
    return ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())


def lead_time_groups() -> dict:
    """The groups a median lead time is given for: the totals (None), every breakdown, and the start month."""
    return {"totals": None, **dimensions(), "by_month": start_month()}
