"""The fee quote of a booking: pure arithmetic on a rate (no ORM)."""

from datetime import datetime
from decimal import ROUND_DOWN, Decimal

CONSUMPTION_TAX_RATE = Decimal("0.10")  # 消費税 10%, computed once on the subtotal, rounded down


def yen(amount: Decimal) -> int:
    return int(amount.quantize(Decimal("1"), rounding=ROUND_DOWN))


def build_quote(*, rate_amount: int | None, rate_unit: str | None, start: datetime, end: datetime,
                label: str, samples: int = 1) -> dict:  # fmt: skip
    """{"lines": [{"label", "amount_jpy"}], "subtotal_jpy", "tax_jpy", "total_jpy", "tax_rate"}.

    Without a rate the quote is empty and flagged `rate_missing`, so staff see it must be priced.
    """
    lines = []
    if rate_amount is not None:
        if rate_unit == "sample":
            amount = Decimal(rate_amount) * samples
            lines.append({"label": f"{label} {samples}検体 × {rate_amount:,}円", "amount_jpy": yen(amount)})
        else:
            minutes = Decimal(int((end - start).total_seconds() // 60))
            hours = minutes / 60
            amount = Decimal(rate_amount) * hours
            hours_text = f"{hours.normalize():f}"
            lines.append({"label": f"{label} {hours_text}時間 × {rate_amount:,}円", "amount_jpy": yen(amount)})
    subtotal = sum(line["amount_jpy"] for line in lines)
    tax = yen(Decimal(subtotal) * CONSUMPTION_TAX_RATE)
    return {
        "lines": lines,
        "subtotal_jpy": subtotal,
        "tax_rate": str(CONSUMPTION_TAX_RATE),
        "tax_jpy": tax,
        "total_jpy": subtotal + tax,
        "rate_missing": rate_amount is None,
    }
