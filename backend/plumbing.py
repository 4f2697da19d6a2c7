"""Small helpers the services of every app share."""

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, NotFound
from .tokyo import TOKYO

M = TypeVar("M", bound=Model)

logger = logging.getLogger(__name__)
T = TypeVar("T")
_UNFINISHED = object()
# The moments the product takes at all, Japan time: years 2000 to 2100. Nothing it books, blocks or reports
# lies outside; beyond them a typo (0001, 9999) only overflows conversions or blocks an instrument for ages.
EARLIEST = datetime(2000, 1, 1, tzinfo=TOKYO)
LATEST = datetime(2101, 1, 1, tzinfo=TOKYO)  # exclusive
# RFC 3339 (ISO 8601 extended, the offset as ±hh:mm or Z), seconds optional, a space allowed for the T.
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?P<offset>[Zz]|[+-]\d{2}:\d{2})?",
    re.ASCII,
)

# The largest id a row can have: BigAutoField is a signed 64-bit integer on PostgreSQL and SQLite. A larger number
# in a lookup is not "no such row" to the database drivers but an error (SQLite's OverflowError, a 500).
ID_MAX = 2**63 - 1


def as_id(text) -> int | None:
    """The id that `text` spells, or None: ASCII digits only (str.isdigit() also takes "²", which int() refuses)
    and no larger than ID_MAX."""
    text = str(text).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(ID_MAX)):
        return None
    value = int(text)
    return value if value <= ID_MAX else None


def user_or_none(actor):
    """The actor to record on a row: a saved user, or None for the system (tasks, seeding)."""
    return actor if getattr(actor, "pk", None) else None


def naive_datetime_error(field: str) -> DomainError:
    """The one refusal of a datetime without a UTC offset, wherever it is given (API, pages, imports)."""
    return DomainError(
        "naive_datetime",
        _("Give the date and time with a UTC offset (ISO 8601, e.g. 2026-11-24T10:00+09:00)."),
        field=field,
    )


def require_aware(**values: datetime) -> None:
    """Refuse a missing or naive datetime (one without a UTC offset), naming the field."""
    for field, value in values.items():
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise naive_datetime_error(field)


def require_in_range(**values: datetime) -> None:
    """Refuse an aware datetime outside [EARLIEST, LATEST), naming the field."""
    for field, value in values.items():
        if not EARLIEST <= value < LATEST:
            raise DomainError(
                "datetime_out_of_range",
                _("Give a datetime between the years %(first)d and %(last)d.")
                % {"first": EARLIEST.year, "last": LATEST.year - 1},
                field=field,
            )


def parse_aware_datetime(text, *, field: str) -> datetime:
    """The one reader of datetimes given as text (API bodies and query parameters, links): RFC 3339 with an
    offset, within the years the product takes. Anything else is a DomainError naming the field, never an
    exception of the datetime module (an offset pushing year 1 or 9999 out of range overflows conversions)."""
    match = _DATETIME.fullmatch(text.strip()) if isinstance(text, str) else None
    if match and not match["offset"]:
        raise naive_datetime_error(field)
    if not match:
        raise DomainError(
            "invalid_datetime",
            _("Give an ISO 8601 datetime with a UTC offset, e.g. 2026-11-24T10:00+09:00."),
            field=field,
        )
    try:
        value = datetime.fromisoformat(match[0].upper())
    except ValueError:  # a month 13, an offset +25:00, …
        raise DomainError(
            "invalid_datetime",
            _("No such date or time."),
            field=field,
        ) from None
    require_in_range(**{field: value})
    return value


def parse_day(text, *, field: str) -> date:
    """A day given as text (YYYY-MM-DD, e.g. a page's ?day=), within the same years as parse_aware_datetime."""
    text = text.strip() if isinstance(text, str) else ""
    try:
        day = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII) else None
    except ValueError:  # 2026-02-30
        day = None
    if day is None:
        raise DomainError("invalid_date", _("Give a date as YYYY-MM-DD."), field=field)
    require_in_range(**{field: datetime.combine(day, time.min, tzinfo=TOKYO)})
    return day


def require_order(start: datetime, end: datetime, *, field: str = "end") -> None:
    if end <= start:
        raise DomainError("end_before_start", _("End must be after start."), field=field)


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


def lock_current(obj: M) -> M:
    """Bring `obj` up to date from its row and lock the row until the transaction ends; returns `obj`.

    A service decides on what the row is now, never on the caller's copy, which may have been loaded before
    another transaction committed a change (a lost update: a cancelled booking proposed back to pending).
    PostgreSQL: SELECT … FOR NO KEY UPDATE, so a concurrent verb on the row waits for this one. SQLite: no row locks,
    but every write transaction is exclusive from its start (settings: transaction_mode IMMEDIATE), so the read
    is as fresh. Call it inside the service's transaction; a row deleted meanwhile is a 404.

    NO KEY UPDATE is the lock an UPDATE that keeps the key takes anyway; unlike FOR UPDATE it lets another
    transaction insert a row referring to this one (a foreign key check takes KEY SHARE). So an expert entry
    saved with an instrument (which locks the entry, then refers to the instrument) and an edit of that instrument
    (which locks it, then rebuilds the entry's search text) cannot wait on each other in a ring.
    """
    try:
        obj.refresh_from_db(from_queryset=obj._meta.model._default_manager.select_for_update(no_key=True))
    except ObjectDoesNotExist:
        raise NotFound("gone", _("It no longer exists.")) from None
    return obj
