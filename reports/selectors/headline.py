"""The headline of a consortium's report for one period: the totals row only, for the secretariat's home page.

The same steps and expressions as the full report (`report.build_utilization`), without the breakdowns, the
distinct companies and the medians: the scope (2 queries), the available hours (2) and one aggregate over the
consortium's bookings (1). Its figures equal the full report's totals (tests/reports/test_headline.py).
"""

from backend.periods import Period

from ..figures import Row, rounded_hours, row_dict, total_label
from .availability import available_us_by_month
from .expressions import count_figures, counts, hour_figures, hour_sums
from .scope import consortium_bookings, member_instruments, membership_windows

HEADLINE_FIELDS = ("available_hours", "used_hours", "utilization_rate", "uses", "requests", "revenue_jpy")


def headline(*, consortium_id: int, period: Period) -> dict:
    """{available_hours, used_hours, utilization_rate, uses, requests, revenue_jpy} of the whole consortium."""
    windows, _names = membership_windows(consortium_id, period)
    instruments = member_instruments(windows)
    available = available_us_by_month(instruments, windows, period)
    values = consortium_bookings(windows, period).aggregate(
        **hour_sums(period.start, period.end), **counts(period.start, period.end)
    )
    totals = Row("total", total_label())
    figures = hour_figures(values)
    figures.add(count_figures(values))
    figures.available_us = sum(us for months in available.values() for us in months.values())
    totals.figures = figures
    totals.capacity_us = figures.available_us
    row = row_dict(totals, rounded_hours(totals))
    return {name: row[name] for name in HEADLINE_FIELDS}
