"""The catalogue's free time: "free in the next 7 days" keeps only instruments a request could really be made for
(grid, lead time, horizon, minimum length), each card shows the next free slot in the viewer's usage mode, and the
page's queries do not grow with the number of instruments."""

from datetime import date, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.tokyo import TOKYO
from bookings import rules, selectors
from bookings.models import Booking
from bookings.selectors.free import viewer_mode
from equipment import selectors as equipment_selectors
from equipment.models import Downtime, Qualification
from tests.bookings.conftest import at
from tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


def listing(response) -> str:
    return response.content.decode().split('<ul class="grid">')[1]


def every_day(opens: time, closes: time):
    return [(d, opens, closes) for d in range(7)]


def hold(instrument, user, start, end, status="approved"):
    return Booking.objects.create(
        instrument=instrument,
        requester=user,
        user_category="sme",
        start=start,
        end=end,
        hold_start=start,
        hold_end=end,
        mode="assisted",
        status=status,
        expires_at=start,
    )


def slots_of(*instruments, **kwargs):
    listed = list(equipment_selectors.instrument_list().filter(id__in=[i.id for i in instruments]))
    return selectors.next_free_slots(listed, **kwargs)


# --- The pure rule ---------------------------------------------------------------------------------
def test_bookable_stretches_follow_the_grid_lead_time_horizon_and_minimum_length():
    day = date(2026, 12, 7)  # a Monday
    policy = rules.InstrumentPolicy(slot_minutes=60, min_minutes=90, lead_time_hours=2, horizon_days=1)
    requestable = [
        rules.Interval(at(day, 8, 30), at(day, 10, 30)),  # on the grid 9–10: shorter than the 2 h a request needs
        rules.Interval(at(day, 11, 10), at(day, 14)),  # on the grid 12–14 (11:10 is inside the lead time)
        rules.Interval(at(day + timedelta(days=2), 9), at(day + timedelta(days=2), 17)),  # beyond the horizon
    ]
    found = rules.bookable_stretches(policy, requestable, now=at(day, 9, 10))
    assert found == [rules.Interval(at(day, 12), at(day, 14))]
    assert rules.shortest_request_minutes(policy) == 120
    assert rules.shortest_request_minutes(rules.InstrumentPolicy(min_minutes=45, max_minutes=45)) is None


# --- "Free in the next 7 days" ---------------------------------------------------------------------
def test_free_in_7_days_leaves_out_time_off_the_slot_grid(world, client):
    # open 9:30–10:30 every day on a 60-minute grid: an hour free, but no request can start on the grid in it
    off_grid = InstrumentFactory(
        institution=world.inst_a, name="格子外の分光器", slot_minutes=60, min_minutes=60, weekday_hours=[]
    )
    off_grid.opening_hours.create(weekday=0, opens=time(9, 30), closes=time(10, 30))
    for weekday in range(1, 7):
        off_grid.opening_hours.create(weekday=weekday, opens=time(9, 30), closes=time(10, 30))
    listed = listing(client.get("/instruments/", {"free7": "on"}))
    assert off_grid.name not in listed  # it was listed: free time was not put on the grid
    assert world.sem.name in listed


def test_free_in_7_days_leaves_out_time_beyond_the_booking_horizon(world, client):
    later = timezone.localdate() + timedelta(days=4)
    far = InstrumentFactory(
        institution=world.inst_a,
        name="遠い日だけの分光器",
        horizon_days=1,
        weekday_hours=[(later.weekday(), time(9), time(17))],
    )
    assert far.name not in listing(
        client.get("/instruments/", {"free7": "on"})
    )  # it was listed: the horizon was not read


def test_free_in_7_days_leaves_out_a_fully_booked_instrument(world, client):
    full = InstrumentFactory(institution=world.inst_a, name="満杯の分光器", weekday_hours=every_day(time(9), time(17)))
    now = timezone.now()
    Downtime.objects.create(instrument=full, start=now - timedelta(days=1), end=now + timedelta(days=8))
    assert full.name not in listing(client.get("/instruments/", {"free7": "on"}))


# --- The next free slot ------------------------------------------------------------------------------
def test_the_next_free_slot_is_the_first_bookable_start_with_the_shortest_request(world, day):
    instrument = InstrumentFactory(institution=world.inst_a, slot_minutes=60, min_minutes=90)  # Mon–Fri 9–12, 13–17
    hold(instrument, world.user_a, at(day, 9), at(day, 10))
    found = slots_of(instrument, now=at(day, 8))[instrument.id]
    assert found.slot == rules.Interval(at(day, 10), at(day, 12))  # 90 minutes on a 60-minute grid: two hours
    assert found.longest_minutes == 120 and found.mode == "self"


def test_no_free_slot_within_the_look_ahead_is_said_so(world, day):
    instrument = InstrumentFactory(institution=world.inst_a, weekday_hours=[])
    assert slots_of(instrument, now=at(day, 8))[instrument.id].slot is None


def test_the_mode_is_the_viewers_own(world):
    instrument = InstrumentFactory(institution=world.inst_a, modes=["self", "assisted"], requires_qualification=True)
    assert viewer_mode(instrument, wanted=None, qualified=False, anonymous=True) == "self"  # first offered
    assert viewer_mode(instrument, wanted=None, qualified=False, anonymous=False) == "assisted"
    assert viewer_mode(instrument, wanted=None, qualified=True, anonymous=False) == "self"
    assert viewer_mode(instrument, wanted="assisted", qualified=True, anonymous=False) == "assisted"
    assert viewer_mode(instrument, wanted="commissioned", qualified=True, anonymous=True) == "self"  # not offered


def test_a_card_shows_the_next_free_slot_with_a_link_that_proposes_it(world, sem, client):
    response = client.get("/instruments/", {"q": "JSM-IT800"})
    assert "次の空き" in listing(response)
    card = next(card for card in response.context["cards"] if card["instrument"] == sem)
    slot = card["next_free"].slot
    link = urlsplit(card["link"])
    query = parse_qs(link.query)
    assert link.path == f"/instruments/{sem.pk}/"
    assert query["start"] == [slot.start.astimezone(TOKYO).isoformat()] and query["start"][0].endswith("+09:00")
    assert query["end"] == [slot.end.astimezone(TOKYO).isoformat()]
    assert slot.end - slot.start == timedelta(minutes=30)


def test_a_card_says_when_there_is_no_free_slot(world, client):
    InstrumentFactory(institution=world.inst_a, name="閉鎖中の分光器", weekday_hours=[])
    body = listing(client.get("/instruments/", {"q": "閉鎖中"}))
    assert "今後30日間に空きはありません" in body


def test_a_self_operation_filter_tells_an_unqualified_user_why_there_is_no_slot(world, sem, client):
    client.force_login(world.user_a)
    assert "自己操作には利用資格が必要です" in listing(client.get("/instruments/", {"mode": "self"}))
    Qualification.objects.create(instrument=sem, user=world.user_a, granted_by=world.staff_a)
    body = listing(client.get("/instruments/", {"mode": "self"}))
    assert "次の空き" in body and "自己操作には利用資格が必要です" not in body.split("SmartLab")[0]


def test_the_cards_speak_the_readers_language(world, sem, client):
    """The whole page in one language is tests/test_one_language_per_page.py's; here, the new lines."""
    InstrumentFactory(institution=world.inst_a, weekday_hours=[])
    body = listing(client.get("/instruments/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Next free:" in body and "No free slot in the next 30 days" in body and "次の空き" not in body


# --- Queries ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("params", [{}, {"free7": "on"}, {"mode": "self"}])
@pytest.mark.parametrize("who", ["anonymous", "user_a"])
def test_the_catalogue_page_uses_the_same_queries_for_3_and_12_instruments(
    world, client, django_assert_num_queries, params, who, day
):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    hold(InstrumentFactory(institution=world.inst_b), world.user_a, at(day, 9), at(day, 10))  # with sem, xrd: 3
    client.get("/instruments/", params)  # warm up: the session, content types
    with CaptureQueriesContext(connection) as few:
        response = client.get("/instruments/", params)
    assert len(response.context["cards"]) == 3
    for _ in range(9):
        instrument = InstrumentFactory(institution=world.inst_b)
        hold(instrument, world.user_a, at(day, 9), at(day, 10))
        Downtime.objects.create(instrument=instrument, start=at(day, 13), end=at(day, 14))
        Qualification.objects.create(instrument=instrument, user=world.user_a, granted_by=world.staff_b)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/instruments/", params)
    assert len(response.context["cards"]) == 12
