"""The settings read the environment strictly, and the README's configuration table lists every variable they read.

A boolean with a typo (DEBUG=flase) or a number that is not one stops start-up with a message naming the
variable, instead of silently reading as false or failing in int() without saying where.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from backend.settings import env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "backend" / "settings.py"
README = ROOT / "README.md"

# Variables the settings look at that are not configuration, each with its reason.
NOT_CONFIGURATION = {
    "PYTEST_VERSION": "set by pytest itself, so the test suite installs the development tools",
}


# --- Parsing ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "Yes", "on", " On "])
def test_a_boolean_reads_true_from_the_usual_spellings(monkeypatch, value):
    monkeypatch.setenv("KYOYO_TEST_FLAG", value)
    assert env_bool("KYOYO_TEST_FLAG", False) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "NO", "off"])
def test_a_boolean_reads_false_from_the_usual_spellings(monkeypatch, value):
    monkeypatch.setenv("KYOYO_TEST_FLAG", value)
    assert env_bool("KYOYO_TEST_FLAG", True) is False


@pytest.mark.parametrize("default", [True, False])
def test_an_unset_or_empty_boolean_is_the_default(monkeypatch, default):
    monkeypatch.delenv("KYOYO_TEST_FLAG", raising=False)
    assert env_bool("KYOYO_TEST_FLAG", default) is default
    monkeypatch.setenv("KYOYO_TEST_FLAG", "  ")
    assert env_bool("KYOYO_TEST_FLAG", default) is default


@pytest.mark.parametrize("value", ["flase", "2", "y", "enabled", "truee"])
def test_a_boolean_with_a_typo_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("KYOYO_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match=rf"KYOYO_TEST_FLAG='{value}'"):
        env_bool("KYOYO_TEST_FLAG", False)


def test_a_number_reads_its_value_or_the_default(monkeypatch):
    monkeypatch.setenv("KYOYO_TEST_NUMBER", " 42 ")
    assert env_int("KYOYO_TEST_NUMBER", 7, minimum=0) == 42
    monkeypatch.setenv("KYOYO_TEST_NUMBER", "")
    assert env_int("KYOYO_TEST_NUMBER", 7, minimum=0) == 7
    monkeypatch.delenv("KYOYO_TEST_NUMBER")
    assert env_int("KYOYO_TEST_NUMBER", 7, minimum=0) == 7


@pytest.mark.parametrize("value", ["ten", "1.5", "30s", "1e3"])
def test_a_number_that_is_not_one_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("KYOYO_TEST_NUMBER", value)
    with pytest.raises(ImproperlyConfigured, match=r"KYOYO_TEST_NUMBER=.* is not a whole number"):
        env_int("KYOYO_TEST_NUMBER", 7)


def test_a_number_outside_its_range_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv("KYOYO_TEST_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match=r"KYOYO_TEST_NUMBER must be 0 or more"):
        env_int("KYOYO_TEST_NUMBER", 7, minimum=0)
    monkeypatch.setenv("KYOYO_TEST_NUMBER", "0")
    assert env_int("KYOYO_TEST_NUMBER", 7, minimum=0) == 0
    monkeypatch.setenv("KYOYO_TEST_NUMBER", "65536")
    with pytest.raises(ImproperlyConfigured, match=r"KYOYO_TEST_NUMBER must be 65535 or less"):
        env_int("KYOYO_TEST_NUMBER", 25, minimum=1, maximum=65535)


# --- Start-up --------------------------------------------------------------------------------------------------


def start_up(**environ: str) -> subprocess.CompletedProcess:
    """Load the settings in a new process, as `manage.py` or gunicorn would, with only `environ` configured."""
    configuration = variables_read_by_the_settings() - set(NOT_CONFIGURATION)
    env = {name: value for name, value in os.environ.items() if name not in configuration}
    env.update({"DJANGO_SETTINGS_MODULE": "backend.settings", **environ})
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "flase"),
        ("SERVE_MEDIA", "nope"),
        ("EMAIL_PORT", "25x"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("API_TOKEN_TTL_DAYS", "0"),
    ],
)
def test_a_bad_value_stops_start_up_with_the_variables_name(name, value):
    started = start_up(**{name: value})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and name in started.stderr, started.stderr


def test_good_values_start_up():
    started = start_up(DEBUG="Off", SECRET_KEY="x" * 50, EMAIL_PORT="587", TRUSTED_PROXY_COUNT="1")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "False"


# --- The README's table ----------------------------------------------------------------------------------------

ENV_READERS = {"env_bool", "env_int", "env_list"}


def variables_read_by_the_settings() -> set[str]:
    """Every name passed to os.environ.get / os.getenv / env_* or used as os.environ[...] / `in os.environ`."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = ast.unparse(node.func)
            if function in {"os.environ.get", "os.getenv"} | ENV_READERS:
                names.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(ast.literal_eval(node.slice))
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant):
            if any(ast.unparse(right) == "os.environ" for right in node.comparators):
                names.add(node.left.value)
    return names


def variables_in_the_readme() -> set[str]:
    """The names in backticks in the first column of the table under "## Configuration"."""
    section = README.read_text().split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    return names


def test_the_parser_finds_what_the_settings_read():
    found = variables_read_by_the_settings()
    # one of each way of reading: os.environ.get, env_bool, env_int, env_list, `in os.environ`
    assert {"DATABASE_URL", "DEBUG", "EMAIL_PORT", "ALLOWED_HOSTS", "PYTEST_VERSION"} <= found
    assert {"DATABASE_URL", "DEBUG", "KYOYO_DEVTOOLS"} <= variables_in_the_readme()


def test_the_readme_lists_every_variable_the_settings_read():
    missing = variables_read_by_the_settings() - variables_in_the_readme() - set(NOT_CONFIGURATION)
    assert not missing, f"add to README.md's configuration table: {sorted(missing)}"


def test_the_readme_lists_no_variable_the_settings_do_not_read():
    unknown = variables_in_the_readme() - variables_read_by_the_settings()
    assert not unknown, f"README.md's configuration table lists variables nothing reads: {sorted(unknown)}"
