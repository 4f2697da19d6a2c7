"""Schemathesis against a live server: every operation of /api/schema/, as a company user and as institution staff,
must never answer 5xx and must answer as the schema documents (status, content type, body).

The server is the production setup in small: gunicorn on a free port of 127.0.0.1 with DEBUG=0, the demo data from
`manage.py seed_demo`, its own database (a fresh SQLite file, or a fresh PostgreSQL database beside the test
database when the suite runs on PostgreSQL), e-mail kept in memory, Celery tasks in-process. Both users run at
once, about two minutes in all; the seed is fixed, so a failure repeats. No operation is excluded: e-mail goes
nowhere and everything the fuzzing changes lives in the throwaway database."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import dj_database_url
import pytest

pytestmark = pytest.mark.schemathesis

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")


def _free_port() -> int:
    """A port nothing listens on: with a fixed one, a second run on the machine (another checkout's suite) found the
    first run's server answering /healthz, fuzzed it instead of its own code, and its own gunicorn could not start."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()
BASE = f"http://127.0.0.1:{PORT}"
USERS = ("company", "staff")
PASSWORD = "kyoyo-demo"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = 5
SEED = 20261202


def _run(args, env, timeout):
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def _fresh_database(tmp: Path):
    """The server's database URL and a function that removes it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'demo.sqlite3'}", lambda: None
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_schemathesis"
    admin = url.rsplit("/", 1)[0] + "/postgres"

    def execute(statement):
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(statement)

    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}", lambda: execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _server_environment(tmp: Path, database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "KYOYO_CELERY", "DJANGO_", "PYTEST"))
    }  # no broker: tasks run in the server's process
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SITE_URL=BASE,
        LOG_LEVEL="WARNING",
        # The demo's staff have no authenticator: waived as `make run` does, so that the staff token reaches every
        # operation; the requirement itself (403 mfa_required) is tested in tests/accounts/test_two_factor.py.
        KYOYO_MFA_WAIVED="1",
    )
    return env


def _post_json(path: str, body: dict) -> dict:
    request = urllib.request.Request(
        BASE + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _wait_until_up(server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped (is port {PORT} taken?):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # a busy machine answers late: try again
            time.sleep(0.3)
    pytest.fail(f"the server did not answer /healthz within a minute:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo site served by gunicorn on PORT; yields the log file of the server."""
    tmp = tmp_path_factory.mktemp("schemathesis")
    database_url, drop_database = _fresh_database(tmp)
    env = _server_environment(tmp, database_url)
    manage = [sys.executable, "manage.py"]
    _run([*manage, "migrate", "--noinput", "-v0"], env, 300)
    _run([*manage, "seed_demo", "--password", PASSWORD], env, 600)
    _run([*manage, "collectstatic", "--noinput", "-v0"], env, 300)  # DEBUG=0 serves pages from the manifest
    log = tmp / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            # --limit-request-line 0: the URL length limit is the proxy's; gunicorn's own (4 KB) would answer 414
            [
                sys.executable,
                "-m",
                "gunicorn",
                "backend.wsgi",
                "-b",
                f"127.0.0.1:{PORT}",
                "-w",
                "2",
                "--limit-request-line",
                "0",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(server, log)
        yield log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        drop_database()


def test_no_operation_answers_5xx_or_off_schema_for_a_company_user_or_staff(demo_server, tmp_path):
    tokens = {
        user: _post_json("/api/v1/auth/token/", {"username": user, "password": PASSWORD})["token"] for user in USERS
    }
    runs = {}
    for user, token in tokens.items():
        output = tmp_path / f"{user}.txt"
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--no-color",
            "--config-file",
            str(CONFIG),
            "run",
            f"{BASE}/api/schema/",
            "--header",
            f"Authorization: Token {token}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--workers",
            "1",
            "--seed",
            str(SEED),
            "--continue-on-failure",
            "--request-timeout",
            "60",
        ]
        with output.open("w") as out:  # each user in its own process, both at once
            runs[user] = (subprocess.Popen(command, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT), output)
    failed = []
    for user, (process, output) in runs.items():
        code = process.wait(timeout=900)
        text = output.read_text()
        print(f"--- Schemathesis as {user}: exit {code}\n{text[-1500:]}")
        if code != 0:
            failed.append(f"=== as {user} (exit {code}):\n{text[text.find('FAILURES') :][-12000:]}")
    if failed:
        server_log = demo_server.read_text()
        pytest.fail("\n".join(failed) + f"\n=== server log (tail):\n{server_log[-6000:]}")
