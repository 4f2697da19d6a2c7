"""The rows of a report: every breakdown's rows, in display order, filled in by the steps.

Available hours go into the rows that can carry them (not by mode or company size); the additive figures of an
instrument go into its institution, category and the totals; distinct companies and medians are set row by row,
as they do not add up.

Labels are in the active language: names of things localized, months and the totals through the catalogue.
"""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from backend.periods import Period
from equipment.models import Instrument, UsageMode

from ..figures import BREAKDOWNS, Figures, Row, total_label
from .expressions import SIZE_ORDER

Rows = dict[str, dict]


def blank_rows(instruments: list[Instrument], institution_names: dict[int, str], period: Period) -> tuple[Rows, Row]:
    """Rows of every breakdown, in display order, all zero to begin with, and the totals row."""
    rows: Rows = {name: {} for name in BREAKDOWNS}
    for institution_id, name in institution_names.items():  # every member, even one without instruments
        rows["by_institution"][institution_id] = Row(institution_id, name)
    for instrument in instruments:
        institution, category = instrument.institution, instrument.category
        label = _("%(instrument)s (%(institution)s)") % {
            "instrument": instrument.localized_name,
            "institution": institution.localized_name,
        }
        rows["by_instrument"][instrument.id] = Row(instrument.id, label)
        rows["by_category"].setdefault(category.id, Row(category.code, category.localized_name))
    for mode in UsageMode:
        rows["by_mode"][mode.value] = Row(mode.value, str(mode.label), Figures(available_us=None))
    for size in SIZE_ORDER:
        rows["by_company_size"][size.value] = Row(size.value, str(size.label), Figures(available_us=None))
    for (year, month), _lo, _hi in period.months():
        label = formats.date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")  # 2026年3月 / March 2026
        rows["by_month"][(year, month)] = Row(f"{year}-{month:02d}", label)
    return rows, Row("total", total_label())


def instrument_rows(rows: Rows, totals: Row, instrument: Instrument) -> tuple[Row, ...]:
    """The rows an instrument's figures add up into: the totals, its own, its institution's and its category's."""
    return (
        totals,
        rows["by_instrument"][instrument.id],
        rows["by_institution"][instrument.institution_id],
        rows["by_category"][instrument.category_id],
    )


def add_available(rows: Rows, totals: Row, available: dict, by_instrument: dict[int, Instrument]) -> None:
    """Available hours per instrument and month, added up into every breakdown that can carry them."""
    for instrument_id, months in available.items():
        instrument = by_instrument[instrument_id]
        for key, us in months.items():
            for row in (rows["by_month"][key], *instrument_rows(rows, totals, instrument)):
                row.figures.available_us += us


def set_companies_and_leads(rows: Rows, totals: Row, companies: dict, leads: dict) -> None:
    """The figures that do not add up, row by row; then each row's capacity (its own availability, or the
    total's where it has none)."""
    totals.figures.companies = companies["totals"][None] or 0
    totals.figures.median_lead_time = leads["totals"].get(None)
    for name in BREAKDOWNS:
        for key, row in rows[name].items():
            row.figures.companies = companies[name].get(key, 0)
            row.figures.median_lead_time = leads[name].get(key)
            own = row.figures.available_us
            row.capacity_us = totals.figures.available_us if own is None else own
    totals.capacity_us = totals.figures.available_us
