"""The fee quote of a booking: pure arithmetic (no ORM). See docs/fees.md.

A quote is one line per charge — the instrument's fee, the staff time, each consumable — then the subtotal,
消費税 and the total. Every amount is integer yen:

- each line is computed exactly (Decimal) and rounded **down** to whole yen once, at the end of the line
  (the instrument line: rate × hours or samples × every multiplier, then rounded);
- 消費税 (10%) is computed **once on the subtotal** and rounded down, never per line.

Which multipliers apply is decided by `applicable_multipliers` from plain facts (is it confidential, is the
company outside the region, is it a large company priced from the SME rate); the caller gathers the facts.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

CONSUMPTION_TAX_RATE = Decimal("0.10")  # 消費税 10%, computed once on the subtotal, rounded down
STAFF_MODES = ("assisted", "commissioned")  # 技術補助, 技術代行・依頼分析: staff time is charged


def yen(amount: Decimal) -> int:
    """Whole yen, rounded down (切り捨て)."""
    return int(amount.quantize(Decimal("1"), rounding=ROUND_DOWN))


def factor_text(factor: Decimal) -> str:
    """1.50 → '1.5', 2.00 → '2'."""
    return f"{Decimal(factor).normalize():f}"


@dataclass(frozen=True)
class Multiplier:
    name: str  # Japanese, shown on the line: 成果非公開, 地域外, 大企業
    factor: Decimal

    def as_dict(self) -> dict:
        return {"name": self.name, "factor": factor_text(self.factor)}


@dataclass(frozen=True)
class FeeTerms:
    """An institution's fee policy as the arithmetic needs it (consortia.FeePolicy; all None/1 without one)."""

    confidential: Decimal = Decimal(1)
    outside_region: Decimal = Decimal(1)
    large_company: Decimal | None = None  # None: a large company pays the instrument's large-company rate
    staff_rate_jpy: int | None = None


@dataclass(frozen=True)
class Consumable:
    label: str
    quantity: int
    unit_price_jpy: int

    def as_dict(self) -> dict:
        return {"label": self.label, "quantity": self.quantity, "unit_price_jpy": self.unit_price_jpy}


def applicable_multipliers(
    terms: FeeTerms, *, confidential: bool, outside_region: bool, large_from_sme_rate: bool
) -> list[Multiplier]:
    """The multipliers of a booking, in the order they are named on the line; a factor of 1 is left out.

    `large_from_sme_rate`: a large company priced from the SME rate (the policy sets a large-company
    multiplier and the instrument has an SME rate for the mode)."""
    found = []
    if confidential:
        found.append(Multiplier("成果非公開", terms.confidential))
    if outside_region:
        found.append(Multiplier("地域外", terms.outside_region))
    if large_from_sme_rate and terms.large_company is not None:
        found.append(Multiplier("大企業", terms.large_company))
    return [m for m in found if Decimal(m.factor) != 1]


def _minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def _time_text(minutes: int, unit_price: int) -> str:
    """'2時間 × 4,500円', '1.5時間 × …'; a length that is not a round number of hours in two decimals is
    given in minutes: '80分 × 4,500円/時間'."""
    if (minutes * 100) % 60 == 0:
        return f"{(Decimal(minutes) / 60).normalize():f}時間 × {unit_price:,}円"
    return f"{minutes}分 × {unit_price:,}円/時間"


def use_line(
    *,
    label: str,
    rate_amount: int,
    rate_unit: str,
    start: datetime,
    end: datetime,
    samples: int = 1,
    multipliers: list[Multiplier] = (),
) -> dict:
    """The instrument's fee: rate × (hours or samples) × each multiplier, exact, then rounded down once."""
    factor = Decimal(1)
    for multiplier in multipliers:
        factor *= Decimal(multiplier.factor)
    named = "".join(f" × {m.name}{factor_text(m.factor)}" for m in multipliers)
    if rate_unit == "sample":
        amount = Decimal(rate_amount) * samples * factor
        text = f"{label} {samples}検体 × {rate_amount:,}円{named}"
        quantity = {"unit": "sample", "quantity": samples}
    else:
        minutes = _minutes(start, end)
        amount = Decimal(rate_amount) * minutes * factor / 60  # the one inexact step last
        text = f"{label} {_time_text(minutes, rate_amount)}{named}"
        quantity = {"unit": "hour", "minutes": minutes}
    return {
        "kind": "use",
        "label": text,
        "amount_jpy": yen(amount),
        "unit_price_jpy": rate_amount,
        **quantity,
        "multipliers": [m.as_dict() for m in multipliers],
    }


def staff_line(*, staff_rate_jpy: int, start: datetime, end: datetime) -> dict:
    """技術職員の作業: the booking's hours at the institution's staff rate (no multiplier applies)."""
    minutes = _minutes(start, end)
    return {
        "kind": "staff",
        "label": f"技術職員 {_time_text(minutes, staff_rate_jpy)}",
        "amount_jpy": yen(Decimal(staff_rate_jpy) * minutes / 60),
        "unit_price_jpy": staff_rate_jpy,
        "unit": "hour",
        "minutes": minutes,
    }


def consumable_line(item: Consumable) -> dict:
    return {
        "kind": "consumable",
        "label": f"消耗品: {item.label} {item.quantity} × {item.unit_price_jpy:,}円",
        "amount_jpy": item.quantity * item.unit_price_jpy,
        "unit_price_jpy": item.unit_price_jpy,
        "unit": "item",
        "quantity": item.quantity,
    }


def totals(lines: list[dict]) -> dict:
    """Subtotal of the lines, 消費税 once on it (rounded down), total."""
    subtotal = sum(line["amount_jpy"] for line in lines)
    tax = yen(Decimal(subtotal) * CONSUMPTION_TAX_RATE)
    return {
        "subtotal_jpy": subtotal,
        "tax_rate": str(CONSUMPTION_TAX_RATE),
        "tax_jpy": tax,
        "total_jpy": subtotal + tax,
    }


def build_quote(
    *,
    rate_amount: int | None,
    rate_unit: str | None,
    start: datetime,
    end: datetime,
    label: str,
    samples: int = 1,
    mode: str | None = None,
    multipliers: list[Multiplier] = (),
    staff_rate_jpy: int | None = None,
    consumables: list[Consumable] = (),
) -> dict:
    """{"lines": [{"label", "amount_jpy", …}], "subtotal_jpy", "tax_jpy", "total_jpy", "tax_rate", "rate_missing"}.

    Without a rate the instrument line is missing and the quote is flagged `rate_missing`, so staff see it must
    be priced. Staff time is added for assisted and commissioned use when the institution has a staff rate.
    """
    lines = []
    if rate_amount is not None:
        lines.append(
            use_line(
                label=label,
                rate_amount=rate_amount,
                rate_unit=rate_unit or "hour",
                start=start,
                end=end,
                samples=samples,
                multipliers=list(multipliers),
            )
        )
    if staff_rate_jpy and mode in STAFF_MODES:
        lines.append(staff_line(staff_rate_jpy=staff_rate_jpy, start=start, end=end))
    lines.extend(consumable_line(item) for item in consumables)
    return {"lines": lines, **totals(lines), "rate_missing": rate_amount is None}
