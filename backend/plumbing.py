"""Small helpers the services of every app share."""

from datetime import datetime
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.utils import timezone

from .errors import DomainError, NotFound

M = TypeVar("M", bound=Model)


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
        raise NotFound("gone", "対象は既に削除されています。 (It no longer exists.)") from None
    return obj
