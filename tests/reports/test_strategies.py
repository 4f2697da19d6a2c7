"""Distinct companies and median lead times have two strategies (reports.selectors.companies_and_leads): the
portable one SQLite runs and the GROUPING SETS one PostgreSQL runs. Both run on PostgreSQL here, on the same
bookings, and must give the same report — on data where a median of an even group averages two different
middle values and companies are served several times in one row, so a wrong median or a company counted twice
would show."""

import statistics
from datetime import timedelta

import pytest

from backend.periods import parse_period
from bookings.models import Booking
from reports.selectors.companies_and_leads import GROUPING_SETS, PORTABLE, strategy_for
from reports.selectors.report import build_utilization
from tests.reports.conftest import make_booking, t

S = Booking.Status
PERIOD = parse_period({"start": "2026-03-01", "end": "2026-04-30"})


def many_bookings(data) -> list[Booking]:
    """Thirty evening bookings every other day through March and April at a1 and b1, with lead times that all
    differ; sme1 comes back again and again, in several modes and months."""
    companies = [data.sme1, data.sme1, data.large1, None, data.sme2]
    statuses = [S.COMPLETED, S.COMPLETED, S.COMPLETED, S.REJECTED, S.APPROVED, S.CANCELLED, S.PENDING]
    bookings = []
    for i in range(30):
        start = t(3, 1, 18) + timedelta(days=2 * i)
        company, status = companies[i % 5], statuses[i % 7]
        created = start - timedelta(days=10)
        bookings.append(
            make_booking(
                data.a1 if i % 2 else data.b1,
                data.user,
                company=company,
                category=company.size if company else ("academic", "internal")[i % 2],
                mode=("self", "assisted", "commissioned")[i % 3],
                start=start,
                end=start + timedelta(hours=1),
                status=status,
                actual=(start, start + timedelta(minutes=50)) if status == S.COMPLETED else None,
                subtotal=1000 * i,
                created=created,
                decided=None if status == S.PENDING else created + timedelta(minutes=37 * (i * 11 % 30) + 5),
            )
        )
    return bookings


def report_with(strategy, data):
    return build_utilization(consortium=data.h, period=PERIOD, institution_ids=None, strategy=strategy)


def test_the_strategy_is_chosen_by_vendor():
    assert strategy_for("postgresql") is GROUPING_SETS
    assert strategy_for("sqlite") is PORTABLE


@pytest.mark.postgres_only
def test_both_strategies_give_the_same_report_on_postgresql(data):
    many_bookings(data)
    portable, grouping_sets = report_with(PORTABLE, data), report_with(GROUPING_SETS, data)

    assert grouping_sets.totals == portable.totals
    for name, rows in portable.breakdowns.items():
        assert grouping_sets.breakdowns[name] == rows, name
    assert grouping_sets.consultations == portable.consultations
    assert grouping_sets.usage_reports == portable.usage_reports

    # The data can tell a right strategy from a wrong one: the figures are the ones counted here by hand.
    consortium = {data.inst_a.id, data.inst_b.id}
    counted = Booking.objects.filter(
        instrument__institution_id__in=consortium, start__gte=PERIOD.start, start__lt=PERIOD.end
    )
    served = counted.filter(status=S.COMPLETED, company__isnull=False)
    leads = [b.decided_at - b.created_at for b in counted.filter(decided_at__isnull=False)]
    assert len(leads) % 2 == 0 and len(set(leads)) == len(leads)  # an even count of distinct values: two middles
    assert portable.totals.figures.companies == len({b.company_id for b in served}) == 3 < served.count()
    assert portable.totals.figures.median_lead_time == statistics.median(leads)
    march = next(row for row in portable.breakdowns["by_month"] if row.key == "2026-03")
    assert march.figures.companies == 3 < march.figures.company_uses
