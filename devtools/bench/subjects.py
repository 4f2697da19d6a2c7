"""Who and what the benchmark measures with, picked from whatever the database holds (bench_seed's data set
at full size; any seeded database for a smoke run)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from backend.periods import fiscal_year_of
from bookings.models import Booking
from consortia.models import Consortium, Role, User
from consortia.services import issue_api_token
from equipment.models import Instrument

BENCH_MARK = "ベンチマーク"  # starts the purpose of every booking `bench` creates (bench.measure.booking_call)


@dataclass(frozen=True)
class Cast:
    instrument_ids: list[int]  # bookable by any company user: active, no qualification needed
    tokens: list[str]  # API tokens of company users, one company each
    staff_token: str  # a staff member who sees many bookings (the bookings list)
    largest_consortium_id: int
    bookings: int


def last_fiscal_year(today: date) -> int:
    """The last whole Japanese fiscal year (April–March) before today."""
    return fiscal_year_of(today) - 1


def bookable_instruments():
    return Instrument.objects.filter(status=Instrument.Status.ACTIVE, requires_qualification=False).filter(
        opening_hours__isnull=False
    )


def cast(*, clients: int) -> Cast:
    instrument_ids = sorted(set(bookable_instruments().values_list("id", flat=True)))
    if not instrument_ids:
        raise LookupError("no active instrument without qualification: run `manage.py bench_seed` first")
    company_users = (
        User.objects.filter(
            is_active=True, roles__kind__in=Role.COMPANY_KINDS, roles__company__monthly_quota_hours=None
        )
        .annotate(n_roles=Count("roles", distinct=True))
        .filter(n_roles=1)
        .order_by("-id")[: max(clients, 2)]
    )
    users = list(company_users)
    if not users:
        raise LookupError("no company user: run `manage.py bench_seed` first")
    staff = (
        User.objects.filter(is_active=True, roles__kind=Role.Kind.STAFF)
        .annotate(seen=Count("roles__institution__instruments__bookings"))
        .order_by("-seen", "id")
        .first()
    )
    if staff is None:
        raise LookupError("no institution staff: run `manage.py bench_seed` first")
    largest = Consortium.objects.annotate(n=Count("memberships__institution__instruments")).order_by("-n", "id").first()
    return Cast(
        instrument_ids=instrument_ids,
        tokens=[token_of(user) for user in users],
        staff_token=token_of(with_two_factor(staff)),
        largest_consortium_id=largest.id,
        bookings=Booking.objects.count(),
    )


def with_two_factor(user):
    """Staff-side users act only with two-factor authentication set up (accounts.middleware, the API's
    `mfa_required`): give the measured one an authenticator, as a real staff member has, so that its check is
    measured too."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def token_of(user) -> str:
    """A fresh API key for the run: only a hash of a key is stored, so none can be read back from the database.
    It expires as every key does (API_TOKEN_TTL_DAYS)."""
    _token, key = issue_api_token(user=user, name="bench")
    return key


def instruments_for_creation(cast: Cast, count: int) -> list[Instrument]:
    """Instruments for the creation phase: the least booked first (they have the most free time)."""
    return list(
        bookable_instruments()
        .annotate(holding=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDING)))
        .order_by("holding", "id")
        .distinct()
        .prefetch_related("opening_hours")[:count]
    )


def bookings_of_run(run: str) -> int:
    return Booking.objects.filter(purpose__startswith=f"{BENCH_MARK} {run}").count()
