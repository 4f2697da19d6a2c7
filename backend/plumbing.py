"""Small helpers the services of every app share."""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from .errors import DomainError

logger = logging.getLogger(__name__)
T = TypeVar("T")
_UNFINISHED = object()


def user_or_none(actor):
    """The actor to record on a row: a saved user, or None for the system (tasks, seeding)."""
    return actor if getattr(actor, "pk", None) else None


def require_aware(**values: datetime) -> None:
    """Refuse a missing or naive datetime (one without a UTC offset), naming the field."""
    for field, value in values.items():
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise DomainError(
                "naive_datetime",
                "日時はタイムゾーン付き(ISO 8601、例: 2026-11-24T10:00+09:00)で指定してください。 "
                "(Give datetimes in ISO 8601 with a UTC offset.)",
                field=field,
            )


def require_order(start: datetime, end: datetime, *, field: str = "end") -> None:
    if end <= start:
        raise DomainError(
            "end_before_start", "終了は開始より後にしてください。 (End must be after start.)", field=field
        )


def atomic_confirmed(work: Callable[[], T], *, committed: Callable[[T], bool]) -> T:
    """Run `work()` in a transaction and return what it returned, even when the connection is lost during the COMMIT.

    A COMMIT whose answer never arrived may have been done or not, and only the database knows: `committed(result)`
    asks it on a new connection, and if the change is there the result is returned as if nothing had happened (the
    caller answers success, from what `work` returned; after-commit hooks did not run, so their work is left to
    whatever drains it). Otherwise, and when the connection was lost before the COMMIT, the error goes on: nothing
    was stored. Inside a caller's transaction nothing commits here and `work` runs in a savepoint."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return work()
    result = _UNFINISHED
    try:
        with transaction.atomic():
            result = work()
    except (OperationalError, InterfaceError) as error:
        if result is _UNFINISHED or not _confirmed(committed, result):
            raise
        logger.warning("the connection was lost while committing, and the change was committed: %s", error)
    return result


def _confirmed(committed: Callable, result) -> bool:
    try:
        connection.close_if_unusable_or_obsolete()  # a lost connection is dropped; the query below opens a new one
        return bool(committed(result))
    except DatabaseError as exc:
        logger.warning("could not tell whether a lost COMMIT was done: %s", exc)
        return False
