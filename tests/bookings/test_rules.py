"""bookings.rules and bookings.request_rules: interval arithmetic, opening hours, availability and the request
checks (pure; no database)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from hypothesis import event, given
from hypothesis import strategies as st

from backend.errors import DomainError
from backend.plumbing import naive_datetime_error
from bookings import request_rules, rules
from bookings.errors import BookingRuleError
from bookings.request_rules import REQUEST_CHECKS, BookingRequest, check_request
from bookings.rules import (
    TOKYO,
    InstrumentPolicy,
    Interval,
    find_clash,
    free_and_busy_intervals,
    held_interval,
    hours_by_month,
    intersect,
    merge,
    opening_intervals,
    overlaps,
    requestable_intervals,
    subtract,
    total_seconds,
)
from equipment.models import UsageMode
from tests.language import JAPANESE, bilingual_pairs

WEEKDAYS_WITH_LUNCH = tuple(
    (weekday, opens, closes) for weekday in range(5) for opens, closes in ((time(9), time(12)), (time(13), time(17)))
)
POLICY = InstrumentPolicy(
    slot_minutes=30,
    min_minutes=30,
    max_minutes=240,
    lead_time_hours=24,
    horizon_days=90,
    setup_minutes=15,
    cleanup_minutes=15,
    modes=("self", "assisted"),
    requires_qualification=True,
    status="active",
    weekly_hours=WEEKDAYS_WITH_LUNCH,
)
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=TOKYO)  # a Friday


def jst(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def no_holidays(day: date) -> bool:
    return False


VALID_REQUEST = dict(  # Tue 2026-11-24 10:00–11:00 JST
    policy=POLICY,
    start=jst(24, 10),
    end=jst(24, 11),
    mode="self",
    now=NOW,
    downtimes=[],
    is_qualified=True,
    quota_hours=None,
    used_hours_in_month=0.0,
)


def check(**overrides):
    """check_request for a valid request (Tue 2026-11-24 10:00–11:00 JST), with some inputs replaced."""
    return check_request(**{**VALID_REQUEST, **overrides})


def refusal(**overrides) -> BookingRuleError:
    """The refusal of a request, checked to be in one language: Japanese by default, English on request."""
    with pytest.raises(BookingRuleError) as caught:
        check(**overrides)
    assert_one_language(caught.value.message, japanese=True)
    with translation.override("en"), pytest.raises(BookingRuleError) as in_english:
        check(**overrides)
    assert_one_language(in_english.value.message, japanese=False)
    assert caught.value.status == 400 and in_english.value.code == caught.value.code
    return caught.value


def check_refused(**overrides):
    with pytest.raises(BookingRuleError) as caught:
        check(**overrides)
    return caught.value


def assert_one_language(message: str, *, japanese: bool):
    """「利用可能時間外です。」 alone, or "Outside the instrument's opening hours." alone: never the two."""
    assert bool(JAPANESE.search(message)) is japanese, message
    assert not bilingual_pairs(message), message


# --- check_request: the happy path and one test per refusal --------------------------------------------------------


def test_a_request_that_keeps_every_rule_passes():
    assert check() is None
    assert check(mode="assisted", is_qualified=False, quota_hours=8, used_hours_in_month=7) is None


@pytest.mark.parametrize("field", ["start", "end"])
def test_naive_datetimes_are_refused(field):
    naive = {"start": datetime(2026, 11, 24, 10), "end": datetime(2026, 11, 24, 11)}[field]
    with pytest.raises(DomainError) as caught:
        check(**{field: naive})
    error = caught.value
    assert (error.code, error.field, error.status) == ("naive_datetime", field, 400)
    assert error.message == naive_datetime_error(field).message  # the product's one refusal of naive input


def test_end_must_come_after_start():
    error = refusal(end=jst(24, 10))
    assert (error.code, error.field) == ("end_before_start", "end")


@pytest.mark.parametrize("status", ["maintenance", "retired"])
def test_an_instrument_that_is_not_active_takes_no_bookings(status):
    error = refusal(policy=InstrumentPolicy(**{**POLICY.__dict__, "status": status}))
    assert error.code == "instrument_unavailable"
    assert error.extra == {"instrument_status": status}


def test_a_mode_the_instrument_does_not_offer_is_refused_naming_the_mode_in_the_readers_language():
    error = check_refused(mode="commissioned")
    assert (error.code, error.field) == ("mode_not_offered", "mode")
    assert "依頼分析" in error.message and error.message.startswith("この機器では利用形態「")
    with translation.override("en"):
        english = check_refused(mode="commissioned").message
        assert str(UsageMode.COMMISSIONED.label) in english  # its name (equipment's label), not its code
    assert english.startswith("The instrument does not offer the usage mode “")


def test_a_booking_shorter_than_the_minimum_is_refused():
    error = refusal(policy=InstrumentPolicy(**{**POLICY.__dict__, "min_minutes": 90}))
    assert (error.code, error.field) == ("too_short", "end")
    assert "90分" in error.message


def test_a_booking_longer_than_the_maximum_is_refused():
    error = refusal(start=jst(24, 9), end=jst(24, 13, 30))
    assert (error.code, error.field) == ("too_long", "end")


@pytest.mark.parametrize(
    "start, end, field",
    [
        (jst(24, 10, 15), jst(24, 11, 15), "start"),
        (jst(24, 10), jst(24, 11).replace(second=30), "end"),
        (jst(24, 10), jst(24, 11).replace(microsecond=1), "end"),
    ],
)
def test_start_and_end_must_be_on_the_slot_grid(start, end, field):
    error = refusal(start=start, end=end)
    assert (error.code, error.field) == ("off_grid", field)


def test_the_slot_grid_counts_from_tokyo_midnight_not_utc():
    two_hour_slots = InstrumentPolicy(**{**POLICY.__dict__, "slot_minutes": 120, "max_minutes": 480})
    # 09:00 JST is 00:00 UTC: on a UTC grid, off the Tokyo one.
    error = refusal(policy=two_hour_slots, start=utc(2026, 11, 24, 0), end=utc(2026, 11, 24, 2))
    assert error.code == "off_grid"
    # 10:00 JST is 01:00 UTC: the other way round.
    assert check(policy=two_hour_slots, start=utc(2026, 11, 24, 1), end=utc(2026, 11, 24, 3)) is None


def test_a_request_inside_the_lead_time_is_refused():
    error = refusal(now=jst(23, 10, 30))
    assert (error.code, error.field) == ("lead_time", "start")
    assert check(now=jst(23, 10)) is None  # exactly 24 hours ahead is fine


def test_a_request_beyond_the_horizon_is_refused():
    error = refusal(now=jst(24, 9, month=8))
    assert (error.code, error.field) == ("beyond_horizon", "start")


def test_a_public_holiday_is_refused_by_name_before_opening_hours():
    # 2026-11-23 is 勤労感謝の日, a Monday: the weekly hours alone would let it through.
    error = refusal(start=jst(23, 10), end=jst(23, 11), now=jst(1, 9))
    assert error.code == "public_holiday"
    assert error.extra == {"date": "2026-11-23"}
    # Outside hours as well, but the holiday is the specific reason.
    assert refusal(start=jst(23, 12), end=jst(23, 13), now=jst(1, 9)).code == "public_holiday"


def test_a_request_ending_at_midnight_does_not_touch_the_next_day():
    # Sunday 23:30 until Monday 00:00, and Monday is a holiday: the request is refused for Sunday's hours, not for it.
    error = refusal(start=jst(22, 23, 30), end=jst(23, 0), now=jst(1, 9))
    assert error.code == "outside_opening_hours"


def test_the_holiday_calendar_can_be_injected():
    assert check(start=jst(23, 10), end=jst(23, 11), now=jst(1, 9), is_holiday=no_holidays) is None
    error = refusal(is_holiday=lambda day: day == date(2026, 11, 24))
    assert error.code == "public_holiday"


@pytest.mark.parametrize(
    "start, end",
    [
        (jst(24, 12), jst(24, 13)),  # lunch break
        (jst(24, 11, 30), jst(24, 12, 30)),  # runs into lunch
        (jst(24, 16, 30), jst(24, 17, 30)),  # after closing
        (jst(28, 10), jst(28, 11)),  # Saturday
    ],
)
def test_a_request_outside_opening_hours_is_refused(start, end):
    error = refusal(start=start, end=end)
    assert error.code == "outside_opening_hours"
    assert error.message.startswith("利用可能時間外です。")
    with translation.override("en"):
        assert check_refused(start=start, end=end).message.startswith("Outside the instrument's opening hours:")


def test_outside_opening_hours_names_that_days_hours_or_that_it_is_closed():
    weekday = refusal(start=jst(24, 16, 30), end=jst(24, 17, 30))
    assert weekday.message == "利用可能時間外です。2026年11月24日の利用可能時間は9:00–12:00、13:00–17:00です。"
    assert weekday.extra["opening_hours"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    with translation.override("en"):
        assert check_refused(start=jst(24, 12), end=jst(24, 13)).message == (
            "Outside the instrument's opening hours: on Nov. 24, 2026 it is open 9:00–12:00, 13:00–17:00."
        )
        saturday = check_refused(start=jst(28, 10), end=jst(28, 11)).message
        assert saturday == "Outside the instrument's opening hours: it is closed on Nov. 28, 2026; choose another day."


def test_a_request_overlapping_downtime_is_refused_and_names_the_downtime():
    downtime = Interval(utc(2026, 11, 24, 1, 30), utc(2026, 11, 24, 3))  # 10:30–12:00 JST
    error = refusal(downtimes=[Interval(jst(24, 9), jst(24, 10)), downtime])  # the first only touches
    assert error.code == "downtime"
    assert error.extra == {"clash": {"start": "2026-11-24T10:30:00+09:00", "end": "2026-11-24T12:00:00+09:00"}}
    assert "2026年11月24日 10:30〜2026年11月24日 12:00" in error.message  # Tokyo time, as Japanese writes it
    with translation.override("en"):
        english = check_refused(downtimes=[downtime]).message
    assert "Nov. 24, 2026, 10:30–Nov. 24, 2026, 12:00" in english


def test_self_operation_needs_a_qualification_and_suggests_staff_assisted_use():
    error = refusal(is_qualified=False)
    assert (error.code, error.field) == ("qualification_required", "mode")
    assert "技術補助" in error.message
    with translation.override("en"):
        assert "staff-assisted" in check_refused(is_qualified=False).message

    self_only = InstrumentPolicy(**{**POLICY.__dict__, "modes": ("self",)})
    assert "技術補助" not in refusal(policy=self_only, is_qualified=False).message
    no_qualification = InstrumentPolicy(**{**POLICY.__dict__, "requires_qualification": False})
    assert check(policy=no_qualification, is_qualified=False) is None


def test_a_request_beyond_the_monthly_quota_is_refused():
    error = refusal(quota_hours=8, used_hours_in_month=7.5)
    assert error.code == "quota_exceeded"
    assert error.extra == {"quota_hours": 8, "used_hours": 7.5, "requested_hours": 1.0}
    assert check(quota_hours=8, used_hours_in_month=7) is None  # exactly reaching the quota is fine


def test_the_first_rule_broken_wins():
    # Too short, off the grid, on a holiday and unqualified at once: the length is checked first.
    error = refusal(start=jst(23, 10, 10), end=jst(23, 10, 20), is_qualified=False)
    assert error.code == "too_short"


def policy_with(**changes) -> InstrumentPolicy:
    return InstrumentPolicy(**{**POLICY.__dict__, **changes})


# Each check of REQUEST_CHECKS, in order, with a request that breaks its rule and the refusal's code.
CHECK_CASES = [
    (request_rules.refuse_naive_datetime, {"start": datetime(2026, 11, 24, 10)}, "naive_datetime"),
    (request_rules.refuse_end_before_start, {"end": jst(24, 10)}, "end_before_start"),
    (request_rules.refuse_inactive_instrument, {"policy": policy_with(status="retired")}, "instrument_unavailable"),
    (request_rules.refuse_mode_not_offered, {"mode": "commissioned"}, "mode_not_offered"),
    (request_rules.refuse_too_short, {"policy": policy_with(min_minutes=90)}, "too_short"),
    (request_rules.refuse_too_long, {"start": jst(24, 9), "end": jst(24, 13, 30)}, "too_long"),
    (request_rules.refuse_off_grid, {"start": jst(24, 10, 15), "end": jst(24, 11, 15)}, "off_grid"),
    (request_rules.refuse_inside_lead_time, {"now": jst(23, 10, 30)}, "lead_time"),
    (request_rules.refuse_beyond_horizon, {"now": jst(24, 9, month=8)}, "beyond_horizon"),
    (
        request_rules.refuse_public_holiday,
        {"start": jst(23, 10), "end": jst(23, 11), "now": jst(1, 9)},
        "public_holiday",
    ),
    (request_rules.refuse_outside_opening_hours, {"start": jst(24, 12), "end": jst(24, 13)}, "outside_opening_hours"),
    (request_rules.refuse_downtime, {"downtimes": [Interval(jst(24, 10, 30), jst(24, 12))]}, "downtime"),
    (request_rules.refuse_unqualified, {"is_qualified": False}, "qualification_required"),
    (request_rules.refuse_over_quota, {"quota_hours": 8, "used_hours_in_month": 7.5}, "quota_exceeded"),
]


def test_the_cases_cover_every_check_in_the_order_check_request_runs_them():
    assert [rule for rule, _overrides, _code in CHECK_CASES] == list(REQUEST_CHECKS)


@pytest.mark.parametrize("rule, overrides, code", CHECK_CASES, ids=[rule.__name__ for rule, *_ in CHECK_CASES])
def test_each_check_alone_refuses_its_case_with_what_check_request_raises(rule, overrides, code):
    assert rule(BookingRequest(**VALID_REQUEST)) is None
    alone = rule(BookingRequest(**{**VALID_REQUEST, **overrides}))
    assert alone.code == code
    with pytest.raises(DomainError) as caught:  # a BookingRuleError, but the naive datetime's (backend.plumbing)
        check(**overrides)
    raised = caught.value
    assert (raised.code, raised.field, raised.message, raised.extra) == (
        alone.code,
        alone.field,
        alone.message,
        alone.extra,
    )


def test_check_request_runs_the_listed_checks_in_order_until_one_refuses(monkeypatch):
    ran = []

    def passes(request):
        ran.append("passes")

    def refuses(request):
        ran.append("refuses")
        return BookingRuleError("listed", "listed")

    def never_reached(request):
        ran.append("never_reached")

    monkeypatch.setattr(request_rules, "REQUEST_CHECKS", (passes, refuses, never_reached))
    with pytest.raises(BookingRuleError) as caught:
        check(end=jst(24, 10))  # ends before it starts, but no listed check looks at that
    assert caught.value.code == "listed"
    assert ran == ["passes", "refuses"]
    monkeypatch.setattr(request_rules, "REQUEST_CHECKS", ())
    assert check(end=jst(24, 10)) is None


# --- Opening hours -------------------------------------------------------------------------------------------------


def test_opening_hours_are_split_by_the_lunch_break_and_returned_in_utc():
    opening = opening_intervals(POLICY, jst(24, 0), jst(25, 0))
    assert opening == [
        Interval(utc(2026, 11, 24, 0), utc(2026, 11, 24, 3)),
        Interval(utc(2026, 11, 24, 4), utc(2026, 11, 24, 8)),
    ]
    assert all(i.start.tzinfo is UTC and i.end.tzinfo is UTC for i in opening)


def test_opening_hours_are_clipped_to_the_window():
    assert opening_intervals(POLICY, jst(24, 10, 30), jst(24, 16)) == [
        Interval(jst(24, 10, 30), jst(24, 12)),
        Interval(jst(24, 13), jst(24, 16)),
    ]


def test_an_instrument_is_closed_on_public_holidays():
    assert opening_intervals(POLICY, jst(23, 0), jst(24, 0)) == []  # 勤労感謝の日 (jpholiday)
    assert len(opening_intervals(POLICY, jst(23, 0), jst(24, 0), is_holiday=no_holidays)) == 2
    assert opening_intervals(POLICY, jst(24, 0), jst(25, 0), is_holiday=lambda day: day.day == 24) == []


def test_a_window_given_in_utc_is_read_in_tokyo_time():
    # 2026-12-01T00:00Z is 09:00 JST on Tuesday: the morning session is open from the window's first moment.
    assert opening_intervals(POLICY, utc(2026, 12, 1, 0), utc(2026, 12, 1, 3, 30)) == [
        Interval(utc(2026, 12, 1, 0), utc(2026, 12, 1, 3))
    ]
    # A window that is all Sunday in UTC terms but Monday 00:00–24:00 in Tokyo gets Monday's hours.
    assert total_seconds(opening_intervals(POLICY, utc(2026, 11, 29, 15), utc(2026, 11, 30, 15))) == 7 * 3600


def test_touching_weekly_hours_merge_into_one_interval():
    policy = InstrumentPolicy(weekly_hours=((1, time(9), time(12)), (1, time(12), time(13))))
    assert opening_intervals(policy, jst(24, 0), jst(25, 0)) == [Interval(jst(24, 9), jst(24, 13))]


# --- Holds, availability and what can be requested -----------------------------------------------------------------


def test_a_holding_booking_blocks_its_setup_and_cleanup_buffers():
    assert held_interval(Interval(jst(24, 10), jst(24, 11)), POLICY) == Interval(jst(24, 9, 45), jst(24, 11, 15))


def test_find_clash_returns_the_earliest_overlapping_hold_and_ignores_touching_ones():
    holds = [
        Interval(jst(24, 11), jst(24, 12)),
        Interval(jst(24, 10), jst(24, 10, 30)),
        Interval(jst(24, 8), jst(24, 9)),
    ]
    assert find_clash(Interval(jst(24, 9), jst(24, 11, 30)), holds) == Interval(jst(24, 10), jst(24, 10, 30))
    assert find_clash(Interval(jst(24, 9), jst(24, 10)), holds) is None


def test_availability_shows_free_and_anonymous_busy_time():
    hold = held_interval(Interval(jst(24, 10, 30), jst(24, 11)), POLICY)  # 10:15–11:15
    downtime = Interval(jst(24, 16), jst(24, 18))
    free, busy = free_and_busy_intervals(POLICY, jst(24, 0), jst(25, 0), downtimes=[downtime], holds=[hold])
    assert free == [
        Interval(jst(24, 9), jst(24, 10, 15)),
        Interval(jst(24, 11, 15), jst(24, 12)),
        Interval(jst(24, 13), jst(24, 16)),
    ]
    assert busy == [hold, downtime]
    assert all(type(b) is Interval for b in busy)
    assert all(i.start.tzinfo is UTC and i.end.tzinfo is UTC for i in free + busy)


def test_a_request_must_leave_room_for_its_own_buffers():
    hold = held_interval(Interval(jst(24, 11, 15), jst(24, 11, 45)), POLICY)  # 11:00–12:00
    free, _ = free_and_busy_intervals(POLICY, jst(24, 9), jst(24, 12), downtimes=[], holds=[hold])
    assert free == [Interval(jst(24, 9), jst(24, 11))]
    # 10:30–11:00 is free, but its clean-up (until 11:15) would run into the hold.
    assert find_clash(held_interval(Interval(jst(24, 10, 30), jst(24, 11)), POLICY), [hold]) == hold
    requestable = requestable_intervals(POLICY, jst(24, 9), jst(24, 12), downtimes=[], holds=[hold])
    assert requestable == [Interval(jst(24, 9), jst(24, 10, 45))]
    assert requestable[0].end.tzinfo is UTC


# --- hours_by_month ------------------------------------------------------------------------------------------------


def test_hours_are_split_at_a_month_end():
    assert hours_by_month(Interval(jst(30, 22), jst(1, 2, month=12))) == {(2026, 11): 2.0, (2026, 12): 2.0}


def test_hours_are_split_at_the_fiscal_year_end():
    interval = Interval(jst(31, 20, month=3, year=2027), jst(1, 6, month=4, year=2027))
    assert hours_by_month(interval, TOKYO) == {(2027, 3): 4.0, (2027, 4): 6.0}


def test_month_boundaries_are_local_to_the_given_zone():
    interval = Interval(utc(2026, 11, 30, 14), utc(2026, 11, 30, 16))  # 23:00–01:00 JST
    assert hours_by_month(interval, TOKYO) == {(2026, 11): 1.0, (2026, 12): 1.0}
    assert hours_by_month(interval, ZoneInfo("UTC")) == {(2026, 11): 2.0}


def test_hours_span_several_months_and_a_year_end():
    parts = hours_by_month(Interval(jst(31, 12, month=12), jst(1, 12, month=3, year=2027)))
    assert list(parts) == [(2026, 12), (2027, 1), (2027, 2), (2027, 3)]
    assert parts == {(2026, 12): 12.0, (2027, 1): 31 * 24.0, (2027, 2): 28 * 24.0, (2027, 3): 12.0}


# --- Properties ----------------------------------------------------------------------------------------------------
# Every endpoint is a whole minute after BASE, so a set of intervals is exactly the set of minutes it covers.

BASE = utc(2026, 11, 22, 15)  # Monday 2026-11-23 00:00 JST
MINUTE = timedelta(minutes=1)

intervals = st.builds(
    lambda start, length: Interval(BASE + start * MINUTE, BASE + (start + length) * MINUTE),
    st.integers(0, 4 * 1440),
    st.integers(1, 600),
)
interval_lists = st.lists(intervals, max_size=8)


def minutes(items) -> set[int]:
    covered = set()
    for i in items:
        covered.update(range((i.start - BASE) // MINUTE, (i.end - BASE) // MINUTE))
    return covered


def is_sorted_and_disjoint(items) -> bool:
    return all(a.end < b.start for a, b in zip(items, items[1:]))


@given(interval_lists)
def test_merge_is_idempotent_sorted_disjoint_and_covers_the_same_moments(items):
    merged = merge(items)
    assert merge(merged) == merged
    assert is_sorted_and_disjoint(merged)
    assert minutes(merged) == minutes(items)
    assert total_seconds(items) == 60 * len(minutes(items))


@given(interval_lists, interval_lists)
def test_subtract_and_intersect_partition_the_base(a, b):
    difference, common = subtract(a, b), intersect(a, b)
    assert merge(difference + common) == merge(a)
    assert not any(overlaps(x, y) for x in difference for y in b)
    assert minutes(difference) == minutes(a) - minutes(b)
    assert minutes(common) == minutes(a) & minutes(b) == minutes(intersect(b, a))
    assert is_sorted_and_disjoint(difference) and is_sorted_and_disjoint(common)


@st.composite
def weekly_hours(draw):
    rows = []
    for _ in range(draw(st.integers(0, 10))):
        opens = draw(st.integers(0, 1438))
        closes = draw(st.integers(opens + 1, 1439))
        rows.append((draw(st.integers(0, 6)), time(opens // 60, opens % 60), time(closes // 60, closes % 60)))
    return tuple(rows)


@st.composite
def calendars(draw):
    """A policy, a window, downtimes, holds and a holiday test, all on the minute grid from BASE."""
    policy = InstrumentPolicy(
        weekly_hours=draw(weekly_hours()),
        setup_minutes=draw(st.integers(0, 60)),
        cleanup_minutes=draw(st.integers(0, 60)),
    )
    window = draw(intervals)
    holidays = draw(st.frozensets(st.dates(date(2026, 11, 23), date(2026, 11, 28))))
    return policy, window, draw(interval_lists), draw(interval_lists), holidays.__contains__


@given(calendars())
def test_free_and_busy_never_overlap_and_free_time_is_opening_time(calendar):
    policy, window, downtimes, holds, is_holiday = calendar
    opening = opening_intervals(policy, window.start, window.end, is_holiday=is_holiday)
    free, busy = free_and_busy_intervals(
        policy, window.start, window.end, downtimes=downtimes, holds=holds, is_holiday=is_holiday
    )
    assert not any(overlaps(f, b) for f in free for b in busy)
    assert subtract(free, opening) == [] and subtract(free, [window]) == []
    assert subtract(busy, [window]) == []
    assert total_seconds(free) + total_seconds(intersect(busy, opening)) == total_seconds(opening)


@st.composite
def busy_days(draw):
    """One Tokyo working day with a few holds and downtimes, and a request in it: small enough that clear and blocked
    requests both come up often."""
    day = BASE + 1440 * MINUTE  # Tuesday 2026-11-24 00:00 JST

    def span(longest: int) -> Interval:
        start = draw(st.integers(0, 1439))
        return Interval(day + start * MINUTE, day + (start + draw(st.integers(1, longest))) * MINUTE)

    hours = tuple((1, opens, closes) for _, opens, closes in draw(weekly_hours()))
    policy = InstrumentPolicy(
        weekly_hours=hours or ((1, time(9), time(17)),),
        setup_minutes=draw(st.integers(0, 60)),
        cleanup_minutes=draw(st.integers(0, 60)),
    )
    downtimes = [span(120) for _ in range(draw(st.integers(0, 2)))]
    holds = [span(120) for _ in range(draw(st.integers(0, 4)))]
    return policy, Interval(day, day + 1440 * MINUTE), downtimes, holds, span(240)


@given(busy_days())
def test_a_request_is_clear_exactly_when_it_lies_in_a_requestable_interval(scenario):
    policy, window, downtimes, holds, request = scenario
    requestable = requestable_intervals(policy, window.start, window.end, downtimes=downtimes, holds=holds)
    free, _ = free_and_busy_intervals(policy, window.start, window.end, downtimes=downtimes, holds=holds)
    assert subtract(requestable, free) == []

    opening = opening_intervals(policy, window.start, window.end)
    clear = (
        subtract([request], opening) == []
        and find_clash(request, downtimes) is None
        and find_clash(held_interval(request, policy), holds) is None
    )
    event("clear" if clear else "blocked")
    assert clear == any(r.start <= request.start and request.end <= r.end for r in requestable)


@given(
    st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC)),
    st.integers(1, 200 * 24 * 60),
    st.sampled_from([TOKYO, ZoneInfo("UTC"), ZoneInfo("America/New_York")]),
)
def test_hours_by_month_parts_sum_to_the_whole(start, length_minutes, zone):
    interval = Interval(start, start + length_minutes * MINUTE)
    parts = hours_by_month(interval, zone)
    assert sum(parts.values()) == pytest.approx(interval.seconds / 3600)
    assert all(hours > 0 for hours in parts.values())
    assert list(parts) == sorted(parts)


# --- Offering slots on the grid ------------------------------------------------------------------
def test_free_time_offered_in_a_calendar_is_snapped_to_the_slot_grid():
    day = date(2026, 12, 8)
    odd = rules.Interval(
        datetime.combine(day, time(10, 15), tzinfo=rules.TOKYO), datetime.combine(day, time(12, 50), tzinfo=rules.TOKYO)
    )
    tiny = rules.Interval(
        datetime.combine(day, time(13, 5), tzinfo=rules.TOKYO), datetime.combine(day, time(13, 40), tzinfo=rules.TOKYO)
    )
    snapped = rules.on_grid([odd, tiny], 30)
    assert [(i.start.astimezone(rules.TOKYO).time(), i.end.astimezone(rules.TOKYO).time()) for i in snapped] == [
        (time(10, 30), time(12, 30))
    ]


@given(st.integers(0, 24 * 60 - 1), st.integers(1, 600), st.sampled_from([10, 15, 30, 60]))
def test_snapped_slots_lie_inside_the_free_time_and_on_the_grid(offset, length, slot):
    start = datetime(2026, 12, 8, tzinfo=rules.TOKYO) + timedelta(minutes=offset)
    free = rules.Interval(start, start + timedelta(minutes=length))
    for interval in rules.on_grid([free], slot):
        assert free.start <= interval.start < interval.end <= free.end
        assert rules.is_on_slot_grid(interval.start, slot) and rules.is_on_slot_grid(interval.end, slot)
