"""The generators keep the product's rules: every booking `seed_demo` and `bench_seed` write is what the product
would have made of it.

For each booking: its quote is the one `bookings.pricing` computes for it, its hold is `rules.held_interval` of its
times, its decision deadline is `rules.decision_deadline`, its sequence is `rules.sequence_after` of its status,
its user category is `equipment.selectors.user_category_for` of its requester; and no two holding bookings of an
instrument overlap. A generator that kept its own copy of one of these rules, and let it drift, fails here.
`rules.sequence_after` itself is pinned against the services in tests/bookings/test_shared_rules.py.
"""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from bookings import fees, pricing, rules
from bookings import selectors as booking_selectors
from bookings.models import Booking
from devtools.bench import seed as bench
from equipment.selectors import user_category_for

SMALL_BENCH = dict(institutions=4, instruments=12, bookings=600, companies=20)


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data set and a small bench data set side by side, rolled back after the module."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            call_command("seed_demo", password="pw-test-123", stdout=io.StringIO())
            call_command("bench_seed", **SMALL_BENCH, stdout=io.StringIO(), stderr=io.StringIO())
            bench_ids = set(bench.bench_instrument_ids())
            yield SimpleNamespace(
                demo=Booking.objects.exclude(instrument_id__in=bench_ids),
                bench=Booking.objects.filter(instrument_id__in=bench_ids),
            )
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def departures(bookings) -> list[str]:
    """Every way the bookings depart from the product's rules, one line each (empty: they all conform)."""
    found = []
    policies, users = {}, {}
    rows = (
        bookings.select_related("instrument", "company", "requester")
        .annotate(proposals=Count("events", filter=Q(events__action="propose")))
        .order_by("id")
    )
    for booking in rows:
        instrument = booking.instrument
        if instrument.id not in policies:
            policies[instrument.id] = booking_selectors.policy_of_id(instrument.id)
        requester = users.setdefault(booking.requester_id, booking.requester)  # roles read once per user
        found += _departures_of(booking, policies[instrument.id], requester)
    found += _overlaps(bookings)
    return found


def _departures_of(booking: Booking, policy: rules.InstrumentPolicy, requester) -> list[str]:
    name = f"booking {booking.pk} ({booking.status})"
    found = []
    quote = pricing.current_quote(booking)
    if quote != booking.quote:
        found.append(f"{name}: quote {booking.quote} is not the product's {quote}")
    hold = rules.held_interval(rules.Interval(booking.start, booking.end), policy)
    if (booking.hold_start, booking.hold_end) != (hold.start, hold.end):
        found.append(f"{name}: hold {booking.hold_start}–{booking.hold_end} is not {hold}")
    deadline = rules.decision_deadline(
        requested_at=booking.created_at,
        start=booking.start,
        decision_limit_hours=booking.instrument.decision_limit_hours,
    )
    if abs(booking.expires_at - deadline) > timedelta(seconds=1):  # a service's `now` is not quite created_at
        found.append(f"{name}: expires at {booking.expires_at}, the rule says {deadline}")
    # each counter-proposal (the demo's upcoming bookings, made through the services) adds one
    sequence = rules.sequence_after(booking.status, approved=booking.quote_fixed_at is not None) + booking.proposals
    if booking.sequence != sequence:
        found.append(f"{name}: sequence {booking.sequence}, the services give {sequence}")
    category = user_category_for(
        requester,
        booking.instrument,
        company_size=booking.company.size if booking.company else None,
        on=booking.start.astimezone(rules.TOKYO).date(),
    )
    if booking.user_category != category:
        found.append(f"{name}: user category {booking.user_category}, the product says {category}")
    return found


def _overlaps(bookings) -> list[str]:
    found, last = [], {}
    holding = bookings.filter(status__in=Booking.HOLDING).order_by("instrument_id", "hold_start", "id")
    for pk, instrument_id, start, end in holding.values_list("pk", "instrument_id", "hold_start", "hold_end"):
        previous = last.get(instrument_id)
        if previous and rules.overlaps(rules.Interval(*previous[1:]), rules.Interval(start, end)):
            found.append(f"bookings {previous[0]} and {pk} hold overlapping time")
        if previous is None or end > previous[2]:
            last[instrument_id] = (pk, start, end)
    return found


def test_the_demo_history_follows_the_product_rules(generated):
    assert generated.demo.count() > 1000
    assert departures(generated.demo) == []


def test_the_bench_bookings_follow_the_product_rules(generated):
    assert generated.bench.count() == SMALL_BENCH["bookings"]
    assert generated.bench.filter(status__in=Booking.HOLDING).exists()
    assert departures(generated.bench) == []


def test_the_generators_cover_what_the_rules_distinguish(generated):
    """The check above means something only if the data exercise each rule: large companies under a policy with
    a multiplier, companies outside the region, staff time, cancellations after and before approval."""
    every = Booking.objects.all()
    lines = [line for quote in every.values_list("quote", flat=True) for line in quote["lines"]]
    kinds = {m["kind"] for line in lines for m in line.get("multipliers", ())}
    assert {fees.LARGE_COMPANY, fees.OUTSIDE_REGION, fees.CONFIDENTIAL} <= kinds
    assert any(line["kind"] == "staff" for line in lines)
    cancelled = every.filter(status="cancelled")
    assert cancelled.filter(quote_fixed_at__isnull=True).exists() and cancelled.filter(quote_fixed_at__isnull=False)
    assert set(every.values_list("user_category", flat=True)) == {"internal", "academic", "sme", "large"}
