"""bench_seed: a small run of the bulk generator is a consistent, bookable world that stays out of other data."""

import io
from collections import defaultdict
from datetime import timedelta

import jpholiday
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from backend.periods import Period
from backend.tokyo import TOKYO
from bookings import selectors as booking_selectors
from bookings.models import Assignment, Booking, BookingEvent
from consortia.models import Company, Consortium, Institution, User
from devtools.bench import operators, seed, writer
from devtools.bench.world import span_for
from equipment.models import Instrument
from reports.selectors import utilization
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing.models import Operator
from tests.factories import CompanyFactory, ConsortiumFactory, InstitutionFactory, InstrumentFactory, UserFactory

SMALL = dict(institutions=4, instruments=12, bookings=600, companies=20)


def bench_seed(**options):
    out, err = io.StringIO(), io.StringIO()
    call_command("bench_seed", **{**SMALL, **options}, stdout=out, stderr=err)
    return out.getvalue()


def bench_bookings():
    return Booking.objects.filter(instrument_id__in=seed.bench_instrument_ids())


def snapshot() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Consortium, Institution, Company, User, Instrument, Booking, BookingEvent)
    }


@pytest.fixture
def seeded(db):
    return bench_seed()


def test_a_small_run_writes_the_sizes_asked_for(seeded):
    assert seed.bench_consortia().count() == 2
    assert len(seed.bench_institution_ids()) == 4
    assert len(seed.bench_instrument_ids()) == 12
    assert len(seed.bench_company_ids()) == 20
    assert bench_bookings().count() == 600
    assert BookingEvent.objects.filter(action="request").count() == 600
    decided = bench_bookings().filter(decided_at__isnull=False).count()
    assert BookingEvent.objects.filter(action__in=["approve", "reject"]).count() == decided
    assert "bookings" in seeded and "Seconds per phase" in seeded


def test_bench_instruments_are_open_to_any_company_user(seeded):
    instruments = Instrument.objects.filter(id__in=seed.bench_instrument_ids())
    assert set(instruments.values_list("status", flat=True)) == {"active"}
    assert not instruments.filter(requires_qualification=True).exists()
    assert not instruments.filter(horizon_days__lt=180).exists()
    assert not instruments.filter(lead_time_hours__gt=24).exists()
    assert not Company.objects.filter(id__in=seed.bench_company_ids(), monthly_quota_hours__isnull=False).exists()


def test_the_bench_issues_working_tokens_of_company_users_and_of_staff(seeded):
    from rest_framework.test import APIClient

    from devtools.bench import subjects

    cast = subjects.cast(clients=4)
    assert len(cast.tokens) == 4
    for key, roles in [*((key, "member_of") for key in cast.tokens), (cast.staff_token, "staff_of")]:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        me = api.get("/api/v1/me/")
        assert me.status_code == 200 and me.data["roles"][roles]


def test_no_two_holding_bookings_of_an_instrument_overlap_buffers_included(seeded):
    holds = defaultdict(list)
    for instrument_id, start, end in (
        bench_bookings().filter(status__in=Booking.HOLDING).values_list("instrument_id", "hold_start", "hold_end")
    ):
        holds[instrument_id].append((start, end))
    assert holds, "the future has holding bookings"
    for intervals in holds.values():
        intervals.sort()
        for (_s1, e1), (s2, _e2) in zip(intervals, intervals[1:]):
            assert e1 <= s2
    assert writer.overlapping_holds() == 0


def test_every_booking_lies_in_opening_hours_on_a_working_day(seeded):
    hours = defaultdict(list)
    for instrument in Instrument.objects.filter(id__in=seed.bench_instrument_ids()).prefetch_related("opening_hours"):
        for h in instrument.opening_hours.all():
            hours[instrument.id, h.weekday].append((h.opens, h.closes))
    now = timezone.now()
    uids = set()
    for b in bench_bookings():
        start, end = b.start.astimezone(TOKYO), b.end.astimezone(TOKYO)
        hold_start, hold_end = b.hold_start.astimezone(TOKYO), b.hold_end.astimezone(TOKYO)
        assert start.weekday() < 5 and not jpholiday.is_holiday(start.date())
        assert hold_start.date() == hold_end.date() == start.date()
        assert any(o <= hold_start.time() and hold_end.time() <= c for o, c in hours[b.instrument_id, start.weekday()])
        assert hold_start <= start < end <= hold_end
        assert b.created_at < b.start and b.expires_at <= b.start
        assert (b.status in Booking.HOLDING) == (b.end > now) or b.start <= now < b.end
        if b.status == "completed":
            assert b.actual_start < b.actual_end and b.decided_at and b.quote_fixed_at
            assert b.quote["tax_jpy"] == b.quote["subtotal_jpy"] // 10
            assert b.quote["total_jpy"] == b.quote["subtotal_jpy"] + b.quote["tax_jpy"]
        uids.add(b.uid)
    assert len(uids) == 600


def test_a_second_run_refuses_and_writes_nothing(seeded):
    before = snapshot()
    with pytest.raises(CommandError, match="--replace"):
        bench_seed(seed=7)
    assert snapshot() == before


def test_replace_deletes_the_old_bench_data_and_nothing_else(db):
    other = ConsortiumFactory(slug="tama", name="TAMA協議会")
    institution = InstitutionFactory(name="東京都立産業技術研究センター", consortia=[other])
    instrument = InstrumentFactory(institution=institution)
    company, user = CompanyFactory(), UserFactory(username="someone")
    call_command("bench_seed", **SMALL, stdout=io.StringIO(), stderr=io.StringIO())
    first_uids = set(bench_bookings().values_list("uid", flat=True))
    bench_seed(replace=True, seed=7, bookings=300)
    assert bench_bookings().count() == 300
    assert not set(bench_bookings().values_list("uid", flat=True)) & first_uids
    assert seed.bench_consortia().count() == 2 and len(seed.bench_institution_ids()) == 4
    assert BookingEvent.objects.filter(action="request").count() == 300
    assert Operator.objects.filter(institution_id__in=seed.bench_institution_ids()).count() == 8  # two staff each
    assert Assignment.objects.filter(booking__in=bench_bookings()).count() > 0
    for kept in (other, institution, instrument, company, user):
        assert type(kept).objects.filter(pk=kept.pk).exists()


def test_the_utilization_report_of_the_largest_consortium_adds_up_to_a_hand_count(seeded):
    consortium = seed.largest_bench_consortium()
    period = Period.fiscal_year(2025)
    report = utilization(consortium=consortium, period=period)
    members = consortium.memberships.values("institution_id")
    started = Booking.objects.filter(instrument__institution__in=members, start__gte=period.start, start__lt=period.end)
    completed = list(started.filter(status="completed").values_list("quote", flat=True))
    assert report.totals.figures.requests == started.count() > 0
    assert report.totals.figures.uses == len(completed)
    assert report.totals.figures.revenue_jpy == sum(q["total_jpy"] for q in completed)
    assert report.totals.figures.revenue_excl_tax_jpy == sum(q["subtotal_jpy"] for q in completed)


def test_a_request_that_does_not_fit_is_refused_before_writing(db):
    with pytest.raises(CommandError, match="do not fit"):
        bench_seed(bookings=10_000_000)
    assert not Consortium.objects.exists()


def test_the_span_starts_with_the_previous_fiscal_year():
    span = span_for(timezone.now().replace(year=2026, month=11, day=24), 60)
    assert span.first_day.isoformat() == "2025-04-01"
    assert span.last_day - span.now.astimezone(TOKYO).date() == timedelta(days=60)


# --- Operators: the bench's assignments obey the product's rules -------------------------------------------------


def test_every_bench_staff_member_is_an_operator_qualified_for_the_operated_instruments(seeded):
    institution_ids = seed.bench_institution_ids()
    operators = Operator.objects.filter(institution_id__in=institution_ids)
    assert operators.count() == 2 * len(institution_ids)
    assert all(o.working_hours.count() == 5 for o in operators)
    today = timezone.localdate()
    for instrument in Instrument.objects.filter(id__in=seed.bench_instrument_ids()):
        operated = any(booking_selectors.needs_operator(m) for m in instrument.modes)
        assert len(staffing_selectors.candidates_for(instrument, today)) == (2 if operated else 0), instrument


def test_bench_assignments_never_overlap_per_operator_and_lie_in_working_hours(seeded):
    assignments = list(
        Assignment.objects.filter(booking__in=bench_bookings()).select_related("booking__instrument", "operator")
    )
    assert len(assignments) > 50
    assert writer.overlapping_assignments() == 0
    by_operator = defaultdict(list)
    for a in assignments:
        by_operator[a.operator_id].append(a)
    now = timezone.now()
    weekly = {pk: t.weekly for pk, t in staffing_selectors.time_of(list(by_operator), now, now).items()}
    for operator_id, held in by_operator.items():
        held.sort(key=lambda a: a.hold_start)
        for earlier, later in zip(held, held[1:], strict=False):
            assert earlier.hold_end <= later.hold_start
        for a in held:
            booking = a.booking
            assert booking.mode in booking_selectors.OPERATED_MODES and booking.status in ("approved", "completed")
            assert a.released_at is None and a.agreement_id is None
            assert a.operator.institution_id == booking.instrument.institution_id
            hold = booking_selectors.operator_hold_of(booking.instrument, booking.start, booking.end)
            assert (a.hold_start, a.hold_end) == (hold.start, hold.end)
            at_work = staffing_rules.at_work(weekly[operator_id], hold.start, hold.end)
            assert staffing_rules.can_take(hold, at_work), a
    # Self-operated, pending and ended-without-use bookings reserve nobody.
    operated = bench_bookings().filter(mode__in=booking_selectors.OPERATED_MODES, status__in=["approved", "completed"])
    assert not Assignment.objects.filter(booking__in=bench_bookings()).exclude(booking__in=operated).exists()


def test_the_planner_leaves_a_booking_no_operator_can_take_unassigned():
    from datetime import datetime

    monday = datetime(2026, 6, 1, tzinfo=TOKYO)  # not a holiday

    def booking(pk, hour, hours):  # set-up 30 minutes before, no clean-up
        start = monday + timedelta(hours=hour)
        return operators.OperatedBooking(
            pk, 1, start, start + timedelta(hours=hours), timedelta(minutes=30), timedelta(0), None, None
        )

    plan = list(
        operators.plan_assignments(
            [booking(1, 9, 2), booking(2, 10, 2), booking(3, 10, 1), booking(4, 17, 2)],
            {1: [11, 12]},
            operators.WorkCalendar(operators.WEEKLY),
        )
    )
    # 1 goes to the first operator, 2 overlaps it and goes to the second, 3 overlaps both, 4 ends after 18:00.
    assert [(b.id, operator_id) for b, operator_id, _hold in plan] == [(1, 11), (2, 12)]
    assert plan[0][2].start == monday + timedelta(hours=8, minutes=30)
