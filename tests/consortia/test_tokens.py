"""API tokens: issued by the token endpoint as before, stored as a hash, expiring, revoked by a password change,
listed and revoked by their owner only."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from consortia import services
from consortia.models import ApiToken

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"


def log_in(api, username="company_a", password="pw", **body) -> str:
    response = api.post(TOKEN, {"username": username, "password": password, **body}, format="json")
    assert response.status_code == 200, response.data
    return response.data["token"]


def with_key(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key) -> bool:
    return with_key(key).get("/api/v1/me/").status_code == 200


def expire(token):
    """As if the token had been issued its lifetime ago."""
    lifetime = token.expires_at - token.created_at
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - lifetime - timedelta(seconds=1), expires_at=timezone.now() - timedelta(seconds=1)
    )


def test_the_token_endpoint_answers_as_before_and_only_a_hash_of_the_key_is_kept(world, api):
    response = api.post(TOKEN, {"username": "company_a", "password": "pw"}, format="json")
    assert response.status_code == 200 and set(response.data) == {"token"}
    key = response.data["token"]
    assert len(key) == 40 and works(key)
    (token,) = ApiToken.objects.filter(user=world.user_a)
    assert token.prefix == key[:8] and key not in token.key_hash and token.name == "API"
    form = api.post(TOKEN, {"username": "company_a", "password": "pw"})  # form-encoded, as DRF's view took
    assert form.status_code == 200 and works(form.data["token"]) and works(key)  # a second key, the first lives


def test_a_token_expires_after_the_configured_days(world, api, settings):
    settings.API_TOKEN_TTL_DAYS = 7
    key = log_in(api)
    token = ApiToken.objects.get(user=world.user_a)
    assert token.expires_at - token.created_at == timedelta(days=7)
    expire(token)
    assert with_key(key).get("/api/v1/me/").status_code == 401
    assert APIClient().get(TOKENS).status_code == 401


def test_an_unknown_key_or_an_inactive_user_is_refused(world, api):
    key = log_in(api)
    assert with_key(key[:-1] + ("0" if key[-1] != "0" else "1")).get("/api/v1/me/").status_code == 401
    world.user_a.is_active = False
    world.user_a.save()
    assert with_key(key).get("/api/v1/me/").status_code == 401


def test_a_new_password_revokes_every_token_of_the_user_and_no_one_elses(world, api):
    first, second = log_in(api), log_in(api, name="CI")
    other = log_in(api, "company_b")
    world.user_a.set_password("Kyoyo-2026-new")
    world.user_a.save()
    assert not works(first) and not works(second) and works(other)
    assert not ApiToken.objects.filter(user=world.user_a).exists()


def test_changing_the_password_on_its_page_revokes_the_tokens(world, api, client):
    key = log_in(api)
    client.force_login(world.user_a)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "pw", "password1": "Kyoyo-2026-new", "password2": "Kyoyo-2026-new"},
    )
    assert response.status_code == 302 and not works(key)


def test_changepassword_by_the_site_operator_revokes_the_tokens(world, api, monkeypatch):
    key = log_in(api)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Kyoyo-2026-new")
    call_command("changepassword", "company_a", stdout=SimpleNamespace(write=lambda *a, **k: None))
    assert not works(key)


def test_a_password_hash_upgrade_at_log_in_revokes_nothing(world, api):
    key = log_in(api)
    world.user_a.password = make_password("pw", hasher="pbkdf2_sha256")  # not the preferred hasher (MD5 in tests)
    world.user_a.save(update_fields=["password"])
    log_in(api)  # Django re-hashes the password with the preferred hasher here
    world.user_a.refresh_from_db()
    assert world.user_a.password.startswith("md5$") and works(key)


def test_owners_list_their_tokens_with_a_prefix_never_the_key(world, api):
    key = log_in(api, name="解析スクリプト")
    log_in(api, "company_b")
    listed = with_key(key).get(TOKENS)
    assert listed.status_code == 200 and listed.data["count"] == 1
    (row,) = listed.data["results"]
    assert set(row) == {"id", "name", "prefix", "created_at", "last_used_at", "expires_at"}
    assert row["name"] == "解析スクリプト" and row["prefix"] == key[:8] and row["last_used_at"]
    assert key not in listed.content.decode()


def test_an_owner_revokes_a_token_and_nobody_else_can(world, api):
    mine, spare = log_in(api), log_in(api, name="spare")
    spare_id = ApiToken.objects.get(user=world.user_a, name="spare").id
    theirs = log_in(api, "company_b")
    their_id = ApiToken.objects.get(user=world.user_b).id
    assert with_key(mine).delete(f"{TOKENS}{their_id}/").status_code == 404  # as unknown as a missing one
    assert with_key(mine).delete(f"{TOKENS}999999/").status_code == 404
    assert with_key(mine).delete(f"{TOKENS}abc/").status_code == 404
    assert APIClient().delete(f"{TOKENS}{spare_id}/").status_code == 401
    assert works(theirs) and works(spare)
    assert with_key(mine).delete(f"{TOKENS}{spare_id}/").status_code == 204
    assert not works(spare) and works(mine)
    assert [row["id"] for row in with_key(theirs).get(TOKENS).data["results"]] == [their_id]


def test_every_role_sees_only_their_own_tokens(world, client_for):
    holders = [world.staff_a, world.staff_b, world.secretariat, world.user_a, world.user_b]
    issued = {user.pk: services.issue_api_token(user=user)[0].id for user in holders}
    for user in holders:
        rows = client_for(user).get(TOKENS).data["results"]
        assert [row["id"] for row in rows] == [issued[user.pk]]
        for other in holders:
            if other != user:
                assert client_for(user).delete(f"{TOKENS}{issued[other.pk]}/").status_code == 404
    assert ApiToken.objects.count() == len(holders)


def test_use_is_recorded_at_most_once_a_minute(world, api):
    key = log_in(api)
    client = with_key(key)
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/me/")
    assert any(q["sql"].startswith("UPDATE") for q in first.captured_queries)
    with CaptureQueriesContext(connection) as again:
        client.get("/api/v1/me/")
    assert not any(q["sql"].startswith("UPDATE") for q in again.captured_queries)
    assert ApiToken.objects.get(user=world.user_a).last_used_at is not None


def test_a_token_name_that_is_too_long_or_has_control_characters_is_refused(world, api):
    for name in ("x" * 101, "line\nbreak"):
        response = api.post(TOKEN, {"username": "company_a", "password": "pw", "name": name}, format="json")
        assert response.status_code == 400 and "name" in str(response.data)
    assert not ApiToken.objects.exists()


def test_issuing_clears_the_users_expired_tokens_and_keeps_at_most_a_hundred(world):
    old, _key = services.issue_api_token(user=world.user_a, name="old")
    expire(old)
    for n in range(services.API_TOKENS_PER_USER + 1):
        services.issue_api_token(user=world.user_a, name=f"t{n}")
    names = list(ApiToken.objects.filter(user=world.user_a).values_list("name", flat=True))
    assert len(names) == services.API_TOKENS_PER_USER and "old" not in names and "t0" not in names


def test_the_schema_documents_the_token_endpoints(db, api):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert "/api/v1/auth/tokens/" in paths and "delete" in paths["/api/v1/auth/tokens/{id}/"]
    assert "/api/v1/auth/token/" in paths


def test_drf_tokens_of_before_keep_working_and_their_plain_keys_are_deleted(world):
    """consortia/0003 adopts the plain keys DRF kept in authtoken_token (installed before this change)."""
    migration = importlib.import_module("consortia.migrations.0003_api_tokens")
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, user_id bigint, created timestamp)'
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, world.user_a.pk, "2025-04-01 09:00:00"])
    migration.adopt_drf_tokens(apps, SimpleNamespace(connection=connection))
    assert works(key)
    token = ApiToken.objects.get(user=world.user_a)
    assert token.prefix == "01234567" and token.expires_at > timezone.now() + timedelta(days=29)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
