"""What the browser is told to enforce: a Content-Security-Policy and a Permissions-Policy on every response, and
uploaded files served so that no browser runs or sniffs them."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from backend.headers import PAGE_POLICY, PERMISSIONS_POLICY, USER_FILE_POLICY
from equipment import services
from tests.equipment.helpers import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

PROJECT = Path(django_settings.BASE_DIR)


# --- Every response -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["/", "/accounts/login/", "/api/v1/instruments/", "/api/docs/", "/api/schema/", "/no-such-page/", "/healthz"],
)
def test_pages_and_the_api_carry_the_content_security_policy_and_permissions_policy(client, world, url):
    response = client.get(url)
    assert response.status_code in (200, 404), url
    assert response["Content-Security-Policy"] == PAGE_POLICY
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_the_browsable_api_may_style_inline_but_runs_no_inline_script(client, world):
    response = client.get("/api/v1/instruments/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy
    assert client.get("/api/v1/instruments/")["Content-Security-Policy"] == PAGE_POLICY  # JSON: the strict one


def test_the_policy_allows_scripts_and_styles_from_this_site_only():
    directives = dict(d.strip().split(" ", 1) for d in PAGE_POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in PAGE_POLICY and "http" not in PAGE_POLICY
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "camera=(self)" in PERMISSIONS_POLICY and "microphone=()" in PERMISSIONS_POLICY


def test_swagger_ui_loads_only_this_sites_files_and_no_inline_script(client):
    html = client.get("/api/docs/").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]*\b(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/") for src in sources), sources
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and "<style" not in html
    script = next(src for src in sources if "script" in src)
    response = client.get(script)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


TEMPLATE_DIRS = [
    p for p in PROJECT.glob("*/templates") if p.is_dir() and not any(part.startswith(".") for part in p.parts)
]


def templates():
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_no_template_has_an_inline_script_handler_or_style_the_policy_would_refuse():
    assert len(templates()) > 30
    offences = []
    for path in templates():
        text = path.read_text()
        for tag in re.findall(r"<[a-zA-Z][^>]*>", text):
            if re.match(r"<script\b", tag) and "src=" not in tag:
                offences.append((path.name, tag))
            if re.search(r"\s(on[a-z]+|style)\s*=", tag) or "javascript:" in tag:
                offences.append((path.name, tag))
        if "<style" in text:
            offences.append((path.name, "<style>"))
    assert offences == []


# --- Uploaded files -------------------------------------------------------------------------------
@pytest.fixture
def manual_and_photo(world):
    manual = services.upload_manual(
        actor=world.staff_a, instrument=world.sem, upload=upload("m.pdf", pdf_bytes()), title="手順書", version="1"
    )
    photo = services.upload_photo(actor=world.staff_a, instrument=world.sem, upload=upload("p.png", image_bytes("PNG")))
    return manual, photo


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_manual_is_a_sandboxed_download_never_sniffed(client, manual_and_photo):
    manual, _ = manual_and_photo
    response = client.get(manual.file.url)
    assert response.status_code == 200 and body(response) == manual.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment"  # the page's link names it: download="手順書 v1.pdf"
    assert response["Content-Security-Policy"] == USER_FILE_POLICY == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_photo_is_shown_but_sandboxed(client, manual_and_photo):
    _, photo = manual_and_photo
    for url in (photo.image.url, photo.thumbnail.url):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline;")
        assert response["Content-Security-Policy"] == USER_FILE_POLICY
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_instrument_page_names_the_manual_download(client, manual_and_photo, world):
    html = client.get(f"/instruments/{world.sem.pk}/").content.decode()
    assert 'download="手順書 v1.pdf"' in html


def test_a_file_of_any_other_type_is_bytes_to_download(client, settings):
    planted = Path(settings.MEDIA_ROOT) / "photos" / "1" / "page.html"
    planted.parent.mkdir(parents=True)
    planted.write_text("<script>alert(document.cookie)</script>")
    response = client.get("/media/photos/1/page.html")
    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["Content-Security-Policy"] == USER_FILE_POLICY


def test_report_files_are_not_served_by_their_address(client, settings):
    # reports/ hold a consortium's figures; the API serves them to those who may read them
    report = Path(settings.MEDIA_ROOT) / "reports" / "5b1f0c3e-0000-4000-8000-000000000000" / "report.csv"
    report.parent.mkdir(parents=True)
    report.write_text("institution,revenue\n")
    assert client.get("/media/reports/5b1f0c3e-0000-4000-8000-000000000000/report.csv").status_code == 404


@pytest.mark.parametrize(
    "url", ["/media/photos/../../manage.py", "/media/photos/%2e%2e/%2e%2e/manage.py", "/media/photos/", "/media/x.png"]
)
def test_nothing_outside_the_upload_folders_is_served(client, settings, url):
    (Path(settings.MEDIA_ROOT) / "photos").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "x.png").write_bytes(image_bytes("PNG"))
    assert client.get(url).status_code == 404
