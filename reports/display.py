"""How a report's figures are laid out for a reader (page and PDF): long breakdowns bounded, months that have not
happened yet told apart, long lists previewed. Pure functions over the API's JSON shape; no ORM, no request.

Exports (CSV, Excel) and the API stay complete: they are the full data; only what a person scrolls through is bounded.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import ngettext

# A breakdown longer than this is shown as its most used rows, one row for the rest, and the total; all its rows
# stay one click away (a collapsed list on the page).
INLINE_ROWS = 12
TOP_ROWS = 8
# The publishable outcomes shown on the report page; the rest are on their own paged list.
OUTCOMES_PREVIEW = 5

# The figures of a row that add up across a breakdown (the others row sums them; see figures.ADDITIVE).
ADDITIVE_SHOWN = ("available_hours", "booked_hours", "used_hours", "uses", "revenue_jpy")

PAST, CURRENT, FUTURE = "past", "current", "future"


@dataclass
class Bounded:
    """A breakdown as shown: `rows` (all of them, or the most used), `others` (one row summing the rest, or None)
    and `count` (how many rows the breakdown has). The shown rows and `others` add up to the total."""

    rows: list[dict]
    others: dict | None
    count: int
    collapsed: bool = False  # a long breakdown in its own order (months): all of it, behind "show all"

    @property
    def is_bounded(self) -> bool:
        return self.others is not None


def others_row(rows: list[dict], *, label: str) -> dict:
    """One row summing `rows`' additive figures; `companies` does not add up, so it is left out (None). Utilization
    is the rest's used ÷ available hours (from the shown hours, to two decimals)."""
    row: dict = {"key": "others", "label": label, "companies": None, "utilization_rate": None}
    for name in ADDITIVE_SHOWN:
        values = [r.get(name) for r in rows]
        row[name] = None if any(v is None for v in values) else round(sum(values), 2)
    if row["available_hours"]:
        row["utilization_rate"] = round(row["used_hours"] / row["available_hours"], 4)
    return row


def bounded(rows: list[dict], *, in_order: bool = False) -> Bounded:
    """All rows when there are few; otherwise the TOP_ROWS most used (by used hours, then uses; ties keep the
    breakdown's order) and one row for the others. A breakdown whose order is its meaning (`in_order`: months) is
    not cut: when long, it is collapsed whole."""
    if len(rows) <= INLINE_ROWS:
        return Bounded(rows=rows, others=None, count=len(rows))
    if in_order:
        return Bounded(rows=rows, others=None, count=len(rows), collapsed=True)
    order = sorted(range(len(rows)), key=lambda i: (-(rows[i].get("used_hours") or 0), -(rows[i].get("uses") or 0), i))
    top = [rows[i] for i in order[:TOP_ROWS]]
    rest = [rows[i] for i in order[TOP_ROWS:]]
    label = ngettext("The other %(count)s", "The other %(count)s", len(rest)) % {"count": len(rest)}
    return Bounded(rows=top, others=others_row(rest, label=label), count=len(rows))


def month_state(key: str, now: datetime) -> str:
    """Whether a month ("2026-04") is over, under way or still to come at `now` (aware, read in its own zone:
    pass Tokyo time)."""
    this_month = f"{now.year:04d}-{now.month:02d}"
    if key < this_month:
        return PAST
    return CURRENT if key == this_month else FUTURE


def months_with_state(months: list[dict], now: datetime) -> list[dict]:
    """The by-month rows, each with `state` (past, current, future): a future month is not a 0 % month."""
    return [{**row, "state": month_state(str(row["key"]), now)} for row in months]
