"""A real server process for the benchmark: gunicorn serving backend.wsgi, as production runs it.

The server gets the benchmark's own process environment (so the same DATABASE_URL, CELERY_BROKER_URL, …)
plus what a measured production server has: DEBUG off (no query log growing in memory), a throwaway
secret key, no HTTPS redirect (it listens on loopback), quiet logs, the no-op endpoint switched on, no embedded
schedule, and e-mail handed to Django's dummy backend: we measure Kyoyo, not an SMTP server.
"""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the database this process is connected to (under pytest, the test database), so the server and
    the report's child process measure exactly what this process sees."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        user = quote(db.get("USER") or "", safe="")
        password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
        credentials = f"{user}{password}@" if user else ""
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}{db.get('HOST') or ''}{port}/{db['NAME']}"
    raise CommandError(f"bench knows SQLite and PostgreSQL, not {connection.vendor}")


def child_environment() -> dict[str, str]:
    """The environment of a process that must use this process's database."""
    return {**os.environ, "DATABASE_URL": database_url()}


def server_environment() -> dict[str, str]:
    env = child_environment()
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(40),
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        ALLOWED_HOSTS="127.0.0.1",
        KYOYO_BENCH_NOOP="1",
        KYOYO_SCHEDULE="0",  # no periodic tasks in the measured server (embedded mode would run them)
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL=os.environ.get("BENCH_SERVER_LOG_LEVEL", "WARNING"),
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def gunicorn(
    *,
    workers: int,
    worker_class: str = "sync",
    threads: int = 1,
    log_path: Path,
    ready_timeout: float = 60,
    env: dict[str, str] | None = None,
):
    """Start gunicorn on a free loopback port, wait until /healthz answers, yield its base URL, stop it. `env` adds to
    or overrides the server's environment."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "backend.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--backlog", "2048",
        "--timeout", "120",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        "--error-logfile", "-",
    ]  # fmt: skip  # table: an option and its value a row
    static_root = tempfile.TemporaryDirectory(prefix="kyoyo-bench-static-")
    environment = {**server_environment(), "STATIC_ROOT": static_root.name, **(env or {})}
    collect_static(environment)
    log = open(log_path, "w")  # noqa: SIM115 - closed below, after the process
    process = subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base, process, ready_timeout, log_path)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        static_root.cleanup()


def collect_static(environment: dict[str, str]) -> None:
    """collectstatic into the server's STATIC_ROOT, as a deployment does: with DEBUG off, pages name their static
    files through the manifest it writes (a page without it is a 500)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _wait_until_ready(base: str, process: subprocess.Popen, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")
