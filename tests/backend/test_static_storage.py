"""collectstatic with the production storage: every static file hashed into the manifest, vendored bundles too."""

import io
import json

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_hashes_every_file_though_a_vendored_bundle_links_a_missing_source_map(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "backend.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", "-v0", stdout=io.StringIO())
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert {"kyoyo.css", "home/menu.js", "vendor/event-calendar/event-calendar.min.js"} <= paths.keys()
