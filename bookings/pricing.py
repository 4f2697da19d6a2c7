"""The quote of a booking from the database: gathers the facts (rate, fee policy, region, consumables) and
hands them to the pure arithmetic of `fees`. Reads only; the services store what it returns."""

from datetime import datetime

from consortia.models import Company, FeePolicy
from consortia.selectors import region_of
from equipment import selectors as equipment_selectors
from equipment.models import Instrument, UsageMode, UserCategory

from . import fees, rules

MODE_NAMES = {"self": "自己操作", "assisted": "技術補助", "commissioned": "依頼分析"}


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
    region = region_of(institution_id, on)
    return bool(region) and company.prefecture not in region


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

    A large company is priced from the SME rate times the policy's large-company multiplier when the policy
    sets one and the instrument has an SME rate for the mode; otherwise from the instrument's large-company
    rate. Region and company size concern company bookings only; 成果非公開 concerns every booking."""
    day = start.astimezone(rules.TOKYO).date()
    terms = fee_terms_of(instrument.institution_id)
    rate, large_from_sme = None, False
    if user_category == UserCategory.LARGE and terms.large_company is not None:
        rate = equipment_selectors.rate_for(instrument, user_category=UserCategory.SME, mode=mode, on=day)
        large_from_sme = rate is not None
    if rate is None:
        rate = equipment_selectors.rate_for(instrument, user_category=user_category, mode=mode, on=day)
    is_company = company is not None and user_category in (UserCategory.SME, UserCategory.LARGE)
    multipliers = fees.applicable_multipliers(
        terms,
        confidential=confidential,
        outside_region=is_company and is_outside_region(company, instrument.institution_id, day),
        large_from_sme_rate=large_from_sme,
    )
    return fees.build_quote(
        rate_amount=rate.amount_jpy if rate else None,
        rate_unit=rate.unit if rate else None,
        start=start,
        end=end,
        label=f"{instrument.name} {MODE_NAMES.get(mode, UsageMode(mode).label)}",
        mode=mode,
        multipliers=multipliers,
        staff_rate_jpy=terms.staff_rate_jpy,
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
