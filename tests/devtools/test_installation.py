"""The development tools are not installed in production, and are wherever their commands or tests need them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import django; django.setup(); from django.apps import apps; print(apps.is_installed('devtools'))"


def installed(*, extra_env: dict, argv: list[str] | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "KYOYO_DEVTOOLS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "backend.settings", **extra_env})
    args = argv or [sys.executable, "-c", PROBE]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip()


def test_production_settings_do_not_install_the_development_tools():
    assert installed(extra_env={"DEBUG": "0", "SECRET_KEY": "x" * 50}) == "False"


def test_the_setting_installs_them():
    assert installed(extra_env={"KYOYO_DEVTOOLS": "1"}) == "True"


def test_manage_py_installs_them_for_their_own_commands_only():
    help_text = installed(extra_env={}, argv=[sys.executable, "manage.py", "seed_demo", "--help"])
    assert "--password" in help_text
    listing = installed(extra_env={}, argv=[sys.executable, "manage.py", "help", "--commands"]).split()
    assert "migrate" in listing and "seed_demo" not in listing and "bench" not in listing
