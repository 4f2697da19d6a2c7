"""A small data set whose every figure is computed by hand in the tests (all times Tokyo).

Consortium H has institutions A and B, consortium T has B and C (B belongs to both). Each institution has one
instrument open Mon–Fri 09:00–17:00 (8 h): a1 (SEM), b1 (XRD), c1 (SEM). March and April 2026 have 21 working
days each (20 March and 29 April are public holidays): 168 h per instrument; February 2026 has 18 (144 h).
"""

from datetime import datetime, time
from types import SimpleNamespace

import pytest

from backend.tokyo import TOKYO
from bookings.models import Booking
from equipment.models import Downtime
from tests.factories import (
    CategoryFactory,
    CompanyFactory,
    ConsortiumFactory,
    InstitutionFactory,
    InstrumentFactory,
    UserFactory,
    give_role,
)

STRAIGHT = [(d, time(9), time(17)) for d in range(5)]


def t(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def quote(subtotal: int) -> dict:
    tax = subtotal // 10
    return {"lines": [], "subtotal_jpy": subtotal, "tax_rate": "0.10", "tax_jpy": tax, "total_jpy": subtotal + tax}


def make_booking(
    instrument,
    requester,
    *,
    start,
    end,
    status,
    company=None,
    category="sme",
    mode="self",
    actual=None,
    subtotal=None,
    created=None,
    decided=None,
) -> Booking:
    """A historical booking written directly (its rules were checked when it was made)."""
    booking = Booking.objects.create(
        instrument=instrument,
        requester=requester,
        company=company,
        user_category=category,
        mode=mode,
        start=start,
        end=end,
        hold_start=start,
        hold_end=end,
        status=status,
        expires_at=start,
        quote=quote(subtotal) if subtotal is not None else {},
        decided_at=decided,
        actual_start=actual[0] if actual else None,
        actual_end=actual[1] if actual else None,
    )
    if created is not None:  # created_at is auto_now_add: set the history afterwards
        Booking.objects.filter(pk=booking.pk).update(created_at=created)
    return booking


@pytest.fixture
def data(db):
    h = ConsortiumFactory(name="北海道協議会", slug="h")
    tama = ConsortiumFactory(name="TAMA協議会", slug="t")
    inst_a = InstitutionFactory(name="機関A", consortia=[h])
    inst_b = InstitutionFactory(name="機関B", consortia=[h, tama])
    inst_c = InstitutionFactory(name="機関C", consortia=[tama])
    sem = CategoryFactory(code="sem", name="走査電子顕微鏡")
    xrd = CategoryFactory(code="xrd", name="X線回折装置")
    a1 = InstrumentFactory(institution=inst_a, category=sem, name="SEM-A", weekday_hours=STRAIGHT)
    b1 = InstrumentFactory(institution=inst_b, category=xrd, name="XRD-B", weekday_hours=STRAIGHT)
    c1 = InstrumentFactory(institution=inst_c, category=sem, name="SEM-C", weekday_hours=STRAIGHT)
    sme1 = CompanyFactory(name="中小1", size="sme")
    sme2 = CompanyFactory(name="中小2", size="sme")
    large1 = CompanyFactory(name="大手1", size="large")
    user = UserFactory(username="requester")
    secretariat_h, secretariat_t = UserFactory(username="sec_h"), UserFactory(username="sec_t")
    give_role(secretariat_h, "secretariat", consortium=h)
    give_role(secretariat_t, "secretariat", consortium=tama)
    staff_b = UserFactory(username="staff_b")
    give_role(staff_b, "staff", institution=inst_b)

    # a1 loses 4 h to maintenance; b1 loses 1 h (its downtime runs past closing time).
    Downtime.objects.create(instrument=a1, start=t(3, 10, 9), end=t(3, 10, 13), title="保守")
    Downtime.objects.create(instrument=b1, start=t(3, 16, 16), end=t(3, 16, 20), title="点検")

    S = Booking.Status
    b = SimpleNamespace()
    b.sme = make_booking(
        a1,
        user,
        company=sme1,
        mode="assisted",
        start=t(3, 2, 10),
        end=t(3, 2, 12),
        status=S.COMPLETED,
        actual=(t(3, 2, 10), t(3, 2, 11, 30)),
        subtotal=9000,
        created=t(2, 20, 10),
        decided=t(2, 21, 10),
    )
    b.midnight = make_booking(
        a1,
        user,
        company=large1,
        category="large",
        mode="commissioned",
        start=t(3, 3, 22),
        end=t(3, 4, 2),
        status=S.COMPLETED,
        actual=(t(3, 3, 22), t(3, 4, 2)),
        subtotal=36000,
        created=t(2, 25, 10),
        decided=t(2, 27, 10),
    )
    b.fy_end = make_booking(
        a1,
        user,
        category="academic",
        start=t(3, 31, 20),
        end=t(4, 1, 4),
        status=S.COMPLETED,
        actual=(t(3, 31, 20), t(4, 1, 4)),
        subtotal=12000,
        created=t(3, 20, 8),
        decided=t(3, 20, 20),
    )
    b.approved = make_booking(
        b1,
        user,
        company=sme2,
        start=t(3, 5, 13),
        end=t(3, 5, 15),
        status=S.APPROVED,
        subtotal=6000,
        created=t(3, 1, 9),
        decided=t(3, 1, 15),
    )
    b.rejected = make_booking(
        b1,
        user,
        company=sme1,
        mode="assisted",
        start=t(3, 6, 10),
        end=t(3, 6, 11),
        status=S.REJECTED,
        created=t(3, 2, 9),
        decided=t(3, 2, 11),
    )
    b.cancelled = make_booking(
        b1,
        user,
        company=large1,
        category="large",
        mode="assisted",
        start=t(3, 9, 10),
        end=t(3, 9, 11),
        status=S.CANCELLED,
        created=t(3, 1, 9),
    )
    b.no_show = make_booking(
        a1,
        user,
        company=sme2,
        start=t(3, 11, 10),
        end=t(3, 11, 12),
        status=S.NO_SHOW,
        subtotal=9000,
        created=t(3, 5, 9),
        decided=t(3, 5, 12),
    )
    b.internal = make_booking(
        b1,
        user,
        category="internal",
        start=t(3, 12, 9),
        end=t(3, 12, 10),
        status=S.COMPLETED,
        actual=(t(3, 12, 9), t(3, 12, 9, 45)),
        subtotal=0,
        created=t(3, 10, 9),
        decided=t(3, 10, 10),
    )
    b.elsewhere = make_booking(
        c1,
        user,
        company=sme1,
        start=t(3, 13, 10),
        end=t(3, 13, 12),
        status=S.COMPLETED,
        actual=(t(3, 13, 10), t(3, 13, 12)),
        subtotal=8000,
        created=t(3, 1, 9),
        decided=t(3, 1, 10),
    )
    b.month_start = make_booking(
        a1,
        user,
        company=sme1,
        mode="assisted",
        start=t(2, 28, 22),
        end=t(3, 1, 2),
        status=S.COMPLETED,
        actual=(t(2, 28, 22), t(3, 1, 2)),
        subtotal=18000,
        created=t(2, 20, 10),
        decided=t(2, 20, 14),
    )
    b.expired = make_booking(
        a1,
        user,
        company=sme1,
        mode="assisted",
        start=t(3, 18, 10),
        end=t(3, 18, 11),
        status=S.EXPIRED,
        created=t(3, 10, 9),
    )
    b.b_sme = make_booking(
        b1,
        user,
        company=sme1,
        start=t(3, 19, 13),
        end=t(3, 19, 16),
        status=S.COMPLETED,
        actual=(t(3, 19, 13), t(3, 19, 16)),
        subtotal=9000,
        created=t(3, 15, 9),
        decided=t(3, 15, 14),
    )
    return SimpleNamespace(**{k: v for k, v in locals().items() if k not in ("db", "S")})
