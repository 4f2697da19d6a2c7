"""Small helpers the services of every app share."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


class WrittenFiles:
    """The files a transaction wrote (see atomic_with_files)."""

    def __init__(self):
        self._written: list = []

    def save(self, field_file, name: str, content) -> None:
        """Write `content` to the model's file field (the row is saved by the caller) and remember it."""
        field_file.save(name, content, save=False)
        self._written.append((field_file.storage, field_file.name))

    def delete(self) -> None:
        """Delete them all; one that cannot be deleted is logged, and the error that rolled back stays the one raised."""
        for storage, name in self._written:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("could not delete %s after a rollback", name)


@contextmanager
def atomic_with_files() -> Iterator[WrittenFiles]:
    """transaction.atomic() for a service that writes files: when the block rolls back (any exception leaves
    it), the files written through `files.save(...)` inside it are deleted, so no file outlives its row.

    Django runs nothing on rollback, hence the try around the block. A rollback of a caller's transaction
    after this block has ended is not seen: services are called outside any transaction by the API and the
    pages; seed_demo, the one caller inside one, leaves files only if it fails.
    """
    files = WrittenFiles()
    try:
        with transaction.atomic():
            yield files
    except BaseException:
        files.delete()
        raise
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
