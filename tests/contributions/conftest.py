"""A small world whose lent and own hours are counted by hand (all times Tokyo, October 2026).

Consortium K has institutions A (lender) and B (borrower); consortium Z has C. A's operator `lent_op` is lent to B
for B's instrument b1 at 5,000 JPY an hour; B's own operator `own_op` consented to be named, A's `shy_op` did not.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bookings.models import Assignment
from consortia.models import Role
from staffing.models import LendingAgreement
from tests.factories import (
    ConsortiumFactory,
    InstitutionFactory,
    InstrumentFactory,
    UserFactory,
    give_role,
    make_operator,
)
from tests.reports.conftest import make_booking, t


def assign(booking, operator, *, agreement=None, released=False) -> Assignment:
    return Assignment.objects.create(
        booking=booking,
        operator=operator,
        hold_start=booking.start,
        hold_end=booking.end,
        agreement=agreement,
        released_at=timezone.now() if released else None,
    )


def done(instrument, requester, start, end, *, actual=None, mode="assisted", category="sme"):
    return make_booking(
        instrument, requester, start=start, end=end, status="completed", actual=actual, mode=mode, category=category
    )


@pytest.fixture
def world(db):
    k, z = ConsortiumFactory(), ConsortiumFactory()
    a, b = InstitutionFactory(consortia=[k]), InstitutionFactory(consortia=[k])
    c = InstitutionFactory(consortia=[z])
    a1, b1, c1 = InstrumentFactory(institution=a), InstrumentFactory(institution=b), InstrumentFactory(institution=c)
    requester = UserFactory()
    shy_op = make_operator([a1], user=UserFactory(last_name="内気", first_name="静"))
    lent_op = make_operator(
        [a1, b1], institution=a, named_in_reports=True, user=UserFactory(last_name="貸出", first_name="太郎")
    )
    own_op = make_operator([b1], named_in_reports=True, user=UserFactory(last_name="自前", first_name="花子"))
    other_op = make_operator([c1], named_in_reports=True)
    agreement = LendingAgreement.objects.create(
        consortium=k,
        lender=a,
        borrower=b,
        operator=lent_op,
        valid_from=date(2026, 9, 1),
        valid_until=date(2027, 3, 31),
        hourly_rate_jpy=5000,
        lender_confirmed_at=timezone.now(),
        borrower_confirmed_at=timezone.now(),
    )
    agreement.instruments.add(b1)
    # lent_op: 3 h lent on b1 (actual 2.5 h recorded), 2 h at home on a1 (commissioned, large company)
    assign(
        done(b1, requester, t(10, 5, 10, year=2026), t(10, 5, 13), actual=(t(10, 5, 10), t(10, 5, 12, 30))),
        lent_op,
        agreement=agreement,
    )
    assign(done(a1, requester, t(10, 6, 9), t(10, 6, 11), mode="commissioned", category="large"), lent_op)
    # shy_op: 4 h on a1 (academic); a released assignment that counts nothing
    assign(done(a1, requester, t(10, 7, 9), t(10, 7, 13), category="academic"), shy_op)
    assign(done(a1, requester, t(10, 8, 9), t(10, 8, 13)), shy_op, released=True)
    # own_op: 1 h on b1, internal; a booking that was not completed counts nothing
    assign(done(b1, requester, t(10, 9, 9), t(10, 9, 10), category="internal"), own_op)
    approved = make_booking(b1, requester, start=t(10, 20, 9), end=t(10, 20, 12), status="approved", mode="assisted")
    assign(approved, own_op)
    # other consortium
    assign(done(c1, requester, t(10, 5, 9), t(10, 5, 10)), other_op)
    admin_a, admin_b, admin_c = UserFactory(), UserFactory(), UserFactory()
    give_role(admin_a, Role.Kind.INSTITUTION_ADMIN, institution=a)
    give_role(admin_b, Role.Kind.INSTITUTION_ADMIN, institution=b)
    give_role(admin_c, Role.Kind.INSTITUTION_ADMIN, institution=c)
    secretariat_k, secretariat_z = UserFactory(), UserFactory()
    give_role(secretariat_k, Role.Kind.SECRETARIAT, consortium=k)
    give_role(secretariat_z, Role.Kind.SECRETARIAT, consortium=z)
    return SimpleNamespace(**locals())
