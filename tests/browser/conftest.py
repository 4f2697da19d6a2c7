"""Browser tests: Playwright for Python driving Debian's Chromium, headless, by its executable path.

Skipped (with the reason on one line of pytest's summary) where Chromium or Playwright is missing;
.ci/run installs both. Screenshots of every step, at desktop and at phone width, go to
KYOYO_SCREENSHOTS (default <project>/test-artifacts/screenshots), printed at the start of the run.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(
    os.environ.get("KYOYO_SCREENSHOTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots")
)
DESKTOP = {"width": 1280, "height": 900}
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
