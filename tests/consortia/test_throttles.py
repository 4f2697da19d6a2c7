"""Password guessing on the token endpoint: limits that hold across worker processes, spoofed X-Forwarded-For
headers and many addresses aimed at one account; the client address they count by; where the count lives."""

import os
import runpy
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

from backend.addresses import client_address
from backend.throttling import account_key, address_key

TOKEN = "/api/v1/auth/token/"


# The account lockout (accounts.adapter, 10 failures) would answer first; these tests are of the throttles beneath it,
# which it leaves in place (tests/accounts/test_login.py tests the lockout).
NO_LOCKOUT = {"KYOYO_LOGIN_LOCKOUT_FAILURES": "1000", "KYOYO_LOGIN_ADDRESS_FAILURES": "1000"}


@pytest.fixture(autouse=True)
def _no_lockout(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "1000/15m/ip,1000/15m/key"}


def guess(api, n: int, *, username="company_a", **extra) -> int:
    return api.post(TOKEN, {"username": username, "password": f"guess{n}"}, format="json", **extra).status_code


@pytest.mark.django_db
def test_a_new_x_forwarded_for_on_each_guess_does_not_reset_the_count(world, api):
    codes = [guess(api, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(21)]
    assert codes[:20] == [400] * 20 and codes[20] == 429


@pytest.mark.django_db
def test_behind_one_proxy_the_client_cannot_choose_its_address_by_prepending_to_the_header(world, api, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    codes = [guess(api, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7") for n in range(21)]
    assert codes[:20] == [400] * 20 and codes[20] == 429
    assert guess(api, 99, HTTP_X_FORWARDED_FOR="198.51.100.8") == 400  # another client behind the same proxy


@pytest.mark.django_db
def test_many_addresses_guessing_at_one_account_are_refused(world, api):
    codes = [guess(api, n, REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}") for n in range(30)]
    assert codes == [400] * 30
    assert guess(api, 30, REMOTE_ADDR="10.9.9.9") == 429
    assert guess(api, 31, username="COMPANY_A", REMOTE_ADDR="10.9.9.10") == 429  # one account whatever the case
    assert guess(api, 32, username="company_b", REMOTE_ADDR="10.9.9.11") == 400  # other accounts are not locked


@pytest.mark.django_db
def test_a_throttled_account_gets_no_token_even_for_the_right_password(world, api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token_username": "2/hour"},
    }
    assert [guess(api, n, REMOTE_ADDR=f"10.0.0.{n + 1}") for n in range(3)] == [400, 400, 429]
    refused = api.post(TOKEN, {"username": "company_a", "password": "pw"}, format="json", REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429 and "token" not in refused.data and refused["Retry-After"]


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_process_continues_the_first_ones_count(api):
    """gunicorn runs several processes: the count must be in a cache they share, not in each one's memory."""
    assert [guess(api, n) for n in range(20)] == [400] * 20
    other_process = subprocess.run(
        [sys.executable, "-c", SECOND_WORKER],
        cwd=Path(django_settings.BASE_DIR),
        env={**os.environ, **NO_LOCKOUT, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "backend.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert other_process.returncode == 0, other_process.stderr
    assert other_process.stdout.split()[-1] == "429"


SECOND_WORKER = """
import django
django.setup()
from django.test import Client
answer = Client().post("/api/v1/auth/token/", {"username": "company_a", "password": "guess20"},
                       content_type="application/json")
print(answer.status_code)
"""


def _database_url() -> str:
    """The test database, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# --- The client address ----------------------------------------------------------------------------------------


def request(remote="192.0.2.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(forwarded="203.0.113.9")) == "192.0.2.1"


@pytest.mark.parametrize(
    "proxies, forwarded, client",
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry is left of ours
        (2, "6.6.6.6, 203.0.113.9, 198.51.100.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the first proxy was skipped
        (1, "2001:db8::1", "2001:db8::1"),
        (1, None, "192.0.2.1"),  # not through the proxy
        (1, "not-an-address", "192.0.2.1"),
    ],
)
def test_behind_n_proxies_the_nth_forwarded_address_from_the_right_is_the_client(settings, proxies, forwarded, client):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request(forwarded=forwarded)) == client


def test_an_ipv6_client_is_counted_by_its_64_network_and_a_name_by_its_folded_form():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.1") == address_key("192.0.2.1") == "192.0.2.1"
    assert account_key(" Ｔａｎａｋａ ") == account_key("TANAKA") == "tanaka"
    assert account_key(["tanaka"]) is None and account_key("  ") is None


# --- Configuration -------------------------------------------------------------------------------------------


def settings_with(monkeypatch, **environ) -> dict:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(django_settings.BASE_DIR) / "backend" / "settings.py"))


def test_the_cache_is_shared_by_processes_by_default_and_redis_when_configured(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert settings_with(monkeypatch)["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    redis = settings_with(monkeypatch, CACHE_URL="redis://127.0.0.1:6379/4")["CACHES"]["default"]
    assert redis == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/4"}
    with pytest.raises(ImproperlyConfigured):
        settings_with(monkeypatch, CACHE_URL="locmem://")


def test_drf_counts_proxies_as_the_client_address_helper_does(monkeypatch):
    configured = settings_with(monkeypatch, TRUSTED_PROXY_COUNT="2")
    assert configured["TRUSTED_PROXY_COUNT"] == configured["REST_FRAMEWORK"]["NUM_PROXIES"] == 2
    with pytest.raises(ImproperlyConfigured):
        settings_with(monkeypatch, TRUSTED_PROXY_COUNT="-1")
