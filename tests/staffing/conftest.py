"""A small world for the staffing tests: one consortium with a lending and a borrowing institution, each with a
staff admin, a staff member and an instrument; an operator at the lender; another consortium with its own
secretariat; a company user."""

from types import SimpleNamespace

import pytest

from consortia.models import Role
from tests.factories import (
    CompanyFactory,
    ConsortiumFactory,
    InstitutionFactory,
    InstrumentFactory,
    UserFactory,
    give_role,
    make_operator,
)


@pytest.fixture
def w(db):
    consortium, other_consortium = ConsortiumFactory(), ConsortiumFactory()
    lender = InstitutionFactory(consortia=[consortium])
    borrower = InstitutionFactory(consortia=[consortium])
    outsider = InstitutionFactory(consortia=[other_consortium])
    lender_instrument = InstrumentFactory(institution=lender)
    instrument = InstrumentFactory(institution=borrower)
    users = SimpleNamespace(
        admin_a=UserFactory(last_name="管理", first_name="甲"),
        admin_b=UserFactory(last_name="管理", first_name="乙"),
        admin_x=UserFactory(last_name="管理", first_name="丙"),
        staff_a=UserFactory(last_name="職員", first_name="甲"),
        staff_b=UserFactory(last_name="職員", first_name="乙"),
        secretariat=UserFactory(last_name="事務局", first_name="甲"),
        other_secretariat=UserFactory(last_name="事務局", first_name="乙"),
        company=UserFactory(last_name="企業", first_name="甲"),
    )
    give_role(users.admin_a, Role.Kind.INSTITUTION_ADMIN, institution=lender)
    give_role(users.admin_b, Role.Kind.INSTITUTION_ADMIN, institution=borrower)
    give_role(users.admin_x, Role.Kind.INSTITUTION_ADMIN, institution=outsider)
    give_role(users.staff_a, Role.Kind.STAFF, institution=lender)
    give_role(users.staff_b, Role.Kind.STAFF, institution=borrower)
    give_role(users.secretariat, Role.Kind.SECRETARIAT, consortium=consortium)
    give_role(users.other_secretariat, Role.Kind.SECRETARIAT, consortium=other_consortium)
    give_role(users.company, Role.Kind.COMPANY_MEMBER, company=CompanyFactory())
    operator = make_operator([lender_instrument, instrument], institution=lender)
    return SimpleNamespace(
        consortium=consortium,
        other_consortium=other_consortium,
        lender=lender,
        borrower=borrower,
        outsider=outsider,
        lender_instrument=lender_instrument,
        instrument=instrument,
        operator=operator,
        **vars(users),
    )
