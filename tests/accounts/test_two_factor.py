"""Two-factor authentication (allauth.mfa: an authenticator app and recovery codes), required of staff-side roles
and superusers before they act, on the pages and the API alike; waived for the demo by MFA_WAIVED."""

import re
import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache

from tests.factories import InstitutionFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def code_of(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def required(settings):
    settings.MFA_WAIVED = False


@pytest.fixture
def staff(db):
    user = UserFactory(username="kato")
    give_role(user, "staff", institution=InstitutionFactory())
    return user


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def log_in(client, username, password="pw"):
    return client.post("/accounts/login/", {"login": username, "password": password})


@pytest.mark.parametrize("kind", ["staff", "institution_admin", "secretariat", "coordinator", "superuser"])
def test_staff_side_roles_without_an_authenticator_are_sent_to_set_one_up(client, required, kind):
    user = UserFactory(username="kato", is_superuser=kind == "superuser")
    if kind in ("staff", "institution_admin"):
        give_role(user, kind, institution=InstitutionFactory())
    elif kind != "superuser":
        from tests.factories import ConsortiumFactory

        give_role(user, kind, consortium=ConsortiumFactory())
    client.force_login(user)
    response = client.get("/instruments/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate/?next=")


def test_meanwhile_set_up_logout_terms_and_the_language_switch_stay_open(client, required, staff):
    log_in(client, "kato")
    for url in ("/accounts/reauthenticate/", "/accounts/2fa/", "/terms/", "/privacy/"):
        assert client.get(url).status_code == 200, url
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302


def test_company_users_are_not_asked(client, required, world):
    client.force_login(world.user_a)
    assert client.get("/instruments/").status_code == 200


def test_the_api_answers_403_mfa_required(client, api, required, staff):
    client.force_login(staff)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"
    refused = api.post(TOKEN, {"username": "kato", "password": "pw"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "mfa_required"


def test_an_existing_token_is_refused_until_two_factor_is_set_up(api, required, staff):
    from consortia.services import issue_api_token

    _token, key = issue_api_token(user=staff)
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"
    with_totp(staff)
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_the_waiver_lets_them_act(client, api, staff):  # MFA_WAIVED is on in the test suite, as for the demo
    client.force_login(staff)
    assert client.get("/instruments/").status_code == 200
    assert api.post(TOKEN, {"username": "kato", "password": "pw"}, format="json").status_code == 200


def test_the_deploy_check_warns_while_waived(settings, capsys):
    from accounts.checks import mfa_not_waived

    assert [w.id for w in mfa_not_waived(None)] == ["kyoyo.W001"]
    settings.MFA_WAIVED = False
    assert mfa_not_waived(None) == []


def test_staff_enrol_an_authenticator_then_log_in_with_a_code(client, required, staff):
    log_in(client, "kato")
    # allauth asks for the password again before a change of the account's security (its default, kept)
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": "pw"})
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page).group(1)
    activated = client.post("/accounts/2fa/totp/activate/", {"code": code_of(secret)})
    assert activated.status_code == 302
    assert client.get("/instruments/").status_code == 200  # may act now
    client.post("/accounts/logout/")
    cache.clear()  # the code just used may not be used again within its window
    first = log_in(client, "kato")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/bookings/")["Location"].startswith("/accounts/login/")  # not logged in before the code
    done = client.post("/accounts/2fa/authenticate/", {"code": code_of(secret)})
    assert done.status_code == 302
    assert client.get("/instruments/").status_code == 200


def test_a_wrong_code_does_not_log_in(client, staff):
    with_totp(staff)
    log_in(client, "kato")
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client, staff):
    with_totp(staff)
    (code, *_rest) = RecoveryCodes.activate(staff).get_unused_codes()
    log_in(client, "kato")
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    log_in(client, "kato")
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_token_needs_a_current_code_of_a_user_with_two_factor(api, staff):
    secret = with_totp(staff)
    without = api.post(TOKEN, {"username": "kato", "password": "pw"}, format="json")
    assert without.status_code == 400 and without.json()["code"] == "otp_required"
    wrong = api.post(TOKEN, {"username": "kato", "password": "pw", "otp": "000000"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "otp_invalid"
    good = api.post(TOKEN, {"username": "kato", "password": "pw", "otp": code_of(secret)}, format="json")
    assert good.status_code == 200 and good.json()["token"]


def test_the_token_takes_a_recovery_code_once(api, staff):
    with_totp(staff)
    (code, *_rest) = RecoveryCodes.activate(staff).get_unused_codes()
    body = {"username": "kato", "password": "pw", "otp": code}
    assert api.post(TOKEN, body, format="json").status_code == 200
    assert api.post(TOKEN, body, format="json").json()["code"] == "otp_invalid"


def test_check_deploy_names_the_waiver(settings):
    from django.core.checks import run_checks

    assert "kyoyo.W001" in [m.id for m in run_checks(include_deployment_checks=True)]
    assert "kyoyo.W001" not in [m.id for m in run_checks(include_deployment_checks=False)]
