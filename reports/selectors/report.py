"""The utilization report: its steps, run in order, and the report they assemble.

`utilization` is the one entry point; `build_utilization` runs the same steps with a given strategy for the
figures that do not add up (tests run both strategies on PostgreSQL).
"""

from collections.abc import Collection
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from backend.periods import Period
from consortia.models import Consortium
from consultations.selectors import consultation_summary
from contributions.selectors import report_staff_figures
from contributions.tables import staff_block
from usage_reports.selectors import usage_report_summary

from ..figures import BREAKDOWNS, UtilizationReport
from .availability import available_us_by_month
from .booked import add_grouped, add_months
from .companies_and_leads import Strategy, strategy_for
from .rows import add_available, blank_rows, set_companies_and_leads
from .scope import consortium_bookings, member_instruments, membership_windows


@contextmanager
def tuned_for_aggregation():
    """On PostgreSQL, for the report's transaction only: enough work_mem that its grouping hashes and sorts stay in
    memory (the default 4 MB spilled a fiscal year of a large consortium to disk), and no JIT compilation, which
    cost more (about 60 ms a query) than it saved on these scans. Elsewhere a plain transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)")
        yield


def utilization(
    *, consortium: Consortium, period: Period, institution_ids: Collection[int] | None = None
) -> UtilizationReport:
    """The consortium's figures for the period, whole or restricted to some member institutions."""
    with tuned_for_aggregation():
        return build_utilization(
            consortium=consortium,
            period=period,
            institution_ids=institution_ids,
            strategy=strategy_for(connection.vendor),
        )


def build_utilization(
    *, consortium: Consortium, period: Period, institution_ids: Collection[int] | None, strategy: Strategy
) -> UtilizationReport:
    """The steps in order: scope, available hours, additive figures, distinct companies and medians."""
    windows, institution_names = membership_windows(consortium.id, period, institution_ids)
    instruments = member_instruments(windows)
    by_instrument = {i.id: i for i in instruments}
    available = available_us_by_month(instruments, windows, period)
    bookings = consortium_bookings(windows, period)

    rows, totals = blank_rows(instruments, institution_names, period)
    add_available(rows, totals, available, by_instrument)
    add_grouped(rows, totals, bookings, period, by_instrument)
    count_companies = strategy.month_query_counts_companies
    month_companies = add_months(rows, bookings, period, count_companies=count_companies)
    companies, leads = strategy.companies_and_leads(bookings, period)
    if count_companies:
        companies["by_month"] = month_companies
    set_companies_and_leads(rows, totals, companies, leads)

    scope = None
    if institution_ids is not None:
        scope = [(row.key, row.label) for row in rows["by_institution"].values()]
    return UtilizationReport(
        consortium_id=consortium.id,
        consortium_name=consortium.localized_name,
        period=period,
        scope=scope,
        totals=totals,
        breakdowns={name: list(rows[name].values()) for name in BREAKDOWNS},
        generated_at=timezone.now(),
        consultations=consultation_summary(consortium.id, period.start, period.end, institution_ids=institution_ids),
        usage_reports=usage_report_summary(bookings, period.start, period.end),
        staff=staff_block(
            *report_staff_figures(consortium_id=consortium.id, period=period, institution_ids=institution_ids)
        ),
    )


def usage_reports_block(*, consortium: Consortium, period: Period, institution_ids: Collection[int] | None = None):
    """The report's usage-report block alone (its publishable outcomes for their own paged list), from the same
    scope as `utilization`, without computing the figures."""
    windows, _names = membership_windows(consortium.id, period, institution_ids)
    return usage_report_summary(consortium_bookings(windows, period), period.start, period.end)
