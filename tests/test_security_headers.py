"""What the browser is told to enforce: a Content-Security-Policy and a Permissions-Policy on every response, and
uploaded files served so that no browser runs or sniffs them."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from backend.headers import PAGE_POLICY, PERMISSIONS_POLICY

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
