"""Reads of the reports app: utilization figures of one consortium for a period, and who may see them.

The figures are aggregated in the database, in a constant number of queries whatever the number of bookings
(about a dozen). The steps, each in its own module, run in order by `report.build_utilization`:

1. `scope` — the memberships overlapping the period (1 query), their instruments (1) and the bookings that
   count toward the consortium (a queryset, not yet run);
2. `availability` — available hours per instrument and month from opening hours (1), public holidays and
   downtimes (1), in Python: they do not grow with the number of bookings;
3. `booked` — booked and used hours, counts and yen, grouped by instrument × mode × company size (1) and by
   start month with one hour column per month (1);
4. `companies_and_leads` — distinct companies and median lead times, which do not add up: two strategies,
   one portable (7 queries) and one for PostgreSQL (1), chosen by vendor in `strategy_for`;
5. `rows` — the rows of every breakdown the steps fill in; `report` assembles the `UtilizationReport`.

`expressions` holds the SQL expressions the steps share; `access` who may see which report; `headline` the totals
alone of a period (the secretariat's home page), from the same steps.

Definitions (see docs/reports.md): hours are split at the period and month boundaries (a booking across midnight,
a month end or the fiscal-year end counts in each part for the time that falls in it); counts and yen belong to
the period and month in which the booking *starts*, so they stay whole and add up.
"""

from .access import member_institution_ids, report_scope_for, reports_visible_to
from .headline import headline
from .report import tuned_for_aggregation, usage_reports_block, utilization

__all__ = [
    "headline",
    "member_institution_ids",
    "report_scope_for",
    "reports_visible_to",
    "tuned_for_aggregation",
    "usage_reports_block",
    "utilization",
]
