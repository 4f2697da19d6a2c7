import pytest

from tests.factories import CompanyFactory, ConsortiumFactory, InstitutionFactory, UserFactory, give_role


class World:
    pass


@pytest.fixture
def w(db):
    """A consortium with a member institution, two companies; an administrator of each scope."""
    s = World()
    s.consortium, s.other_consortium = ConsortiumFactory(), ConsortiumFactory()
    s.member = InstitutionFactory(consortia=[s.consortium])
    s.outsider = InstitutionFactory(consortia=[s.other_consortium])
    s.company, s.other_company = CompanyFactory(), CompanyFactory()
    s.company_admin = UserFactory(username="cadmin", last_name="管理", first_name="花子")
    give_role(s.company_admin, "company_admin", company=s.company)
    s.other_admin = UserFactory(username="otheradmin")
    give_role(s.other_admin, "company_admin", company=s.other_company)
    s.institution_admin = UserFactory(username="iadmin")
    give_role(s.institution_admin, "institution_admin", institution=s.member)
    s.secretariat = UserFactory(username="sec")
    give_role(s.secretariat, "secretariat", consortium=s.consortium)
    s.superuser = UserFactory(username="root", is_superuser=True)
    return s
