"""Small helpers the services of every app share."""

from datetime import datetime

from django.utils import timezone

from .errors import DomainError

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
