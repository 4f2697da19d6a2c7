"""The headline (the secretariat's home page) is the full report's totals, from the same steps."""

import pytest

from backend.periods import Period
from reports.selectors import headline, utilization
from reports.selectors.headline import HEADLINE_FIELDS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period", [Period.month(2026, 3), Period.month(2026, 4), Period.fiscal_year(2025)])
@pytest.mark.parametrize("name", ["h", "tama"])
def test_the_headline_is_the_full_reports_totals(data, name, period):
    consortium = getattr(data, name)
    totals = utilization(consortium=consortium, period=period).as_dict()["totals"]
    assert headline(consortium_id=consortium.id, period=period) == {key: totals[key] for key in HEADLINE_FIELDS}


def test_the_march_headline_by_hand(data):
    figures = headline(consortium_id=data.h.id, period=Period.month(2026, 3))
    assert figures["available_hours"] == 331.0 and figures["used_hours"] == 15.25
    assert figures["utilization_rate"] == 0.0461 and figures["uses"] == 5 and figures["revenue_jpy"] == 72600


def test_the_headline_takes_a_handful_of_queries_whatever_the_bookings(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        headline(consortium_id=data.h.id, period=Period.fiscal_year(2025))
