"""The pure checks of the weekly pattern and the lending agreements (staffing.rules)."""

from datetime import date, time

from hypothesis import given
from hypothesis import strategies as st

from staffing import rules


def test_an_agreement_runs_at_most_three_years_to_the_day():
    assert rules.agreement_span_ok(date(2026, 4, 1), date(2029, 3, 31))
    assert not rules.agreement_span_ok(date(2026, 4, 1), date(2029, 4, 1))
    assert rules.add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)


stretch = st.tuples(
    st.integers(min_value=-1, max_value=7),
    st.times(max_value=time(23, 59)).map(lambda t: t.replace(second=0, microsecond=0)),
    st.times(max_value=time(23, 59)).map(lambda t: t.replace(second=0, microsecond=0)),
)


@given(st.lists(stretch, max_size=12))
def test_a_pattern_that_passes_has_no_overlapping_stretches_in_a_day(pattern):
    if rules.pattern_problem(pattern) is not None:
        return
    for i, (day_a, start_a, end_a) in enumerate(pattern):
        assert 0 <= day_a <= 6 and start_a < end_a
        for day_b, start_b, end_b in pattern[i + 1 :]:
            assert day_a != day_b or end_a <= start_b or end_b <= start_a


def test_the_span_near_the_end_of_the_calendar_is_no_error():
    assert rules.add_years(date(9998, 6, 1), 3) == date.max
    assert rules.agreement_span_ok(date(9998, 6, 1), date(9999, 12, 31))
