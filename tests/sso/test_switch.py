"""Off by default: no SSO page, no pysaml2, no xmlsec1; on but incomplete: the system check says what is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error
from django.template import Context, Template

from sso.checks import saml_configuration
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/saml2/login/", "/saml2/acs/", "/saml2/metadata/", "/saml2/ls/", "/saml2/ls/post/", "/saml2/link/"]
)
def test_every_sso_page_is_404_while_sso_is_off(client, url):
    assert client.get(url).status_code == 404
    assert client.post(url, {"SAMLResponse": "x"}).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_site_starts_and_passes_its_checks_without_xmlsec1_or_pysaml2_while_sso_is_off(tmp_path):
    """`manage.py check` with no xmlsec1 on the PATH and SSO off (the default) passes, and loading the whole URL map
    has not imported pysaml2."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KYOYO_SAML", "PYTEST"))}
    env["PATH"] = str(tmp_path)  # nothing there: no xmlsec1
    script = (
        "import sys, django; from django.core.management import call_command; django.setup();"
        "call_command('check'); from django.urls import get_resolver; get_resolver().url_patterns;"
        "print('saml2 loaded' if 'saml2' in sys.modules else 'saml2 not loaded')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
    assert "saml2 not loaded" in done.stdout


def test_no_check_while_off(settings):
    settings.SAML_ENABLED = False
    assert saml_configuration() == []


def test_an_enabled_but_empty_configuration_is_refused_naming_each_variable(settings):
    settings.SAML_ENABLED = True
    settings.KYOYO_SAML = {"enabled": True, "xmlsec_binary": "/nowhere/xmlsec1"}

    problems = saml_configuration()

    assert all(isinstance(problem, Error) for problem in problems)
    text = " ".join(problem.msg for problem in problems)
    for variable in (
        "KYOYO_SAML_BASE_URL",
        "KYOYO_SAML_ENTITY_ID",
        "KYOYO_SAML_SP_KEY_FILE",
        "KYOYO_SAML_SP_CERT_FILE",
        "KYOYO_SAML_IDP_METADATA_FILE",
        "xmlsec1",
    ):
        assert variable in text


def test_unreadable_files_and_unsigned_remote_metadata_are_refused(settings, tmp_path):
    key = tmp_path / "sp.key"
    key.write_text("key")
    settings.SAML_ENABLED = True
    settings.KYOYO_SAML = {
        "enabled": True,
        "base_url": "https://kyoyo.example.jp",
        "entity_id": "https://kyoyo.example.jp/saml2/metadata/",
        "sp_key_file": str(key),
        "sp_cert_file": str(tmp_path / "missing.crt"),
        "idp_metadata_url": "https://metadata.gakunin.nii.ac.jp/gakunin-metadata.xml",
        "xmlsec_binary": "",
    }

    ids = sorted(problem.id for problem in saml_configuration())

    assert "sso.E003" in ids  # the certificate cannot be read
    assert "sso.E004" in ids  # metadata from a URL without the federation's certificate to check it
    assert "sso.E001" not in ids and "sso.E002" not in ids


@pytest.mark.django_db
def test_the_login_button_shows_only_while_sso_is_on(rf, settings):
    template = Template('{% include "sso/login_button.html" %}')
    request = rf.get("/accounts/login/")
    settings.SAML_ENABLED = False
    assert template.render(Context({"request": request, "next": "/bookings/"})).strip() == ""
    settings.SAML_ENABLED = True
    shown = template.render(Context({"request": request, "next": "/bookings/"}))
    assert 'href="/saml2/login/?next=/bookings/"' in shown
    assert "学認でログイン" in shown


@pytest.mark.django_db
def test_the_account_section_shows_only_while_sso_is_on(rf, settings):
    template = Template('{% include "sso/account_section.html" %}')
    request = rf.get("/account/")
    request.user = UserFactory()
    settings.SAML_ENABLED = False
    assert template.render(Context({"request": request})).strip() == ""
    settings.SAML_ENABLED = True
    assert 'value="link"' in template.render(Context({"request": request}))
