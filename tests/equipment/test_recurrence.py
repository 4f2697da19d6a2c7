"""Bounded RRULE expansion (equipment.recurrence): the occurrences dateutil finds, at a cost that depends on the
window asked for, never on how old DTSTART is or on whether the rule ever matches."""

import os
from datetime import date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar.prop import vRecur

from backend.tokyo import TOKYO
from equipment import recurrence
from equipment.ical_import import _moment
from equipment.recurrence import Budget, RuleError, effective_frequency, expand, parse_rule

WINDOW = (datetime(2026, 1, 1, tzinfo=TOKYO), datetime(2029, 1, 1, tzinfo=TOKYO))


def rule(text: str, dtstart):
    return parse_rule(vRecur.from_ical(text), dtstart)


def occurrences(text: str, dtstart, *, steps: int = 100_000, window=WINDOW):
    after, before = window
    budget = Budget(steps=steps, seconds=60)
    return expand(rule(text, dtstart), dtstart, after=after, before=before, budget=budget, moment=_moment)


@pytest.mark.parametrize(
    "text, frequency, cause",
    [
        ("FREQ=DAILY", "DAILY", "FREQ=DAILY"),
        ("FREQ=DAILY;BYHOUR=9", "DAILY", "FREQ=DAILY"),  # one value sets the time, it does not repeat
        ("FREQ=DAILY;BYHOUR=9,17", "HOURLY", "BYHOUR"),
        ("FREQ=WEEKLY;BYHOUR=9;BYMINUTE=0,30", "MINUTELY", "BYMINUTE"),
        ("FREQ=DAILY;BYHOUR=0,1;BYMINUTE=0,1;BYSECOND=0,1", "SECONDLY", "BYSECOND"),
        ("FREQ=HOURLY;BYSECOND=0,1", "SECONDLY", "BYSECOND"),
        ("FREQ=MINUTELY;BYHOUR=1,2", "MINUTELY", "FREQ=MINUTELY"),
    ],
)
def test_by_parts_with_several_values_count_towards_the_frequency(text, frequency, cause):
    assert effective_frequency(vRecur.from_ical(text)) == (frequency, cause)


@pytest.mark.parametrize(
    "text, code",
    [
        ("FREQ=HOURLY", "ics_too_frequent"),
        ("FREQ=DAILY;BYHOUR=0,1,2", "ics_too_frequent"),
        ("FREQ=YEARLY;BYWEEKNO=20", "ics_unsupported_rule"),
        ("FREQ=DAILY;INTERVAL=0", "ics_invalid_value"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "ics_invalid_value"),
        ("FREQ=WEEKLY;BYSETPOS=0", "ics_invalid_value"),
        ("INTERVAL=2", "ics_invalid_value"),  # no FREQ
    ],
)
def test_rules_that_cannot_be_expanded_safely_are_refused_before_expanding(text, code):
    with pytest.raises(RuleError) as refused:
        rule(text, datetime(2026, 1, 5, 9, tzinfo=TOKYO))
    assert refused.value.code == code


# The parts parse_rule checks, in its order, each with a wrong value.
WRONG_PARTS = [
    ("INTERVAL", 0),
    ("COUNT", 0),
    ("UNTIL", "tomorrow"),
    ("BYDAY", "XX"),
    ("WKST", "XX"),
    ("BYMONTH", 13),
    ("BYMONTHDAY", 32),
    ("BYYEARDAY", 367),
    ("BYHOUR", 24),
    ("BYSETPOS", 0),
]


@pytest.mark.parametrize("first", range(len(WRONG_PARTS)), ids=[part for part, _ in WRONG_PARTS])
def test_the_first_wrong_part_in_the_order_of_checking_is_the_refusal(first):
    recur = {"FREQ": ["DAILY"], **{part: [value] for part, value in WRONG_PARTS[first:]}}
    with pytest.raises(RuleError) as refused:
        parse_rule(recur, datetime(2026, 1, 5, 9, tzinfo=TOKYO))
    part, value = WRONG_PARTS[first]
    assert (refused.value.code, refused.value.message) == ("ics_invalid_value", f"RRULEの{part}が不正です（{value}）")


def test_a_refused_rule_is_said_in_the_readers_language_only():
    recur = {"FREQ": ["DAILY"], "BYMONTH": [13]}
    with translation.override("en"):
        with pytest.raises(RuleError) as english:
            parse_rule(recur, datetime(2026, 1, 5, 9, tzinfo=TOKYO))
    with translation.override("ja"):
        with pytest.raises(RuleError) as japanese:
            parse_rule(recur, datetime(2026, 1, 5, 9, tzinfo=TOKYO))
    assert english.value.message == "RRULE BYMONTH is invalid: 13"
    assert japanese.value.message == "RRULEのBYMONTHが不正です（13）"


def test_unknown_parts_then_freq_then_frequency_come_before_the_other_parts():
    wrong = {part: [value] for part, value in WRONG_PARTS}
    for recur, code in (
        ({"BYWEEKNO": [20], "FREQ": ["NEVER"], **wrong}, "ics_unsupported_rule"),
        ({"FREQ": ["NEVER"], **wrong}, "ics_invalid_value"),
        ({"FREQ": ["HOURLY"], **wrong}, "ics_too_frequent"),
    ):
        with pytest.raises(RuleError) as refused:
            parse_rule(recur, datetime(2026, 1, 5, 9, tzinfo=TOKYO))
        assert refused.value.code == code, recur


def test_an_all_day_rule_does_not_look_at_the_time_of_day():
    assert parse_rule({"FREQ": ["DAILY"], "BYHOUR": [24]}, date(2026, 1, 5)).at is None


def test_a_rule_from_year_one_costs_what_the_window_costs():
    """Without COUNT the walk starts at the window: DTSTART in year 1 (and INTERVAL's phase kept from it)
    needs the same few thousand steps as a rule of this year; walking from year 1 would need 740,000."""
    ancient = datetime(1, 1, 1, 9, tzinfo=TOKYO)
    found = occurrences("FREQ=DAILY;INTERVAL=3", ancient, steps=1_200)
    assert found[0] - WINDOW[0] < timedelta(days=3) and WINDOW[1] - found[-1] <= timedelta(days=3)
    assert {b - a for a, b in zip(found, found[1:])} == {timedelta(days=3)}
    assert (found[0].date() - ancient.date()).days % 3 == 0
    recent = datetime(2025, 12, 31, 9, tzinfo=TOKYO)  # a Wednesday
    expected = list(rrulestr("FREQ=WEEKLY;BYDAY=WE", dtstart=recent).between(*WINDOW, inc=True))
    assert occurrences("FREQ=WEEKLY;BYDAY=WE", ancient, steps=1_200) == expected


def test_a_rule_that_never_matches_ends_at_the_window():
    """dateutil walks `Feb 30` day by day to year 9999 (seconds of CPU per rule); here it stops at the window."""
    assert occurrences("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", datetime(2026, 1, 5, 9, tzinfo=TOKYO), steps=1_200) == []
    assert occurrences("FREQ=MONTHLY;BYMONTHDAY=5;BYSETPOS=2", datetime(2026, 1, 5, 9, tzinfo=TOKYO)) == []


def test_every_day_looked_at_is_paid_for_kept_or_not():
    with pytest.raises(RuleError) as refused:
        occurrences("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", datetime(2026, 1, 5, 9, tzinfo=TOKYO), steps=500)
    assert refused.value.code == "ics_too_costly"
    with pytest.raises(RuleError):  # COUNT must count from DTSTART: from year 1 that is over any budget
        occurrences("FREQ=DAILY;COUNT=1000000", datetime(1, 1, 1, 9, tzinfo=TOKYO))


def test_the_time_budget_stops_an_expansion():
    dtstart, no_time = datetime(2026, 1, 5, 9, tzinfo=TOKYO), Budget(steps=10**9, seconds=0)
    with pytest.raises(RuleError) as refused:
        expand(rule("FREQ=DAILY", dtstart), dtstart, after=WINDOW[0], before=WINDOW[1], budget=no_time, moment=_moment)
    assert refused.value.code == "ics_too_costly"


def test_all_day_and_floating_rules_keep_their_type_and_until_includes_its_day():
    monthly = occurrences("FREQ=MONTHLY;UNTIL=20260305", date(2026, 1, 5))
    assert monthly == [date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 5)]
    floating = occurrences("FREQ=YEARLY;COUNT=2", datetime(2026, 4, 1, 13))
    assert floating == [datetime(2026, 4, 1, 13), datetime(2027, 4, 1, 13)]


# --- The same occurrences as dateutil, on rules it expands quickly ---------------------------------------------
WEEKDAY_NAMES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw):
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 3))}"]
    if draw(st.booleans()):
        parts.append("BYMONTH=" + ",".join(map(str, draw(st.sets(st.integers(1, 12), min_size=1, max_size=4)))))
    if draw(st.booleans()):
        signed_day = st.integers(1, 28).map(lambda d: d * draw(st.sampled_from([1, -1])))
        days = draw(st.sets(signed_day, min_size=1, max_size=3))
        parts.append("BYMONTHDAY=" + ",".join(map(str, days)))
    weekdays = draw(st.sets(st.sampled_from(WEEKDAY_NAMES), max_size=3))
    if weekdays:
        nth = freq in ("MONTHLY", "YEARLY") and draw(st.booleans())  # ordinals only alone: dateutil ANDs mixtures
        parts.append("BYDAY=" + ",".join(f"{draw(st.sampled_from([1, 2, -1]))}{w}" if nth else w for w in weekdays))
        if freq != "DAILY" and draw(st.booleans()):
            parts.append(f"BYSETPOS={draw(st.sampled_from([1, -1]))}")
    if freq == "YEARLY" and not any(p.startswith("BYMONTH=") for p in parts) and draw(st.booleans()):
        parts.append(f"BYYEARDAY={draw(st.integers(1, 365)) * draw(st.sampled_from([1, -1]))}")
    if draw(st.booleans()):
        parts.append(f"BYHOUR={draw(st.integers(0, 23))}")
    parts.append(f"WKST={draw(st.sampled_from(WEEKDAY_NAMES))}")
    end = draw(st.sampled_from(["", "COUNT", "UNTIL"]))
    if end == "COUNT":
        parts.append(f"COUNT={draw(st.integers(1, 60))}")
    elif end == "UNTIL":
        parts.append(f"UNTIL={draw(st.dates(date(2026, 6, 1), date(2029, 6, 1))):%Y%m%d}T000000Z")
    return ";".join(parts)


# The same 150 examples on every run (derandomize), so that a submission is not refused by the draw; for a wider
# search set KYOYO_HYPOTHESIS_EXAMPLES (3,000 passed when this was written) and KYOYO_HYPOTHESIS_RANDOM=1.
@settings(
    max_examples=int(os.environ.get("KYOYO_HYPOTHESIS_EXAMPLES", 150)),
    derandomize=not os.environ.get("KYOYO_HYPOTHESIS_RANDOM"),
    deadline=None,
)
# Found by this test in CI: the first week of a WEEKLY rule begins at DTSTART, so BYSETPOS=1 is the Monday after a
# Wednesday DTSTART, not the Tuesday before it.
@example(
    text="FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,MO;BYSETPOS=1;WKST=TU",
    start=datetime(2025, 1, 1),
    after=date(2025, 1, 1),
    days=5,
)
@given(
    text=rules(),
    start=st.datetimes(datetime(2018, 1, 1), datetime(2028, 12, 31)).map(lambda d: d.replace(second=0, microsecond=0)),
    after=st.dates(date(2025, 1, 1), date(2029, 1, 1)),
    days=st.integers(1, 900),
)
def test_occurrences_are_dateutils(text, start, after, days):
    dtstart = start.replace(tzinfo=TOKYO)
    low = datetime.combine(after, time(7), tzinfo=TOKYO)
    high = low + timedelta(days=days)
    expected = list(rrulestr(text, dtstart=dtstart).between(low, high, inc=True))
    budget = Budget(steps=10**6, seconds=60)
    found = expand(rule(text, dtstart), dtstart, after=low, before=high, budget=budget, moment=_moment)
    assert found == expected, text


def test_the_module_refuses_what_it_does_not_understand():
    assert "BYWEEKNO" not in recurrence.UNDERSTOOD and "RSCALE" not in recurrence.UNDERSTOOD
