"""Requests that fail because a service the site depends on is down: the database (the connection was lost, the
server is restarting, a lock or statement timed out) or the Celery broker.

Such a request answers 503 with a code and `Retry-After`, never a 500, and the log says once, at ERROR and with
the traceback, which service failed and how. The answer is built without the database: the 503 page is rendered
without the request's context (whose processors read the user's roles), and Django's session middleware saves
nothing on a 5xx. The API renders the same outage through backend.api.exception_handler, the pages through
OutageMiddleware.
"""

import logging
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outage:
    code: str
    service: str
    message: str  # lazy: read in the language of the request it answers
    retry_after: int = 5

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": str(self.message)}

    @property
    def headers(self) -> dict:
        return {"Retry-After": str(self.retry_after)}


DATABASE = Outage(
    "database_unavailable",
    "database",
    _("The database is unavailable; please try again in a moment."),
)
BROKER = Outage(
    "queue_unavailable",
    "broker",
    _("The task queue is unavailable; please try again in a moment."),
)


def outage_of(exc: BaseException) -> Outage | None:
    """The outage an exception reports, or None if it is not one. Django raises OperationalError for a lost
    connection, a server shutting down, a lock or statement timeout, and InterfaceError for a connection already
    closed; Celery raises kombu's OperationalError when it cannot reach the broker."""
    if isinstance(exc, OperationalError | InterfaceError):
        return DATABASE
    if isinstance(exc, BrokerError):
        return BROKER
    return None


def report(request, exc: BaseException, outage: Outage) -> None:
    """One log line naming the failed service and the fault, with its traceback (and the exceptions it chains)."""
    logger.error(
        "%s unavailable: %s %s failed with %s: %s",
        outage.service,
        request.method,
        request.path,
        type(exc).__name__,
        exc,
        exc_info=(type(exc), exc, exc.__traceback__),
    )


class OutageMiddleware:
    """Pages: an outage raised by a view becomes a 503 page (the API's views answer it themselves, in JSON)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        outage = outage_of(exc)
        if outage is None:
            return None
        report(request, exc, outage)
        # No request context: the context processors would read the user's roles from the database.
        body = render_to_string("503.html", {"outage": outage})
        return HttpResponse(body, status=503, headers=outage.headers)
