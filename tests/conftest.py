import os
from types import SimpleNamespace

import pytest
from django.conf import global_settings, settings
from django.core.cache import cache
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from backend.catalogues import compile_catalogues
from tests.bookings.conftest import at, iso, working_day
from tests.factories import (
    CompanyFactory,
    ConsortiumFactory,
    InstitutionFactory,
    InstrumentFactory,
    RateFactory,
    UserFactory,
    give_role,
    make_operator,
)


def pytest_configure(config):
    """Tests read the compiled catalogues: compile those whose .po changed (pure Python, see backend.catalogues).
    Under pytest-xdist the controller compiles before it starts its workers, which only read them."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        compile_catalogues()


# Timing belongs to the benchmarks, not the tests: no per-example deadline, so a loaded CI machine
# cannot turn a correct property into a flaky failure.
hypothesis_settings.register_profile("kyoyo", deadline=None)
hypothesis_settings.load_profile("kyoyo")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a page requested in English leaves English active in the thread
    (Django's LocaleMiddleware does not deactivate it), which would turn a later test's messages English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploaded files of a test go to its own folder; passwords hash fast; two-factor authentication is waived (as
    for the demo) except in the tests of that requirement, which turn MFA_WAIVED off."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MFA_WAIVED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Every test starts with an empty cache, so no throttle count leaks from one test into the next. The cache is
    a table of the database (settings: CACHE_URL unset), so only a test that may use the database can have filled
    it; such a test gets its database first (as it would anyway), then the cache is cleared."""
    if request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(request.fixturenames):
        request.getfixturevalue("db")  # the test's own flavour: pytest-django reads its marker and fixtures
        cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def client_for(api):
    """An API client logged in as the given user (token-less force login)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def world(db):
    """Two consortia, an institution in both, staff of two institutions, two companies' users."""
    hokkaido = ConsortiumFactory(name="北海道協議会", slug="hokkaido")
    tama = ConsortiumFactory(name="TAMA協議会", slug="tama", prefectures=["東京都"])
    inst_a = InstitutionFactory(name="北海道立総合研究機構", consortia=[hokkaido])
    inst_b = InstitutionFactory(name="産業技術総合研究所 北海道センター", consortia=[hokkaido, tama])
    inst_c = InstitutionFactory(name="東京都立産業技術研究センター", prefecture="東京都", consortia=[tama])
    staff_a, staff_b = UserFactory(username="staff_a"), UserFactory(username="staff_b")
    give_role(staff_a, "staff", institution=inst_a)
    give_role(staff_a, "institution_admin", institution=inst_a)  # keeps its fee policy and billing details
    give_role(staff_b, "staff", institution=inst_b)
    secretariat = UserFactory(username="secretariat")
    give_role(secretariat, "secretariat", consortium=hokkaido)
    company_a, company_b = (
        CompanyFactory(name="札幌精密株式会社"),
        CompanyFactory(name="多摩化学株式会社", size="large"),
    )
    user_a, user_b = UserFactory(username="company_a"), UserFactory(username="company_b")
    give_role(user_a, "company_admin", company=company_a)
    give_role(user_b, "company_member", company=company_b)
    sem = InstrumentFactory(institution=inst_a, name="走査電子顕微鏡 JSM-IT800")
    xrd = InstrumentFactory(
        institution=inst_b,
        name="X線回折装置 SmartLab",
        model="SmartLab",
        maker="リガク",
        category__code="xrd",
        category__name="X線回折装置",
    )
    # Each instrument has an operator for its assisted and commissioned bookings (docs/operators.md): its staff.
    operator_a, operator_b = make_operator([sem], user=staff_a), make_operator([xrd], user=staff_b)
    return SimpleNamespace(**{name: value for name, value in locals().items() if name != "db"})


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in-process in tests, even when CI exports a broker for the real-worker tests; those
    are marked `real_worker` and keep the configured broker."""
    from celery._state import _set_task_join_will_block

    from backend.celery import app

    if request.node.get_closest_marker("real_worker"):
        yield
        return
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager
    # Celery guards eager calls with a process-global "joining would block" flag; eager tasks run from
    # several threads at once (the concurrency tests) can leave it set, which would then forbid a
    # real-worker test to wait for its result.
    _set_task_join_will_block(False)


# The longest modules start first (under xdist each process takes the next module as it finishes one): started
# last, the two-minute Schemathesis run and the browser journeys kept one process busy long after the other had
# run out of work.
LONGEST_FIRST = ("tests/backend/test_schemathesis.py::", "tests/browser/")


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    def rank(item) -> int:  # sort is stable: within a rank the items keep their order
        return next((n for n, start in enumerate(LONGEST_FIRST) if item.nodeid.startswith(start)), len(LONGEST_FIRST))

    items.sort(key=rank)

    if connection.vendor != "postgresql":
        skip_postgres = pytest.mark.skip(reason="needs PostgreSQL (.ci/run runs the suite on it too)")
        for item in items:
            if item.get_closest_marker("postgres_only"):
                item.add_marker(skip_postgres)
    if os.environ.get("KYOYO_CELERY_WORKER"):
        return
    skip = pytest.mark.skip(
        reason="needs a running Celery worker on a broker (.ci/run starts one on Redis when Redis answers)"
    )
    for item in items:
        if item.get_closest_marker("real_worker"):
            item.add_marker(skip)


# --- Booking fixtures, shared by every app's tests ------------------------------------------------
@pytest.fixture
def day():
    return working_day(next_too=True)


@pytest.fixture
def sem(world):
    """The SEM of institution A: Mon–Fri 9–12 and 13–17, 30-minute grid, rates for SMEs and large companies."""
    for category, amount in (("sme", 4500), ("large", 9000), ("academic", 3000), ("internal", 0)):
        for mode in ("self", "assisted", "commissioned"):
            RateFactory(instrument=world.sem, user_category=category, mode=mode, amount_jpy=amount)
    return world.sem


@pytest.fixture
def request_body(sem, day):
    return {
        "instrument": sem.id,
        "start": iso(at(day, 10)),
        "end": iso(at(day, 12)),
        "mode": "assisted",
        "purpose": "樹脂破断面の観察",
        "sample": "PP樹脂 3点",
        "confidential": False,
    }
