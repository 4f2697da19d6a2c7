"""Something waiting for every role: at institution A (consortium hokkaido) for company A, and the same kinds of
item at institution C (consortium tama) for company B, which nobody of A's side may see."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from backend.tokyo import TOKYO
from bookings import services as booking_services
from consultations import services as consultation_services
from equipment.models import Downtime
from invoices import services as invoice_services
from tests.bookings.conftest import at, working_day
from tests.factories import InstrumentFactory, RateFactory, UserFactory, give_role, make_operator
from tests.invoices.conftest import REGISTRATION, completed


def rated(instrument):
    for category, amount in (("sme", 4500), ("large", 9000), ("academic", 3000), ("internal", 0)):
        for mode in ("self", "assisted", "commissioned"):
            RateFactory(instrument=instrument, user_category=category, mode=mode, amount_jpy=amount)
    return instrument


def last_month() -> date:
    first = timezone.localdate().replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


class Side:
    """One side's items: a proposal to answer, a request to decide, a downtime over an approved booking, an
    approved booking that ended without recorded use, a use whose report is overdue, an invoice, a consultation."""

    def __init__(
        self, *, instrument, staff, requester, company, consortium, tag: str, hours: int = 9, day_offset: int = 0
    ):
        o = day_offset
        day, later = working_day(14 + 7 * o), working_day(17 + 7 * o)
        self.pending = booking_services.request_booking(
            actor=requester, instrument=instrument, start=at(day, hours), end=at(day, hours + 1), mode="assisted"
        )
        self.proposed = booking_services.request_booking(
            actor=requester, instrument=instrument, start=at(day, 13), end=at(day, 14), mode="assisted"
        )
        booking_services.propose(actor=staff, booking=self.proposed, start=at(day, 15), end=at(day, 16))
        self.approved = booking_services.request_booking(
            actor=requester, instrument=instrument, start=at(later, 10), end=at(later, 11), mode="assisted"
        )
        booking_services.approve(actor=staff, booking=self.approved)
        self.downtime = Downtime.objects.create(
            instrument=instrument, start=at(later, 9), end=at(later, 12), title=f"保守{tag}"
        )
        past = timezone.localdate() - timedelta(days=3 + o)
        self.unrecorded = completed(
            instrument, requester=requester, company=company, day=past, start=time(10), minutes=60, status="approved"
        )
        self.overdue = completed(
            instrument,
            requester=requester,
            company=company,
            day=timezone.localdate() - timedelta(days=60 + o),
            start=time(10),
            minutes=60,
        )
        month = last_month()
        self.billed = completed(
            instrument,
            requester=requester,
            company=company,
            day=month + timedelta(days=9 + o % 15),
            start=time(10),
            minutes=60,
        )
        institution = instrument.institution
        institution.registration_number = REGISTRATION
        institution.save()
        issued = invoice_services.issue_invoices(actor=staff, institution=institution, month=month)
        self.invoice = issued[0] if issued else None  # one per company and month: a second side adds none
        self.consultation = consultation_services.submit_consultation(
            actor=requester, title=f"相談{tag}", description="樹脂の破断面を観察したい", consortium=consortium
        )


@pytest.fixture
def sides(world):
    rated(world.sem)
    icp = rated(InstrumentFactory(institution=world.inst_c, name="ICP質量分析装置"))
    staff_c = UserFactory(username="staff_c")
    give_role(staff_c, "staff", institution=world.inst_c)
    make_operator([icp], user=staff_c)  # approval reserves an operator for an assisted booking (docs/operators.md)

    coordinator = UserFactory(username="coordinator")
    give_role(coordinator, "coordinator", consortium=world.hokkaido)
    coordinator_tama = UserFactory(username="coordinator_tama")
    give_role(coordinator_tama, "coordinator", consortium=world.tama)
    secretariat_tama = UserFactory(username="secretariat_tama")
    give_role(secretariat_tama, "secretariat", consortium=world.tama)
    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    a = Side(
        instrument=world.sem,
        staff=world.staff_a,
        requester=world.user_a,
        company=world.company_a,
        consortium=world.hokkaido,
        tag="A",
    )
    b = Side(
        instrument=icp,
        staff=staff_c,
        requester=world.user_b,
        company=world.company_b,
        consortium=world.tama,
        tag="B",
        hours=10,
    )
    return SimpleNamespace(**{k: v for k, v in locals().items() if k != "world"})


def tokyo(*args) -> datetime:
    return datetime(*args, tzinfo=TOKYO)
