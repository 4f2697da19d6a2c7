"""The product's one time zone: Asia/Tokyo, wherever a person reads a time.

Pure (no Django), so that the pure rule modules may import it too. Times are stored in UTC; pages, e-mails,
documents, workbooks and feeds' human text show them here. Aware-datetime parsing and its refusal of naive input
live beside the other input checks, in `backend.plumbing` (`parse_aware_datetime`, `require_aware`).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def in_tokyo(moment: datetime) -> datetime:
    """An aware datetime as Tokyo's wall clock (still aware)."""
    return moment.astimezone(TOKYO)
