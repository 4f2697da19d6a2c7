"""Granting a qualification tells staff nothing about who has an account: a name that is nobody's and the name of
someone they may not qualify get one and the same answer, on the staff page and through the API."""

import pytest
from django.urls import reverse

from backend.errors import DomainError
from equipment import services
from equipment.models import Qualification
from tests.equipment.helpers import errors_next_to
from tests.factories import CompanyFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def not_qualifiable(world):
    """Accounts that exist but that staff of institution A may not qualify on its SEM."""
    inactive = UserFactory(username="gone", email="gone@example.jp", is_active=False)
    give_role(inactive, "company_member", company=world.company_a)
    outsider = UserFactory(username="tama-staff", email="tama-staff@example.jp")
    give_role(outsider, "staff", institution=world.inst_c)  # inst_c shares no consortium with A
    return {
        "no role": UserFactory(username="plain", email="plain@example.jp"),
        "secretariat": world.secretariat,
        "staff of an institution sharing no consortium": outsider,
        "site operator": UserFactory(username="root", email="root@example.jp", is_superuser=True, is_staff=True),
        "inactive company user": inactive,
    }


def names_of(user) -> list[str]:
    return [user.username, user.email]


def test_the_page_answers_alike_for_nobody_and_for_someone_who_may_not_be_qualified(world, client, not_qualifiable):
    client.force_login(world.staff_a)
    url = reverse("staff-instrument-qualifications", args=[world.sem.pk])

    def answer(name):
        response = client.post(url, {"user": name})
        return response.status_code, errors_next_to(response.content, "id_user")

    nobody = answer("nobody")
    assert nobody[0] == 400 and "見つかりません" in nobody[1]
    assert answer("nobody@example.jp") == nobody
    for user in not_qualifiable.values():
        for name in names_of(user):
            assert answer(name) == nobody, name
    assert not Qualification.objects.exclude(user__in=[world.staff_a, world.staff_b]).exists()  # theirs: operators


def test_the_api_answers_alike_for_nobody_and_for_someone_who_may_not_be_qualified(world, client_for, not_qualifiable):
    client = client_for(world.staff_a)
    url = f"/api/v1/instruments/{world.sem.id}/qualifications/"

    def answer(name):
        response = client.post(url, {"user": name}, format="json")
        return response.status_code, response.data

    nobody = answer("nobody")
    assert nobody[0] == 400 and nobody[1]["field"] == "user" and nobody[1]["code"] == "unknown_user"
    for user in not_qualifiable.values():
        for name in names_of(user):
            assert answer(name) == nobody, name
    assert not Qualification.objects.exclude(user__in=[world.staff_a, world.staff_b]).exists()  # theirs: operators


@pytest.mark.parametrize(
    "who", ["company user", "researcher of a fellow member", "staff of the institution", "staff of a fellow member"]
)
def test_staff_qualify_whoever_may_book_the_instrument(world, client_for, who):
    user = UserFactory(username="holder", email="holder@example.jp")
    if who == "company user":
        give_role(user, "company_member", company=CompanyFactory())
    elif who == "researcher of a fellow member":
        give_role(user, "researcher", institution=world.inst_b)  # inst_b shares the Hokkaido consortium with A
    elif who == "staff of the institution":
        give_role(user, "staff", institution=world.inst_a)
    else:  # an operator another member institution may lend it (docs/operators.md)
        give_role(user, "staff", institution=world.inst_b)
    url = f"/api/v1/instruments/{world.sem.id}/qualifications/"
    response = client_for(world.staff_a).post(url, {"user": "HOLDER@example.jp"}, format="json")
    assert response.status_code == 201 and response.data["user"] == "holder"


def test_the_service_refuses_a_user_it_may_not_qualify_as_if_nobody(world, not_qualifiable):
    for user in not_qualifiable.values():
        with pytest.raises(DomainError) as excinfo:
            services.grant_qualification(actor=world.staff_a, instrument=world.sem, user=user)
        assert (excinfo.value.code, excinfo.value.field) == ("unknown_user", "user")
    assert not Qualification.objects.exclude(user__in=[world.staff_a, world.staff_b]).exists()  # theirs: operators
