"""The quote of a booking from the database: gathers the facts (rate, fee policy, region, consumables) and
hands them to the pure arithmetic of `fees`. Reads only; the services store what it returns."""

from datetime import datetime

from backend.tokyo import TOKYO
from consortia.models import Company, FeePolicy
from consortia.selectors import region_of
from equipment import selectors as equipment_selectors
from equipment.models import Instrument

from . import fees


def fee_terms_of(institution_id: int) -> fees.FeeTerms:
    """The institution's fee policy as plain terms; without a policy, the rate table as it stands."""
    policy = FeePolicy.objects.filter(institution_id=institution_id).first()
    if policy is None:
        return fees.FeeTerms()
    return fees.FeeTerms(
        confidential=policy.confidential_multiplier,
        outside_region=policy.outside_region_multiplier,
        large_company=policy.large_company_multiplier,
        staff_rate_jpy=policy.staff_rate_jpy,
    )


def consumables_of(items) -> list[fees.Consumable]:
    return [fees.Consumable(i["label"], int(i["quantity"]), int(i["unit_price_jpy"])) for i in items or []]


def is_outside_region(company: Company | None, institution_id: int, on) -> bool:
    """A company whose prefecture is in none of the prefectures of the consortia the institution belongs to.

    A company without a prefecture, or an institution whose consortia list none, is not outside."""
    if company is None or not company.prefecture:
        return False
    return fees.is_outside(company.prefecture, region_of(institution_id, on))


def quote_for(
    instrument: Instrument,
    *,
    user_category: str,
    mode: str,
    start: datetime,
    end: datetime,
    confidential: bool = False,
    company: Company | None = None,
    consumables=(),
) -> dict:
    """The quote as the institution's policy and the rate table say today (see docs/fees.md).

    Which rate a user category pays (the large-company rule included) is `fees.category_rate`. Region and
    company size concern company bookings only; 成果非公開 concerns every booking."""
    day = start.astimezone(TOKYO).date()
    terms = fee_terms_of(instrument.institution_id)
    rate = fees.category_rate(
        user_category=user_category,
        mode=mode,
        terms=terms,
        rate_of=lambda c, m: equipment_selectors.rate_for(instrument, user_category=c, mode=m, on=day),
    )
    is_company = fees.is_company_booking(user_category, company)
    return fees.quote(
        rate=rate,
        terms=terms,
        instrument_name=instrument.name,
        instrument_name_en=instrument.name_en,
        mode=mode,
        start=start,
        end=end,
        confidential=confidential,
        outside_region=is_company and is_outside_region(company, instrument.institution_id, day),
        consumables=consumables_of(consumables),
    )


def current_quote(booking) -> dict:
    """The booking's quote as the rate table and the institution's fee policy say now."""
    return quote_for(
        booking.instrument,
        user_category=booking.user_category,
        mode=booking.mode,
        start=booking.start,
        end=booking.end,
        confidential=booking.confidential,
        company=booking.company,
        consumables=booking.consumables,
    )
