"""Browser tests: Playwright for Python driving Debian's Chromium, headless, by its executable path.

Skipped (with the reason on one line of pytest's summary) where Chromium or Playwright is missing;
.ci/run installs both. Screenshots of every step, at desktop and at phone width, go to
KYOYO_SCREENSHOTS (default <project>/test-artifacts/screenshots), printed at the start of the run.
Journeys run in both languages: `log_in(..., language="en")` sets the user's own language, so the pages are
in it from the first one; screenshots go to a folder per test and language (the parameter is in the test's name).
Every page opened by log_in is watched: a Content-Security-Policy violation or an uncaught script error on it
fails the test (no_violations).
"""

import copy
import io
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(
    os.environ.get("KYOYO_SCREENSHOTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots")
)
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "kyoyo-browser"
FACTORY_PASSWORD = "pw"  # tests.factories.UserFactory
PHONE = {"width": 360, "height": 740}

try:
    import playwright.sync_api  # noqa: F401

    PLAYWRIGHT = True
except ImportError:
    PLAYWRIGHT = False

missing = (
    "the Playwright package is not installed (pip install -r requirements-test.txt)"
    if not PLAYWRIGHT
    else "Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)"
    if not CHROMIUM
    else ""
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {missing}"))


def pytest_report_header(config):
    return f"browser tests: {'skipped, ' + missing if missing else f'Chromium {CHROMIUM}'}; screenshots: {SCREENSHOTS}"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django test code around it is plain
    # synchronous ORM use, which Django would otherwise refuse inside a running loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def shoot(request):
    """shoot(page, name): a screenshot at desktop width and one at phone width, and at phone width
    the page must not scroll sideways."""
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, name: str) -> None:
        number = next(counter)
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=str(folder / f"{number:02d}-{name}-desktop.png"), full_page=True)
        page.set_viewport_size(PHONE)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=str(folder / f"{number:02d}-{name}-phone.png"), full_page=True)
        page.set_viewport_size(DESKTOP)
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px at 360px"

    print(f"\nscreenshots: {folder}")
    return take


# The demo data as seed_demo left it, once per test process and Tokyo day: the database's pages (SQLite's backup
# API), the media files it wrote and the e-mails it sent. seed_demo takes a good part of a minute on a busy CI
# machine and a dozen browser tests want it; copying its result back is exact (the same rows, ids, files and
# sequences) and takes well under a second. Its dates are relative to Tokyo's today, so a new day seeds afresh.
_SEEDED: dict = {}


def _seed_demo(media_root: Path, keep: Path) -> None:
    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from consortia.models import User

    today = timezone.localdate()
    if connection.vendor != "sqlite" or User.objects.exists():  # PostgreSQL, or a test that made users first:
        call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())  # seed as ever, on top of them
        return
    connection.ensure_connection()
    if _SEEDED.get("day") == today:
        _SEEDED["database"].backup(connection.connection)
        shutil.copytree(_SEEDED["media"], media_root, dirs_exist_ok=True)
        mail.outbox.extend(copy.deepcopy(_SEEDED["mail"]))
        return
    sent_before = len(mail.outbox)
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    database = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(database)
    keep.mkdir(parents=True, exist_ok=True)
    if media_root.exists():
        shutil.copytree(media_root, keep, dirs_exist_ok=True)
    _SEEDED.update(day=today, database=database, media=keep, mail=copy.deepcopy(mail.outbox[sent_before:]))


@pytest.fixture
def demo(browser, settings, tmp_path_factory):  # after `browser`: Playwright's sync API switches greenlets
    """The demo data (seed_demo), every demo user with DEMO_PASSWORD."""
    _seed_demo(Path(settings.MEDIA_ROOT), tmp_path_factory.getbasetemp() / "demo-media")


# What the pages of the running test reported: Content-Security-Policy violations and uncaught script errors.
VIOLATIONS: list[str] = []
# Chromium also logs a violation itself ("Refused to … Content Security Policy …"); the event catches every kind.
_REPORT_VIOLATIONS = (
    "document.addEventListener('securitypolicyviolation', e => "
    "console.error('CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline')))"
)


def watch(page) -> list[str]:
    """Record the page's policy violations and script errors in VIOLATIONS from now on."""

    def console(message):
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            VIOLATIONS.append(f"{page.url}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: VIOLATIONS.append(f"{page.url}: script error: {error}"))
    page.add_init_script(_REPORT_VIOLATIONS)
    return VIOLATIONS


@pytest.fixture(autouse=True)
def no_violations():
    """No page a browser test opened reported a Content-Security-Policy violation or a script error."""
    VIOLATIONS.clear()
    yield
    assert VIOLATIONS == [], "\n".join(VIOLATIONS)


LOCALES = {"ja": "ja-JP", "en": "en-US"}


def log_in(
    browser, live_server, username: str, *, password: str = DEMO_PASSWORD, locale: str = "ja-JP", language: str = ""
):
    """A page of a new browser context (downloads allowed) logged in as `username`, on the home page; watched.
    With `language`, the user's own setting (which wins over the browser's) is set to it first, and the browser
    asks for it too."""
    if language:
        from consortia.models import User

        User.objects.filter(username=username).update(language=language)
        locale = LOCALES[language]
    context = browser.new_context(viewport=DESKTOP, locale=locale, accept_downloads=True)
    page = context.new_page()
    watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/", wait_until="domcontentloaded")
    if language:
        page.wait_for_selector(f"html[lang={language}]")
    return page
