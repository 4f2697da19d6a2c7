"""A month of completed use to invoice: October 2025 at institution A, with a fee policy.

Completed bookings of a past month cannot be made through the services (they refuse the past), so they are
written as the services would have left them: priced by `bookings.pricing` (the policy applies) and fixed.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from backend.tokyo import TOKYO
from bookings.models import Booking
from bookings.pricing import quote_for
from consortia.models import FeePolicy
from equipment.models import Rate

MONTH = date(2025, 10, 1)
REGISTRATION = "T8000020130001"


def completed(
    instrument,
    *,
    requester,
    company,
    day: date,
    start: time,
    minutes: int,
    mode="assisted",
    confidential=False,
    consumables=(),
    user_category=None,
    status="completed",
) -> Booking:
    begin = datetime.combine(day, start, tzinfo=TOKYO)
    end = begin + timedelta(minutes=minutes)
    category = user_category or company.size
    quote = quote_for(
        instrument,
        user_category=category,
        mode=mode,
        start=begin,
        end=end,
        confidential=confidential,
        company=company,
        consumables=list(consumables),
    )
    return Booking.objects.create(
        instrument=instrument,
        requester=requester,
        company=company,
        user_category=category,
        start=begin,
        end=end,
        hold_start=begin,
        hold_end=end,
        mode=mode,
        confidential=confidential,
        status=status,
        quote=quote,
        consumables=list(consumables),
        quote_fixed_at=begin - timedelta(days=7),
        decided_at=begin - timedelta(days=7),
        expires_at=begin,
        actual_start=begin if status == "completed" else None,
        actual_end=end if status == "completed" else None,
    )


@pytest.fixture
def billing(world, sem):
    """Company A (SME, 北海道): three 30-minute assisted uses at 4,555/h, each 2,277 + staff 1,500 = 3,777 (tax
    377.7 → 377 per quote). Company B (large, Tokyo: outside the region): a confidential 1.5 h assisted use with
    consumables (33,096) and a 1 h self-operated use (8,882). Plus what must not be invoiced."""
    world.inst_a.registration_number = REGISTRATION
    world.inst_a.address = "北海道札幌市北区北19条西11丁目"
    world.inst_a.save()
    FeePolicy.objects.create(
        institution=world.inst_a,
        confidential_multiplier=Decimal("2"),
        outside_region_multiplier=Decimal("1.5"),
        large_company_multiplier=Decimal("1.3"),
        staff_rate_jpy=3000,
    )
    Rate.objects.filter(instrument=sem, user_category="sme").update(amount_jpy=4555)
    world.company_b.prefecture = "東京都"
    world.company_b.address = "東京都立川市"
    world.company_b.save()
    a, b = world.company_a, world.company_b
    days = [date(2025, 10, 6), date(2025, 10, 14), date(2025, 10, 31)]
    a_bookings = [completed(sem, requester=world.user_a, company=a, day=d, start=time(10), minutes=30) for d in days]
    b_big = completed(
        sem,
        requester=world.user_b,
        company=b,
        day=date(2025, 10, 8),
        start=time(10),
        minutes=90,
        confidential=True,
        consumables=[
            {"label": "液体窒素", "quantity": 3, "unit_price_jpy": 250},
            {"label": "試料台", "quantity": 1, "unit_price_jpy": 1200},
        ],
    )
    b_self = completed(
        sem, requester=world.user_b, company=b, day=date(2025, 10, 9), start=time(13), minutes=60, mode="self"
    )
    # Not invoiced for October at institution A:
    other_month = completed(sem, requester=world.user_a, company=a, day=date(2025, 11, 4), start=time(10), minutes=30)
    no_show = completed(
        sem, requester=world.user_a, company=a, day=date(2025, 10, 7), start=time(10), minutes=30, status="no_show"
    )
    elsewhere = completed(
        world.xrd, requester=world.user_a, company=a, day=date(2025, 10, 6), start=time(10), minutes=60
    )
    return SimpleNamespace(
        a=a_bookings, b_big=b_big, b_self=b_self, other_month=other_month, no_show=no_show, elsewhere=elsewhere
    )
