"""Periods from query parameters: any text is either a period or a 400 naming the field, never a crash."""

from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from backend.errors import DomainError
from backend.periods import Period, last_month, parse_period
from backend.plumbing import naive_datetime_error
from tests.language import bilingual_pairs, japanese_in

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
    assert (fy.label, fy.slug, len(list(fy.months()))) == ("2026年度", "fy2026", 12)
    assert Period.month(2026, 12).label == "2026年12月" and Period.month(2026, 12).slug == "2026-12"
    assert last_month(date(2026, 1, 1)) == Period.month(2025, 12)
    assert last_month(date(2026, 3, 31)) == Period.month(2026, 2)
    custom = parse_period({"start": "2026-04-01", "end": "2026-06-30"})
    assert (custom.label, custom.slug) == ("2026年4月1日〜2026年6月30日", "20260401-20260630")


def test_periods_are_named_in_english_on_english_pages():
    custom = parse_period({"start": "2026-04-01", "end": "2026-06-30"})
    moments = parse_period({"start": "2026-12-02T09:30:00+09:00", "end": "2026-12-03T00:00:00Z"})
    with translation.override("en"):
        assert Period.fiscal_year(2026).label == "FY2026" and Period.month(2026, 12).label == "December 2026"
        assert custom.label == "April 1, 2026 – June 30, 2026" and custom.slug == "20260401-20260630"
        assert moments.label == "Dec. 2, 2026, 09:30 – Dec. 3, 2026, 09:00"  # Tokyo time, an en dash, no 〜
    assert moments.label == "2026年12月2日 09:30〜2026年12月3日 09:00"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_refusals_are_in_one_language(language):
    with translation.override(language), pytest.raises(DomainError) as refusal:
        parse_period({"fy": "1999"})
    message = str(refusal.value.message)
    assert "1999" not in message and "2000" in message
    assert bool(japanese_in(message)) == (language == "ja") and not bilingual_pairs(message)


def test_a_naive_datetime_is_refused_by_the_one_refusal():
    with pytest.raises(DomainError) as refusal:
        parse_period({"start": "2026-04-01T00:00:00", "end": "2026-05-01"})
    expected = naive_datetime_error("start")
    assert (refusal.value.code, refusal.value.field, refusal.value.message) == (
        expected.code,
        "start",
        expected.message,
    )


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
