"""Consortia, institutions, companies and login through the API, with each refusal shown."""

import pytest

from consortia.models import Company, Role
from tests.factories import UserFactory, valid_corporate_number

pytestmark = pytest.mark.django_db


def test_token_login_gives_a_token_that_authenticates(world, api):
    response = api.post("/api/v1/auth/token/", {"username": "company_a", "password": "pw"}, format="json")
    assert response.status_code == 200 and response.data["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200 and me.data["username"] == "company_a"
    assert me.data["roles"]["admin_of"] == [world.company_a.id]


def test_wrong_password_gets_no_token(world, api):
    response = api.post("/api/v1/auth/token/", {"username": "company_a", "password": "nope"}, format="json")
    assert response.status_code == 400 and "token" not in response.data


def test_password_guessing_on_the_token_endpoint_is_throttled(world, api, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": ""}  # the lockout: tests/accounts
    codes = [
        api.post("/api/v1/auth/token/", {"username": "company_a", "password": f"guess{n}"}, format="json").status_code
        for n in range(21)
    ]
    assert codes[:20] == [400] * 20 and codes[20] == 429


def test_consortia_list_their_current_member_institutions(world, api):
    data = api.get(f"/api/v1/consortia/{world.tama.id}/").data
    assert sorted(i["name"] for i in data["institutions"]) == sorted([world.inst_b.name, world.inst_c.name])


def test_an_institution_in_two_consortia_is_listed_under_both(world, api):
    for consortium in (world.hokkaido, world.tama):
        ids = [row["id"] for row in api.get("/api/v1/institutions/", {"consortium": consortium.id}).data["results"]]
        assert world.inst_b.id in ids
    assert api.get("/api/v1/institutions/", {"consortium": "x"}).status_code == 400


def test_only_the_consortiums_secretariat_edits_it(world, client_for):
    url = f"/api/v1/consortia/{world.hokkaido.id}/"
    assert client_for(world.secretariat).patch(url, {"region": "北海道全域"}, format="json").status_code == 200
    for other in (world.staff_a, world.user_a):
        assert client_for(other).patch(url, {"region": "乗っ取り"}, format="json").status_code == 403
    tama = f"/api/v1/consortia/{world.tama.id}/"
    assert client_for(world.secretariat).patch(tama, {"region": "乗っ取り"}, format="json").status_code == 403
    world.hokkaido.refresh_from_db()
    assert world.hokkaido.region == "北海道全域"


def test_company_users_see_only_their_own_company(world, client_for, api):
    assert [c["name"] for c in client_for(world.user_a).get("/api/v1/companies/").data["results"]] == [
        "札幌精密株式会社"
    ]
    assert client_for(world.user_a).get(f"/api/v1/companies/{world.company_b.id}/").status_code == 404
    assert client_for(world.staff_a).get("/api/v1/companies/").data["count"] == 0
    assert api.get("/api/v1/companies/").status_code in (401, 403)


def test_only_a_company_admin_edits_the_company(world, client_for):
    url = f"/api/v1/companies/{world.company_b.id}/"
    assert client_for(world.user_b).patch(url, {"industry": "化学"}, format="json").status_code == 403  # member only
    url_a = f"/api/v1/companies/{world.company_a.id}/"
    assert client_for(world.user_a).patch(url_a, {"industry": "精密機械"}, format="json").status_code == 200
    refused = client_for(world.user_a).patch(url_a, {"corporate_number": valid_corporate_number(5)}, format="json")
    assert refused.status_code == 400 and "corporate_number" in refused.data


def test_registering_a_company_files_a_registration_and_creates_no_company(world, client_for):
    """A company comes to be only by its consortium's approval (tests/registrations covers the whole path)."""
    user = UserFactory()
    body = {
        "name": "株式会社北見センサー",
        "corporate_number": valid_corporate_number(460101012345),
        "size": "sme",
        "prefecture": "北海道",
        "address": "北見市1-1",
        "billing_name": "経理部",
        "billing_email": "keiri@kitami.example.jp",
        "consortium": world.hokkaido.id,
    }
    response = client_for(user).post("/api/v1/companies/", body, format="json")
    assert response.status_code == 202, response.data
    assert response.data["kind"] == "registration" and response.data["registration"]["status"] == "pending"
    assert not Company.objects.filter(corporate_number=body["corporate_number"]).exists()
    assert not Role.objects.filter(user=user).exists()


@pytest.mark.parametrize("number", ["1234567890123", "123", "abcdefghijklm", "１２３４５６７８９０１２３"])
def test_a_bad_corporate_number_is_400_and_nothing_is_stored(db, client_for, number):
    body = {"name": "株式会社誤入力", "corporate_number": number, "size": "sme"}
    response = client_for(UserFactory()).post("/api/v1/companies/", body, format="json")
    assert response.status_code == 400 and "corporate_number" in response.data
    assert not Company.objects.exists() and not Role.objects.exists()


def test_me_updates_language_but_not_username(world, client_for):
    client = client_for(world.user_a)
    response = client.patch("/api/v1/me/", {"language": "en", "username": "root"}, format="json")
    assert (
        response.status_code == 200 and response.data["language"] == "en" and response.data["username"] == "company_a"
    )
    assert client.patch("/api/v1/me/", {"language": "fr"}, format="json").status_code == 400


def test_schema_and_docs_are_served(db, api):
    assert api.get("/api/schema/").status_code == 200
    assert api.get("/api/docs/").status_code == 200
