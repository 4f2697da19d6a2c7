"""The arithmetic of a qualified invoice (pure, no ORM).

A qualified invoice (適格請求書) states, per tax rate, the total of its lines and the tax on that total;
the tax is computed **once per rate per invoice** and rounded down to whole yen — never per line or per
booking. So an invoice's tax can be a few yen more than the sum of its bookings' quoted taxes (each of
which was rounded down on its own): the invoice is what is owed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from backend.tokyo import TOKYO
from bookings.fees import yen


@dataclass(frozen=True)
class Line:
    """An invoice line before it is written: `description` in Japanese (the record), and the facts of the charge
    (`invoices.wording.facts_of`) from which the English reference words are written."""

    booking_id: int
    used_on: date
    description: str
    amount_jpy: int
    tax_rate: Decimal
    kind: str = ""
    mode: str = ""
    unit: str = ""
    quantity: int | None = None
    unit_price_jpy: int | None = None
    multipliers: list = field(default_factory=list)
    item: str = ""


def tax_summary(lines: list[Line]) -> list[dict]:
    """[{"rate", "percent", "subtotal_jpy", "tax_jpy"}], highest rate first: the total and the tax per rate."""
    by_rate: dict[Decimal, int] = {}
    for line in lines:
        by_rate[line.tax_rate] = by_rate.get(line.tax_rate, 0) + line.amount_jpy
    return [
        {
            "rate": f"{rate:.2f}",
            "percent": int(rate * 100),
            "subtotal_jpy": subtotal,
            "tax_jpy": yen(Decimal(subtotal) * rate),
        }
        for rate, subtotal in sorted(by_rate.items(), reverse=True)
    ]


def totals(summary: list[dict]) -> tuple[int, int, int]:
    """(subtotal, tax, total) of an invoice from its per-rate summary."""
    subtotal = sum(row["subtotal_jpy"] for row in summary)
    tax = sum(row["tax_jpy"] for row in summary)
    return subtotal, tax, subtotal + tax


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[first midnight, next month's first midnight) in Asia/Tokyo."""
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=TOKYO)
    following = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    return start, datetime.combine(following, time.min, tzinfo=TOKYO)


def first_issue_day(month: date) -> date:
    """The first day a month's invoices can be issued: the 1st of the next month, once the month is over."""
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)
