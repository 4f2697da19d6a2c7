"""Periods from query parameters: any text is either a period or a 400 naming the field, never a crash."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.errors import DomainError
from reports.periods import Period, last_month, parse_period

TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "2026",
            "²",
            "٢٠٢٦",
            "2026-04-01",
            "9999-12-31",
            "0001-01-01",
            "2026-04-01T00:00:00+14:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "2026-13",
            "2026-04-01T25:00",
        ]
    ),
)


@given(params=st.dictionaries(st.sampled_from(["fy", "month", "start", "end"]), TEXT, max_size=4))
def test_any_text_is_a_period_or_a_refusal_naming_a_field(params):
    try:
        period = parse_period(params)
    except DomainError as refusal:
        assert refusal.status == 400 and refusal.field in {"fy", "month", "start", "end"}
    else:
        assert period.start < period.end
        list(period.months())
        assert period.label and period.slug


def test_fiscal_years_months_and_last_month():
    fy = Period.fiscal_year(2026)
    assert (fy.label, fy.slug, len(list(fy.months()))) == ("2026年度 (FY2026)", "fy2026", 12)
    assert Period.month(2026, 12).label == "2026年12月" and Period.month(2026, 12).slug == "2026-12"
    assert last_month(date(2026, 1, 1)) == Period.month(2025, 12)
    assert last_month(date(2026, 3, 31)) == Period.month(2026, 2)
    custom = parse_period({"start": "2026-04-01", "end": "2026-06-30"})
    assert (custom.label, custom.slug) == ("2026-04-01 – 2026-06-30", "20260401-20260630")


@pytest.mark.parametrize(
    "params",
    [
        {"fy": "²"},
        {"end": "9999-12-31", "start": "2026-01-01"},
        {"start": "0001-01-01T00:00:00+14:00", "end": "2026-01-01"},
    ],
)
def test_edge_cases_found_by_fuzzing_are_refusals(params):
    with pytest.raises(DomainError):
        parse_period(params)
