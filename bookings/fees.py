"""The fee quote of a booking: pure arithmetic (no ORM, no text). See docs/fees.md.

A quote is one line per charge — the instrument's fee, the staff time, each consumable — then the subtotal,
消費税 and the total. A line holds machine data only (its kind, the instrument's names and the mode, hours or
samples, unit price, multipliers by kind, amount): `bookings.quotes` writes its words in the reader's language
when it is shown, so a quote fixed at approval reads in Japanese and in English alike. Each line also keeps its
`label` in Japanese, the quote of record (what the Japanese invoice copies); no reader is shown it. Every amount is integer yen:

- each line is computed exactly (Decimal) and rounded **down** to whole yen once, at the end of the line
  (the instrument line: rate × hours or samples × every multiplier, then rounded);
- 消費税 (10%) is computed **once on the subtotal** and rounded down, never per line.

Which multipliers apply is decided by `applicable_multipliers` from plain facts (is it confidential, is the
company outside the region, is it a large company priced from the SME rate); the caller gathers the facts.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

CONSUMPTION_TAX_RATE = Decimal("0.10")  # 消費税 10%, computed once on the subtotal, rounded down
STAFF_MODES = ("assisted", "commissioned")  # 技術補助, 技術代行・依頼分析: staff time is charged


def yen(amount: Decimal) -> int:
    """Whole yen, rounded down (切り捨て)."""
    return int(amount.quantize(Decimal("1"), rounding=ROUND_DOWN))


def factor_text(factor: Decimal) -> str:
    """1.50 → '1.5', 2.00 → '2'."""
    return f"{Decimal(factor).normalize():f}"


CONFIDENTIAL, OUTSIDE_REGION, LARGE_COMPANY = "confidential", "outside_region", "large_company"


@dataclass(frozen=True)
class Multiplier:
    kind: str  # CONFIDENTIAL, OUTSIDE_REGION or LARGE_COMPANY: named on the line by bookings.quotes
    factor: Decimal

    def as_dict(self) -> dict:
        return {"kind": self.kind, "factor": factor_text(self.factor)}


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
        found.append(Multiplier(CONFIDENTIAL, terms.confidential))
    if outside_region:
        found.append(Multiplier(OUTSIDE_REGION, terms.outside_region))
    if large_from_sme_rate and terms.large_company is not None:
        found.append(Multiplier(LARGE_COMPANY, terms.large_company))
    return [m for m in found if Decimal(m.factor) != 1]


def _minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def use_line(
    *,
    instrument_name: str,
    instrument_name_en: str = "",
    mode: str,
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
    if rate_unit == "sample":
        amount = Decimal(rate_amount) * samples * factor
        quantity = {"unit": "sample", "quantity": samples}
    else:
        minutes = _minutes(start, end)
        amount = Decimal(rate_amount) * minutes * factor / 60  # the one inexact step last
        quantity = {"unit": "hour", "minutes": minutes}
    return {
        "kind": "use",
        "instrument_name": instrument_name,
        "instrument_name_en": instrument_name_en,
        "mode": mode,
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
        "amount_jpy": yen(Decimal(staff_rate_jpy) * minutes / 60),
        "unit_price_jpy": staff_rate_jpy,
        "unit": "hour",
        "minutes": minutes,
    }


def consumable_line(item: Consumable) -> dict:
    return {
        "kind": "consumable",
        "item": item.label,
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
    instrument_name: str,
    instrument_name_en: str = "",
    samples: int = 1,
    mode: str | None = None,
    multipliers: list[Multiplier] = (),
    staff_rate_jpy: int | None = None,
    consumables: list[Consumable] = (),
) -> dict:
    """{"lines": [{"kind", "amount_jpy", …}], "subtotal_jpy", "tax_jpy", "total_jpy", "tax_rate", "rate_missing"}.

    Without a rate the instrument line is missing and the quote is flagged `rate_missing`, so staff see it must
    be priced. Staff time is added for assisted and commissioned use when the institution has a staff rate.
    """
    lines = []
    if rate_amount is not None:
        lines.append(
            use_line(
                instrument_name=instrument_name,
                instrument_name_en=instrument_name_en,
                mode=mode or "",
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
    from .quotes import with_record_labels  # the words of the lines (imported here: quotes reads this module)

    return {"lines": with_record_labels(lines), **totals(lines), "rate_missing": rate_amount is None}


# --- From the facts of a booking to its quote (pricing.quote_for, the fee table and the generators) ---------------

SME, LARGE = "sme", "large"  # equipment.models.UserCategory values: this module stays free of the ORM


class RateAmount(NamedTuple):
    """A rate as `category_rate` reads it, for callers without an equipment.Rate row (which has both fields)."""

    amount_jpy: int
    unit: str


@dataclass(frozen=True)
class CategoryRate:
    """What a user category pays in a mode: the instrument's rate for the category, or for a large company priced
    from the SME rate, that rate with the fee policy's `large_company` multiplier (named on the quote's line)."""

    base_amount_jpy: int
    unit: str  # "hour" or "sample"
    large_company: Decimal | None = None

    @property
    def price_jpy(self) -> int:
        """The price per hour or sample as the fee table shows it: the multiplier applied, rounded down."""
        if self.large_company is None:
            return self.base_amount_jpy
        return yen(Decimal(self.base_amount_jpy) * Decimal(self.large_company))


def category_rate(*, user_category: str, mode: str, terms: FeeTerms, rate_of) -> CategoryRate | None:
    """The rate `user_category` pays in `mode` (None: the instrument has none). `rate_of(category, mode)` gives
    the instrument's rate in force (anything with `amount_jpy` and `unit`) or None.

    A large company pays the SME rate × the policy's large-company multiplier when the policy sets one AND the
    instrument has an SME rate for the mode; otherwise the instrument's large-company rate."""
    if user_category == LARGE and terms.large_company is not None:
        sme = rate_of(SME, mode)
        if sme is not None:
            return CategoryRate(sme.amount_jpy, sme.unit, large_company=terms.large_company)
    own = rate_of(user_category, mode)
    return None if own is None else CategoryRate(own.amount_jpy, own.unit)


def is_company_booking(user_category: str, company) -> bool:
    """Whether region and company size concern the booking: made for a company, at a company's rate."""
    return company is not None and user_category in (SME, LARGE)


def is_outside(prefecture: str, region: Collection[str]) -> bool:
    """A company in `prefecture` books outside the region (the prefectures of the institution's consortia); a
    company without a prefecture, or an institution whose consortia list none, is not outside."""
    return bool(prefecture) and bool(region) and prefecture not in region


def quote(
    *,
    rate: CategoryRate | None,
    terms: FeeTerms,
    instrument_name: str,
    mode: str,
    start: datetime,
    end: datetime,
    confidential: bool,
    instrument_name_en: str = "",
    outside_region: bool,
    consumables: list[Consumable] = (),
) -> dict:
    """A booking's quote from its facts: the category's rate (`category_rate`), the institution's terms, whether it
    is confidential and whether its company is outside the region (`is_outside`, company bookings only)."""
    multipliers = applicable_multipliers(
        terms,
        confidential=confidential,
        outside_region=outside_region,
        large_from_sme_rate=rate is not None and rate.large_company is not None,
    )
    return build_quote(
        rate_amount=rate.base_amount_jpy if rate else None,
        rate_unit=rate.unit if rate else None,
        start=start,
        end=end,
        instrument_name=instrument_name,
        instrument_name_en=instrument_name_en,
        mode=mode,
        multipliers=multipliers,
        staff_rate_jpy=terms.staff_rate_jpy,
        consumables=consumables,
    )
