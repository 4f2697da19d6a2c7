"""Step 3, the additive figures of the bookings: booked and used hours, counts and yen (2 queries).

Hours are clipped to the period, and to each month for the month rows; counts and yen belong to the month in
which a booking starts.
"""

from django.db.models import Count, QuerySet

from backend.periods import Period
from bookings.models import Booking
from equipment.models import Instrument

from ..figures import Figures, Row
from .expressions import company_size, count_figures, counts, hour_figures, hour_sums, month_key, served_in, start_month
from .rows import Rows, instrument_rows


def add_grouped(rows: Rows, totals: Row, bookings: QuerySet[Booking], period: Period, by_instrument: dict) -> None:
    """The whole period's figures, grouped by instrument × mode × company size (1 query).

    Each grouped row goes into its instrument, mode and size rows; institutions, categories and the totals then
    add up instrument rows (one per instrument, not one per grouped row: the grouped rows are many more).
    """
    grouped = (
        bookings.values("instrument_id", "mode", size=company_size())
        .annotate(**hour_sums(period.start, period.end), **counts(period.start, period.end))
        .order_by()
    )
    booked: dict[int, Figures] = {}
    for values in grouped:
        figures = hour_figures(values)
        figures.add(count_figures(values))
        booked.setdefault(values["instrument_id"], Figures(available_us=None)).add(figures)
        for name, key in (("by_mode", values["mode"]), ("by_company_size", values["size"])):
            rows[name].setdefault(key, Row(key, str(key), Figures(available_us=None))).figures.add(figures)
    for instrument_id, figures in booked.items():
        instrument: Instrument = by_instrument[instrument_id]
        for row in instrument_rows(rows, totals, instrument):
            row.figures.add(figures)


def add_months(rows: Rows, bookings: QuerySet[Booking], period: Period, *, count_companies: bool) -> dict:
    """By month: counts by the month a booking starts, hours clipped to each month, one column each (1 query).

    With `count_companies` the same query counts the distinct companies served, by start month, and returns
    them ({month key: companies}); without, it returns {} and can aggregate in parallel on PostgreSQL.
    """
    months = list(period.months())
    month_hours = {}
    for i, (_key, lo, hi) in enumerate(months):
        month_hours.update(hour_sums(lo, hi, suffix=f"_{i}"))
    month_companies = {}
    if count_companies:
        month_companies["companies"] = Count("company", distinct=True, filter=served_in(period.start, period.end))
    companies = {}
    for values in (
        bookings.values(month=start_month())
        .annotate(**month_hours, **counts(period.start, period.end), **month_companies)
        .order_by()
    ):
        key = month_key(values["month"])
        started = rows["by_month"].get(key)
        if started is not None:
            started.figures.add(count_figures(values))
            if count_companies:
                companies[key] = values["companies"]
        for i, (month, _lo, _hi) in enumerate(months):
            rows["by_month"][month].figures.add(hour_figures(values, f"_{i}"))
    return companies
