"""The pure rules that the services, the pages and the demo and bench generators share (issue #16): each has one
home, and these tests pin it; tests/devtools/test_conformity.py checks that the generators' data obey them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings import fees, rules, services
from bookings.models import Booking
from consultations.workdays import first_answer_fields
from equipment.selectors import user_category_from_roles
from tests.bookings.conftest import at

RATES = {("sme", "self"): fees.RateAmount(10_000, "hour"), ("large", "self"): fees.RateAmount(17_000, "hour")}


def rate(category, mode, *, large_company=None, rates=RATES):
    terms = fees.FeeTerms(large_company=None if large_company is None else Decimal(large_company))
    return fees.category_rate(user_category=category, mode=mode, terms=terms, rate_of=lambda c, m: rates.get((c, m)))


def test_a_large_company_pays_the_sme_rate_times_the_policy_multiplier():
    priced = rate("large", "self", large_company="1.3")
    assert priced == fees.CategoryRate(10_000, "hour", large_company=Decimal("1.3"))
    assert priced.price_jpy == 13_000


def test_without_a_multiplier_a_large_company_pays_its_own_rate():
    assert rate("large", "self") == fees.CategoryRate(17_000, "hour")


def test_without_an_sme_rate_the_multiplier_does_not_apply():
    only_large = {("large", "self"): fees.RateAmount(17_000, "hour")}
    priced = rate("large", "self", large_company="1.3", rates=only_large)
    assert priced == fees.CategoryRate(17_000, "hour") and priced.price_jpy == 17_000


def test_other_categories_pay_their_own_rate_or_none():
    assert rate("sme", "self", large_company="1.3") == fees.CategoryRate(10_000, "hour")
    assert rate("academic", "self") is None


def test_the_quote_names_the_large_company_multiplier_only_when_priced_from_the_sme_rate():
    start = datetime(2026, 4, 6, 1, tzinfo=UTC)
    terms = fees.FeeTerms(large_company=Decimal("1.3"))
    facts = dict(terms=terms, instrument_name="SEM", mode="self", start=start, end=start + timedelta(hours=2))
    facts.update(confidential=False, outside_region=False)
    from_sme = fees.quote(rate=rate("large", "self", large_company="1.3"), **facts)
    assert (
        from_sme["lines"][0]["amount_jpy"] == 26_000
        and from_sme["lines"][0]["multipliers"][0]["kind"] == "large_company"
    )
    own = fees.quote(rate=fees.CategoryRate(17_000, "hour"), **facts)
    assert own["lines"][0]["amount_jpy"] == 34_000 and own["lines"][0]["multipliers"] == []


@pytest.mark.parametrize(
    "prefecture, region, outside",
    [("東京都", {"北海道"}, True), ("北海道", {"北海道"}, False), ("", {"北海道"}, False), ("東京都", set(), False)],
)
def test_a_company_is_outside_the_region_only_with_a_prefecture_and_a_region_that_lacks_it(prefecture, region, outside):
    assert fees.is_outside(prefecture, region) is outside


def category(**roles):
    asked = []
    roles = {"staff_of": (), "researcher_of": (), "company_size": None, **roles}
    fellows = roles.pop("fellows", set())
    found = user_category_from_roles(institution_id=1, fellow_members=lambda: asked.append(1) or fellows, **roles)
    return found, bool(asked)


def test_user_category_from_roles():
    assert category(staff_of={1}) == ("internal", False)
    assert category(researcher_of={1}) == ("internal", False)
    assert category(researcher_of={2}, fellows={1, 2}) == ("academic", True)
    assert category(researcher_of={3}, fellows={1, 2}) == (None, True)
    assert category(company_size="sme") == ("sme", False)  # fellow members are not even asked for
    assert category(company_size="large") == ("large", False)
    assert category(researcher_of={3}, fellows={1, 2}, company_size="large") == ("large", True)


def test_the_decision_deadline_is_the_limit_after_the_request_or_a_day_before_the_start_if_sooner():
    asked = datetime(2026, 4, 6, 1, tzinfo=UTC)
    later = asked + timedelta(days=10)
    assert rules.decision_deadline(requested_at=asked, start=later, decision_limit_hours=72) == asked + timedelta(
        hours=72
    )
    in_three_days = asked + timedelta(hours=80)  # the limit (72 h) would leave 8 h: a day before the start wins
    assert rules.decision_deadline(requested_at=asked, start=in_three_days, decision_limit_hours=72) == (
        asked + timedelta(hours=56)
    )


def test_a_request_for_soon_is_decided_halfway_to_its_start_never_at_the_start():
    asked = datetime(2026, 4, 6, 1, tzinfo=UTC)
    soon = asked + timedelta(hours=5)  # the old rule gave the start itself: no time left to prepare
    assert rules.decision_deadline(requested_at=asked, start=soon, decision_limit_hours=72) == asked + timedelta(
        minutes=150
    )


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))


@given(
    asked=moments,
    ahead=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=400)),
    limit=st.integers(min_value=1, max_value=8760),
)
def test_a_request_is_never_born_expired_and_never_decided_at_its_start(asked, ahead, limit):
    start = asked + ahead
    deadline = rules.decision_deadline(requested_at=asked, start=start, decision_limit_hours=limit)
    assert asked < deadline < start
    assert deadline <= asked + timedelta(hours=limit)  # staff never get longer than the instrument's limit
    margin = rules.decision_margin(ahead)  # the requester keeps time to prepare: a day, or about half the time left
    assert margin == rules.DECISION_MARGIN or ahead / 2 - timedelta(minutes=1) < margin <= ahead / 2
    assert deadline == min(asked + timedelta(hours=limit), start - margin)


@given(
    asked=moments,
    ahead=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=30)),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
)
def test_a_later_start_never_brings_the_deadline_forward(asked, ahead, later):
    first = rules.decision_deadline(requested_at=asked, start=asked + ahead, decision_limit_hours=72)
    second = rules.decision_deadline(requested_at=asked, start=asked + ahead + later, decision_limit_hours=72)
    assert first <= second


def test_a_first_answer_is_recorded_with_its_business_days():
    asked = datetime(2026, 4, 3, 1, tzinfo=UTC)  # a Friday in Tokyo
    answered = datetime(2026, 4, 6, 2, tzinfo=UTC)  # the Monday after
    assert first_answer_fields(asked, answered) == {"first_answered_at": answered, "response_business_days": 1}
    assert first_answer_fields(asked, answered, with_response_time=True)["response_time"] == answered - asked


# --- rules.sequence_after is what the services produce -------------------------------------------------------------


@pytest.fixture
def drive(world, day):
    """A request of company_a on the SEM at 10:00–12:00, and the staff who decide on it."""

    def request():
        return services.request_booking(
            actor=world.user_a, instrument=world.sem, start=at(day, 10), end=at(day, 12), mode="assisted"
        )

    return SimpleNamespace(request=request, staff=world.staff_a, requester=world.user_a, after=at(day, 13))


def _reach(drive, path: str) -> Booking:
    booking = drive.request()
    staff, after = drive.staff, drive.after
    steps = {
        "pending": [],
        "approved": [lambda b: services.approve(actor=staff, booking=b)],
        "rejected": [lambda b: services.reject(actor=staff, booking=b, reason="調整中")],
        "expired": [lambda b: services.expire_overdue(now=b.expires_at + timedelta(minutes=1))],
        "cancelled": [lambda b: services.cancel(actor=drive.requester, booking=b)],
        "approved, cancelled": [
            lambda b: services.approve(actor=staff, booking=b),
            lambda b: services.cancel(actor=drive.requester, booking=b),
        ],
        "completed": [
            lambda b: services.approve(actor=staff, booking=b),
            lambda b: services.complete(actor=staff, booking=b, actual_start=b.start, actual_end=b.end, now=after),
        ],
        "no_show": [
            lambda b: services.approve(actor=staff, booking=b),
            lambda b: services.mark_no_show(actor=staff, booking=b, now=after),
        ],
    }[path]
    for step in steps:
        step(booking)
        booking = Booking.objects.get(pk=booking.pk)
    return booking


@pytest.mark.parametrize(
    "path, steps",
    [
        ("pending", 0),
        ("approved", 1),
        ("rejected", 1),
        ("expired", 1),
        ("cancelled", 1),
        ("approved, cancelled", 2),
        ("completed", 2),
        ("no_show", 2),
    ],
)
def test_sequence_after_is_the_sequence_the_services_give(drive, path, steps):
    booking = _reach(drive, path)
    assert booking.status == path.split(", ")[-1]
    assert booking.sequence == steps
    assert rules.sequence_after(booking.status, approved=booking.quote_fixed_at is not None) == steps


def test_region_and_size_concern_company_bookings_at_a_company_rate_only():
    assert fees.is_company_booking("sme", company=7) and fees.is_company_booking("large", company=7)
    assert not fees.is_company_booking("academic", company=7)
    assert not fees.is_company_booking("large", company=None)
