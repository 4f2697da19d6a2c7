"""The API of registration: POST /companies/ files a registration (or a join request) and answers 202; deciders and
registrants read /registrations/; approve and refuse are verbs of a registration."""

import pytest

from consortia.models import Company, Role
from registrations.models import CompanyRegistration, JoinRequest
from tests.factories import UserFactory, give_role

from .conftest import NUMBER, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(world):
    return {
        "corporate_number": NUMBER,
        "name": "小樽精機株式会社",
        "size": "sme",
        "prefecture": "北海道",
        "address": "小樽市色内1-1",
        "billing_name": "経理部 佐藤",
        "billing_email": "keiri@otaru-seiki.example.jp",
        "invoices_by_email": False,
        "consortium": world.hokkaido.id,
        "institution": world.inst_a.id,
    }


def test_post_companies_files_a_registration_and_answers_202(client_for, registrant, body):
    response = client_for(registrant).post("/api/v1/companies/", body, format="json")
    assert response.status_code == 202, response.data
    assert response.data["kind"] == "registration"
    registration = response.data["registration"]
    assert registration["status"] == "pending" and registration["institution"] == body["institution"]
    assert not Company.objects.filter(corporate_number=NUMBER).exists()
    assert not Role.objects.filter(user=registrant).exists()


def test_a_registered_number_files_a_join_request_that_shows_only_the_company_name(client_for, world, body):
    response = client_for(verified_user()).post(
        "/api/v1/companies/", {**body, "corporate_number": world.company_a.corporate_number}, format="json"
    )
    assert response.status_code == 202, response.data
    assert response.data["kind"] == "join_request"
    assert response.data["join_request"]["company"] == "札幌精密株式会社"
    assert set(response.data["join_request"]) == {
        "id",
        "status",
        "company",
        "user",
        "email",
        "note",
        "created_at",
        "decided_at",
        "reason",
    }
    assert Company.objects.count() == 2 and not CompanyRegistration.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"corporate_number": "1234567890123"}, "corporate_number"),
        ({"consortium": 999999}, "consortium"),
        ({"consortium": "abc"}, "consortium"),
        ({"size": "huge"}, "size"),
        ({"billing_email": "nope"}, "billing_email"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_input_is_400_naming_the_field(client_for, registrant, body, change, field):
    response = client_for(registrant).post("/api/v1/companies/", {**body, **change}, format="json")
    assert response.status_code == 400 and field in response.data
    assert not CompanyRegistration.objects.exists()


def test_an_unverified_address_is_403(client_for, world, body):
    from allauth.account.models import EmailAddress

    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client_for(user).post("/api/v1/companies/", body, format="json")
    assert response.status_code == 403 and response.data["code"] == "email_not_verified"


def test_anonymous_may_not_register(api, body):
    assert api.post("/api/v1/companies/", body, format="json").status_code == 401


def test_deciders_and_the_registrant_list_registrations_and_nobody_else(client_for, world, registrant, pending):
    for user in (world.secretariat, registrant):
        assert [r["id"] for r in client_for(user).get("/api/v1/registrations/").data["results"]] == [pending.pk]
    other = give_role(UserFactory(), "secretariat", consortium=world.tama).user
    for user in (other, world.staff_a, world.user_a):
        assert client_for(user).get("/api/v1/registrations/").data["count"] == 0
        assert client_for(user).get(f"/api/v1/registrations/{pending.pk}/").status_code == 404


def test_approve_through_the_api(client_for, world, registrant, pending):
    response = client_for(world.secretariat).post(f"/api/v1/registrations/{pending.pk}/approve/")
    assert response.status_code == 200 and response.data["status"] == "approved"
    assert response.data["decided_by"] == world.secretariat.display_name
    company = Company.objects.get(pk=response.data["company"])
    assert Role.objects.filter(user=registrant, kind="company_admin", company=company).exists()
    again = client_for(world.secretariat).post(f"/api/v1/registrations/{pending.pk}/approve/")
    assert again.status_code == 409 and again.data["code"] == "already_decided"


def test_refuse_needs_a_reason(client_for, world, pending):
    client = client_for(world.secretariat)
    assert client.post(f"/api/v1/registrations/{pending.pk}/refuse/", {}, format="json").status_code == 400
    assert client.post(f"/api/v1/registrations/{pending.pk}/refuse/", {"reason": " "}, format="json").status_code == 400
    response = client.post(f"/api/v1/registrations/{pending.pk}/refuse/", {"reason": "不備"}, format="json")
    assert response.status_code == 200 and response.data["status"] == "refused" and response.data["reason"] == "不備"


def test_the_registrant_cannot_approve_their_own(client_for, registrant, pending):
    response = client_for(registrant).post(f"/api/v1/registrations/{pending.pk}/approve/")
    assert response.status_code == 403
    assert CompanyRegistration.objects.get(pk=pending.pk).status == "pending"


def test_join_requests_through_the_api(client_for, world, body):
    user = verified_user()
    client_for(user).post("/api/v1/companies/", {**body, "corporate_number": world.company_a.corporate_number})
    join_request = JoinRequest.objects.get()
    other_admin = give_role(UserFactory(), "company_admin", company=world.company_b).user
    assert client_for(other_admin).post(f"/api/v1/join-requests/{join_request.pk}/approve/").status_code == 404
    assert client_for(user).post(f"/api/v1/join-requests/{join_request.pk}/approve/").status_code == 403
    response = client_for(world.user_a).post(f"/api/v1/join-requests/{join_request.pk}/approve/")
    assert response.status_code == 200 and response.data["status"] == "approved"
    assert Role.objects.filter(user=user, kind="company_member", company=world.company_a).exists()


def test_the_schema_documents_the_202(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/companies/"]["post"]
    assert "202" in post["responses"]
    assert "/api/v1/registrations/{id}/refuse/" in schema["paths"]
