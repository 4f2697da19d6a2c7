"""Step 4, the figures that do not add up: distinct companies served and median lead times, per row.

Two strategies give the same figures, in the same shapes (`{breakdown: {key: value}}`, with "totals" keyed
by None), and `strategy_for` picks one by database vendor:

- `PORTABLE` (any database, what SQLite runs): a COUNT(DISTINCT company) per breakdown (6 queries; by month
  it rides along the month query of step 3) and the medians from window functions (1 query).
- `GROUPING_SETS` (PostgreSQL): both from one scan grouped by GROUPING SETS, with COUNT(DISTINCT …) and
  percentile_cont(0.5). It also gives companies by month, which lets the month query leave COUNT(DISTINCT)
  out and aggregate in parallel.

tests/reports/test_strategies.py runs both on PostgreSQL on the same data and finds the same report.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from backend.periods import Period
from bookings.models import Booking

from .expressions import ZERO, Status, dimensions, lead_time, lead_time_groups, month_key, served_in, starts_in

ByGroup = dict[str, dict]


def distinct_companies(bookings: QuerySet[Booking], period: Period) -> ByGroup:
    """Distinct companies served (completed bookings that start in the period), per breakdown but the month
    (6 queries)."""
    served = bookings.filter(served_in(period.start, period.end), company__isnull=False)
    result = {"totals": {None: served.aggregate(n=Count("company", distinct=True))["n"]}}
    for name, expression in dimensions().items():
        rows = served.values(k=expression).annotate(n=Count("company", distinct=True)).order_by()
        result[name] = {row["k"]: row["n"] for row in rows}
    return result


def median_lead_times(bookings: QuerySet[Booking], period: Period) -> ByGroup:
    """Median of decided_at − created_at per group, in one query: window functions number the decided bookings
    of each group by lead time and only the one or two middle rows of some group come back."""
    lead, groups = lead_time(), lead_time_groups()
    annotations, middle = {"lead": lead}, Q()
    for i, expression in enumerate(groups.values()):
        partition = {} if expression is None else {"partition_by": [expression]}
        if expression is not None:
            annotations[f"k{i}"] = expression
        annotations[f"p{i}"] = Window(RowNumber(), order_by=[lead.asc(), F("id").asc()], **partition)
        annotations[f"n{i}"] = Window(Count("id"), **partition)
        middle |= Q(**{f"p{i}__gte": (F(f"n{i}") + 1) / 2, f"p{i}__lte": (F(f"n{i}") + 2) / 2})
    decided = bookings.filter(starts_in(period.start, period.end), decided_at__isnull=False)
    leads: ByGroup = {name: defaultdict(list) for name in groups}
    for row in decided.annotate(**annotations).filter(middle).values(*annotations):
        for i, name in enumerate(groups):
            position, size = row[f"p{i}"], row[f"n{i}"]
            if (size + 1) // 2 <= position <= (size + 2) // 2:  # a middle row of this group (not only of another)
                key = row.get(f"k{i}")
                leads[name][month_key(key) if name == "by_month" else key].append(row["lead"])
    return {name: {k: sum(v, ZERO) / len(v) for k, v in middles.items()} for name, middles in leads.items()}


def portable(bookings: QuerySet[Booking], period: Period) -> tuple[ByGroup, ByGroup]:
    """Any database: seven scans (companies by month come from the month query)."""
    return distinct_companies(bookings, period), median_lead_times(bookings, period)


def _grouping_sets_sql(bookings: QuerySet[Booking], period: Period, names: list[str]) -> tuple[str, tuple]:
    """The bookings that start in the period with a column k<i> per group, grouped by every one of them alone
    and by none (the totals)."""
    dimensions_ = lead_time_groups()
    rows = (
        bookings.filter(starts_in(period.start, period.end))
        .annotate(**{f"k{i}": dimensions_[name] for i, name in enumerate(names)})
        .annotate(lead=lead_time())
        .values(*(f"k{i}" for i in range(len(names))), "company_id", "status", "lead")
        .order_by()
    )
    inner, params = rows.query.sql_with_params()
    keys = ", ".join(f"k{i}" for i in range(len(names)))
    sets = ", ".join(["()", *(f"(k{i})" for i in range(len(names)))])
    sql = (
        f"SELECT GROUPING({keys}), {keys}, "
        f"COUNT(DISTINCT company_id) FILTER (WHERE status = %s AND company_id IS NOT NULL), "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY lead) FILTER (WHERE lead IS NOT NULL) "
        f"FROM ({inner}) AS b GROUP BY GROUPING SETS ({sets})"
    )
    return sql, (Status.COMPLETED, *params)  # in the order of the text: the SELECT list first


def grouping_sets(bookings: QuerySet[Booking], period: Period) -> tuple[ByGroup, ByGroup]:
    """PostgreSQL: one scan with GROUPING SETS; percentile_cont(0.5) is the median, averaging the two middle
    values of an even count."""
    names = [name for name in lead_time_groups() if name != "totals"]
    sql, params = _grouping_sets_sql(bookings, period, names)
    companies: ByGroup = {name: {} for name in ["totals", *names]}
    leads: ByGroup = {name: {} for name in ["totals", *names]}
    everything = (1 << len(names)) - 1  # GROUPING() has a bit set for each key not grouped by
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for grouping, *values in cursor.fetchall():
            served, median = values[-2], values[-1]
            if grouping == everything:
                name, key = "totals", None
            else:
                i = len(names) - (everything ^ grouping).bit_length()  # the one key grouped by (its bit is clear)
                name, key = names[i], values[i]
                if name == "by_month":  # DATE_TRUNC of the Tokyo wall-clock time: naive, already Tokyo's month
                    key = (key.year, key.month)
            companies[name][key] = served
            if median is not None:
                leads[name][key] = median
    return companies, leads


class Strategy(NamedTuple):
    name: str
    companies_and_leads: Callable[[QuerySet[Booking], Period], tuple[ByGroup, ByGroup]]
    month_query_counts_companies: bool  # True: companies by month come from step 3's month query


PORTABLE = Strategy("portable", portable, month_query_counts_companies=True)
GROUPING_SETS = Strategy("grouping_sets", grouping_sets, month_query_counts_companies=False)


def strategy_for(vendor: str) -> Strategy:
    """The one place the strategy is chosen: GROUPING SETS where the database has them fast."""
    return GROUPING_SETS if vendor == "postgresql" else PORTABLE
