"""Who may run an instrument for others on a day (staffing.selectors.candidates_for)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consortia.models import Role
from equipment.models import Qualification
from staffing.models import LendingAgreement
from staffing.selectors import candidates_for
from tests.factories import ConsortiumFactory, InstitutionFactory, InstrumentFactory, make_operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    consortium = ConsortiumFactory()
    home = InstitutionFactory(consortia=[consortium])
    lender = InstitutionFactory(consortia=[consortium])
    instrument = InstrumentFactory(institution=home)
    own = make_operator([instrument])
    lent = make_operator([instrument], institution=lender)
    return consortium, instrument, own, lent, lender


def _agreement(world, **overrides):
    consortium, instrument, _own, lent, lender = world
    today = timezone.localdate()
    fields = {
        "consortium": consortium,
        "lender": lender,
        "borrower": instrument.institution,
        "operator": lent,
        "valid_from": today - timedelta(days=1),
        "valid_until": today + timedelta(days=30),
        "hourly_rate_jpy": 4000,
        "lender_confirmed_at": timezone.now(),
        "borrower_confirmed_at": timezone.now(),
    } | overrides
    agreement = LendingAgreement.objects.create(**fields)
    agreement.instruments.add(instrument)
    return agreement


def test_own_operators_come_first_then_operators_lent_by_an_agreement_in_force(world):
    _consortium, instrument, own, lent, _lender = world
    agreement = _agreement(world)
    found = candidates_for(instrument, timezone.localdate())
    assert [(c.operator, c.agreement) for c in found] == [(own, None), (lent, agreement)]


@pytest.mark.parametrize(
    "overrides",
    [
        {"borrower_confirmed_at": None},  # only one side confirmed
        {"lender_confirmed_at": None},
        {"ended_at": timezone.now()},
        {"valid_until": timezone.localdate() - timedelta(days=1)},  # over
        {"valid_from": timezone.localdate() + timedelta(days=1)},  # not yet
    ],
)
def test_an_agreement_not_in_force_lends_nobody(world, overrides):
    _consortium, instrument, own, _lent, _lender = world
    _agreement(world, **overrides)
    assert [c.operator for c in candidates_for(instrument, timezone.localdate())] == [own]


def test_an_operator_without_a_valid_qualification_or_staff_role_or_who_stopped_is_no_candidate(world):
    _consortium, instrument, own, lent, _lender = world
    _agreement(world)
    Qualification.objects.filter(user=own.user).update(revoked_at=timezone.now())
    Role.objects.filter(user=lent.user).delete()
    assert candidates_for(instrument, timezone.localdate()) == []
    Qualification.objects.filter(user=own.user).update(revoked_at=None)
    own.active = False
    own.save()
    assert candidates_for(instrument, timezone.localdate()) == []
