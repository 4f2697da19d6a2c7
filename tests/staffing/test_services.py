"""The staffing services: who may enrol and change operators, set their hours, and propose, confirm and end lending
agreements; every refusal with its code and nothing stored."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.errors import DomainError
from consortia.models import Role
from staffing import services
from staffing.models import LendingAgreement, Operator, WorkingHours
from staffing.selectors import status_of
from tests.factories import InstrumentFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db


def refused(code, call, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.as_dict()
    return caught.value


# --- operators ----------------------------------------------------------------------------------------------------


def test_the_staff_admin_enrols_a_staff_member(w):
    operator = services.enrol_operator(actor=w.admin_a, user=w.staff_a, institution=w.lender)
    assert operator.active and not operator.named_in_reports and operator.institution == w.lender


@pytest.mark.parametrize("who", ["staff_a", "admin_b", "secretariat", "company", "staff_b"])
def test_only_the_institutions_admin_enrols(w, who):
    refused(
        "not_institution_admin", services.enrol_operator, actor=getattr(w, who), user=w.staff_a, institution=w.lender
    )
    assert not Operator.objects.filter(user=w.staff_a).exists()


def test_enrolling_someone_not_staff_there_is_refused(w):
    error = refused("not_staff_member", services.enrol_operator, actor=w.admin_a, user=w.staff_b, institution=w.lender)
    assert error.field == "user"
    w.staff_a.is_active = False
    w.staff_a.save()
    refused("not_staff_member", services.enrol_operator, actor=w.admin_a, user=w.staff_a, institution=w.lender)
    assert Operator.objects.count() == 1


def test_a_person_is_an_operator_once(w):
    give_role(w.operator.user, Role.Kind.STAFF, institution=w.borrower)
    refused("already_operator", services.enrol_operator, actor=w.admin_b, user=w.operator.user, institution=w.borrower)
    assert Operator.objects.count() == 1


def test_the_admin_deactivates_and_the_operator_may_not(w):
    services.update_operator(actor=w.admin_a, operator=w.operator, active=False)
    w.operator.refresh_from_db()
    assert not w.operator.active
    refused("not_institution_admin", services.update_operator, actor=w.operator.user, operator=w.operator, active=True)
    refused("not_institution_admin", services.update_operator, actor=w.admin_b, operator=w.operator, active=True)
    w.operator.refresh_from_db()
    assert not w.operator.active


def test_consent_is_the_operators_own_or_their_admins(w):
    services.update_operator(actor=w.operator.user, operator=w.operator, named_in_reports=True)
    w.operator.refresh_from_db()
    assert w.operator.named_in_reports
    services.update_operator(actor=w.admin_a, operator=w.operator, named_in_reports=False)
    for who in (w.staff_a, w.admin_b, w.secretariat):
        refused(
            "not_operator_or_admin", services.update_operator, actor=who, operator=w.operator, named_in_reports=True
        )
    w.operator.refresh_from_db()
    assert not w.operator.named_in_reports


def test_update_refuses_other_fields_and_non_booleans(w):
    refused("unknown_field", services.update_operator, actor=w.admin_a, operator=w.operator, institution=w.borrower)
    refused("invalid", services.update_operator, actor=w.admin_a, operator=w.operator, active="no")
    w.operator.refresh_from_db()
    assert w.operator.active and w.operator.institution == w.lender


def test_update_acts_on_the_row_as_it_is_now(w):
    stale = Operator.objects.get(pk=w.operator.pk)
    services.update_operator(actor=w.operator.user, operator=w.operator, named_in_reports=True)
    services.update_operator(actor=w.admin_a, operator=stale, active=False)
    w.operator.refresh_from_db()
    assert w.operator.named_in_reports and not w.operator.active


# --- working hours ------------------------------------------------------------------------------------------------

LUNCH = [(0, time(9), time(12)), (0, time(13), time(17)), (2, time(10), time(15))]


@pytest.mark.parametrize("who", ["operator", "admin"])
def test_the_operator_or_their_admin_replace_the_pattern(w, who):
    actor = w.operator.user if who == "operator" else w.admin_a
    services.set_working_hours(actor=actor, operator=w.operator, pattern=LUNCH)
    saved = list(WorkingHours.objects.filter(operator=w.operator).values_list("weekday", "starts", "ends"))
    assert saved == LUNCH


def test_touching_stretches_may_stand_and_an_empty_pattern_is_allowed(w):
    services.set_working_hours(
        actor=w.admin_a, operator=w.operator, pattern=[(1, time(9), time(12)), (1, time(12), time(13))]
    )
    assert WorkingHours.objects.filter(operator=w.operator).count() == 2
    services.set_working_hours(actor=w.admin_a, operator=w.operator, pattern=[])
    assert not WorkingHours.objects.filter(operator=w.operator).exists()


@pytest.mark.parametrize(
    "pattern, code, index",
    [
        ([(0, time(9), time(12)), (0, time(11), time(14))], "stretches_overlap", 1),
        ([(3, time(13), time(17)), (3, time(9), time(13, 1))], "stretches_overlap", 0),
        ([(0, time(12), time(12))], "stretch_not_in_order", 0),
        ([(0, time(9), time(10)), (1, time(18), time(8))], "stretch_not_in_order", 1),
        ([(7, time(9), time(10))], "bad_weekday", 0),
        ([(-1, time(9), time(10))], "bad_weekday", 0),
        ([(0, time(h), time(h, 30)) for h in range(7)], "too_many_stretches", 6),
    ],
)
def test_a_bad_pattern_is_refused_and_the_old_one_kept(w, pattern, code, index):
    before = list(WorkingHours.objects.filter(operator=w.operator).values_list("weekday", "starts", "ends"))
    error = refused(code, services.set_working_hours, actor=w.admin_a, operator=w.operator, pattern=pattern)
    assert error.extra["index"] == index
    after = list(WorkingHours.objects.filter(operator=w.operator).values_list("weekday", "starts", "ends"))
    assert after == before and len(before) == 5


@pytest.mark.parametrize("who", ["staff_a", "admin_b", "secretariat", "company"])
def test_others_may_not_set_the_pattern(w, who):
    refused("not_operator_or_admin", services.set_working_hours, actor=getattr(w, who), operator=w.operator, pattern=[])
    assert WorkingHours.objects.filter(operator=w.operator).count() == 5


# --- lending agreements -------------------------------------------------------------------------------------------


def terms(w, **overrides):
    today = timezone.localdate()
    fields = {
        "consortium": w.consortium,
        "lender": w.lender,
        "borrower": w.borrower,
        "operator": w.operator,
        "instruments": [w.instrument],
        "valid_from": today,
        "valid_until": today + timedelta(days=180),
        "hourly_rate_jpy": 4000,
        "note": "",
    }
    return fields | overrides


def test_proposing_confirms_the_proposers_side_and_the_other_side_confirms(w):
    agreement = services.propose_agreement(actor=w.admin_b, **terms(w))
    assert agreement.borrower_confirmed_by == w.admin_b and agreement.lender_confirmed_at is None
    assert status_of(agreement) == "awaiting_lender"
    refused("not_other_side_admin", services.confirm_agreement, actor=w.admin_b, agreement=agreement)
    agreement = services.confirm_agreement(actor=w.admin_a, agreement=agreement)
    assert agreement.confirmed and status_of(agreement) == "in_force"
    assert list(agreement.instruments.all()) == [w.instrument]
    refused("already_confirmed", services.confirm_agreement, actor=w.admin_a, agreement=agreement)


def test_a_confirmed_agreement_before_its_dates_is_not_yet_and_after_is_over(w):
    agreement = services.propose_agreement(actor=w.admin_a, **terms(w, valid_from=timezone.localdate() + timedelta(9)))
    assert status_of(agreement) == "awaiting_borrower"
    agreement = services.confirm_agreement(actor=w.admin_b, agreement=agreement)
    assert status_of(agreement) == "not_yet"
    assert status_of(agreement, agreement.valid_until + timedelta(days=1)) == "over"


@pytest.mark.parametrize("who", ["staff_a", "staff_b", "admin_x", "secretariat", "company", "operator"])
def test_only_a_sides_admin_proposes(w, who):
    actor = w.operator.user if who == "operator" else getattr(w, who)
    refused("not_institution_admin", services.propose_agreement, actor=actor, **terms(w))
    assert not LendingAgreement.objects.exists()


def test_the_proposal_checks_every_term(w):
    today = timezone.localdate()
    other_instrument = InstrumentFactory(institution=w.lender)
    stranger = InstrumentFactory(institution=w.outsider)
    cases = [
        ("same_institution", terms(w, borrower=w.lender, instruments=[w.lender_instrument])),
        ("not_member", terms(w, consortium=w.other_consortium)),
        ("operator_not_of_lender", terms(w, lender=w.borrower, borrower=w.lender, instruments=[other_instrument])),
        ("no_instruments", terms(w, instruments=[])),
        ("instrument_not_of_borrower", terms(w, instruments=[w.instrument, stranger])),
        ("dates_out_of_order", terms(w, valid_until=today - timedelta(days=1))),
        ("agreement_too_long", terms(w, valid_until=today.replace(year=today.year + 3))),
        ("agreement_over", terms(w, valid_from=today - timedelta(9), valid_until=today - timedelta(days=1))),
        ("bad_rate", terms(w, hourly_rate_jpy=0)),
        ("bad_rate", terms(w, hourly_rate_jpy=-5)),
        ("bad_rate", terms(w, hourly_rate_jpy=1_000_001)),
        ("note_too_long", terms(w, note="x" * 2001)),
    ]
    for code, fields in cases:
        refused(code, services.propose_agreement, actor=w.admin_a, **fields)
    assert not LendingAgreement.objects.exists()


def test_an_inactive_operator_is_not_lent(w):
    services.update_operator(actor=w.admin_a, operator=w.operator, active=False)
    refused("operator_inactive", services.propose_agreement, actor=w.admin_a, **terms(w))


def test_a_second_agreement_over_the_same_days_is_refused_until_the_first_ends(w):
    first = services.propose_agreement(actor=w.admin_a, **terms(w))
    refused("agreement_overlaps", services.propose_agreement, actor=w.admin_b, **terms(w, hourly_rate_jpy=5000))
    services.end_agreement(actor=w.admin_b, agreement=first)
    second = services.propose_agreement(actor=w.admin_b, **terms(w, hourly_rate_jpy=5000))
    assert second.hourly_rate_jpy == 5000 and LendingAgreement.objects.count() == 2


def test_ending_keeps_the_agreement_and_ended_is_final(w):
    agreement = services.propose_agreement(actor=w.admin_a, **terms(w))
    refused("not_institution_admin", services.end_agreement, actor=w.admin_x, agreement=agreement)
    refused("not_institution_admin", services.end_agreement, actor=w.secretariat, agreement=agreement)
    services.end_agreement(actor=w.admin_b, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.ended_by == w.admin_b and status_of(agreement) == "ended"
    refused("agreement_ended", services.end_agreement, actor=w.admin_a, agreement=agreement)
    refused("agreement_ended", services.confirm_agreement, actor=w.admin_b, agreement=agreement)


def test_confirm_acts_on_the_agreement_as_it_is_now(w):
    agreement = services.propose_agreement(actor=w.admin_a, **terms(w))
    stale = LendingAgreement.objects.get(pk=agreement.pk)
    services.end_agreement(actor=w.admin_a, agreement=agreement)
    refused("agreement_ended", services.confirm_agreement, actor=w.admin_b, agreement=stale)
    assert LendingAgreement.objects.get(pk=agreement.pk).borrower_confirmed_at is None


def test_confirm_rechecks_membership(w):
    agreement = services.propose_agreement(actor=w.admin_a, **terms(w))
    w.borrower.memberships.update(left_on=timezone.localdate() - timedelta(days=1))
    refused("not_member", services.confirm_agreement, actor=w.admin_b, agreement=agreement)
    assert LendingAgreement.objects.get(pk=agreement.pk).borrower_confirmed_at is None


def test_someone_administering_both_sides_confirms_both_by_proposing(w):
    both = UserFactory()
    give_role(both, Role.Kind.INSTITUTION_ADMIN, institution=w.lender)
    give_role(both, Role.Kind.INSTITUTION_ADMIN, institution=w.borrower)
    agreement = services.propose_agreement(actor=both, **terms(w))
    assert agreement.confirmed


def test_end_and_hours_act_on_the_row_as_it_is_now(w):
    agreement = services.propose_agreement(actor=w.admin_a, **terms(w))
    stale = LendingAgreement.objects.get(pk=agreement.pk)
    services.end_agreement(actor=w.admin_b, agreement=agreement)
    refused("agreement_ended", services.end_agreement, actor=w.admin_a, agreement=stale)
    assert LendingAgreement.objects.get(pk=agreement.pk).ended_by == w.admin_b
    stale_operator = Operator.objects.get(pk=w.operator.pk)
    services.set_working_hours(actor=w.admin_a, operator=w.operator, pattern=[(0, time(9), time(10))])
    services.set_working_hours(actor=w.admin_a, operator=stale_operator, pattern=[(1, time(9), time(10))])
    assert list(WorkingHours.objects.filter(operator=w.operator).values_list("weekday", flat=True)) == [1]


stretches = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=6),
        st.integers(min_value=0, max_value=47).map(lambda n: time(n // 2, 30 * (n % 2))),
        st.integers(min_value=0, max_value=47).map(lambda n: time(n // 2, 30 * (n % 2))),
    ),
    max_size=10,
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pattern=stretches)
def test_a_saved_weekly_pattern_never_has_overlapping_stretches_in_a_day(w, pattern):
    try:
        services.set_working_hours(actor=w.admin_a, operator=w.operator, pattern=pattern)
    except DomainError:
        pass
    saved = list(WorkingHours.objects.filter(operator=w.operator).values_list("weekday", "starts", "ends"))
    for i, (day_a, start_a, end_a) in enumerate(saved):
        assert start_a < end_a
        for day_b, start_b, end_b in saved[i + 1 :]:
            assert day_a != day_b or end_a <= start_b or end_b <= start_a
