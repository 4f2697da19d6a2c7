"""The figures of a report and how they are shown: pure data, no ORM (selectors fill them in).

Durations are kept exact, in integer microseconds, so the parts of every breakdown add up to the total exactly.
Shown as hours with two decimals, each breakdown's hours are rounded by the largest-remainder method, so the
rounded rows still add up to the rounded total (a row may then differ from its own rounding by 0.01 h).
Rates are computed from the exact values, never from rounded ones.
"""

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from backend.periods import Period
from backend.tokyo import TOKYO

US = timedelta(microseconds=1)
US_PER_CENTIHOUR = 36_000_000  # 0.01 h

BREAKDOWNS = ("by_institution", "by_instrument", "by_category", "by_mode", "by_month", "by_company_size")
BREAKDOWN_TITLES = {
    "totals": _("Totals"),
    "by_institution": _("By institution"),
    "by_instrument": _("By instrument"),
    "by_category": _("By category"),
    "by_mode": _("By usage mode"),
    "by_month": _("By month"),
    "by_company_size": _("By user category"),
}


@dataclass
class Figures:
    """One row's raw figures. All but `companies` and `median_lead_time` add up across a breakdown."""

    available_us: int | None = 0  # None where availability cannot be split (by mode, by company size)
    booked_us: int = 0
    used_us: int = 0
    company_used_us: int = 0
    sme_used_us: int = 0
    requests: int = 0
    uses: int = 0
    company_uses: int = 0
    sme_uses: int = 0
    decided: int = 0
    rejected: int = 0
    cancelled: int = 0
    no_shows: int = 0
    revenue_excl_tax_jpy: int = 0
    tax_jpy: int = 0
    revenue_jpy: int = 0
    companies: int = 0  # distinct companies: a company in two rows counts once in the total
    median_lead_time: timedelta | None = None

    def add(self, other: "Figures") -> None:
        mine, theirs = self.__dict__, other.__dict__  # the instance dicts: this runs tens of thousands of times
        for name in ADDITIVE:
            a, b = mine[name], theirs[name]
            if a is not None and b is not None:
                mine[name] = a + b


ADDITIVE = tuple(f.name for f in fields(Figures) if f.name not in ("companies", "median_lead_time"))
HOUR_FIELDS = {
    "available_hours": "available_us",
    "booked_hours": "booked_us",
    "used_hours": "used_us",
    "company_used_hours": "company_used_us",
    "sme_used_hours": "sme_used_us",
}

RATES = {
    "utilization_rate",
    "booked_rate",
    "external_share",
    "sme_share",
    "rejection_rate",
    "cancellation_rate",
    "no_show_rate",
}
YEN = {"revenue_jpy", "revenue_excl_tax_jpy", "tax_jpy"}

# The fields of every row, in order, with their headings (in the reader's language) for CSV, Excel and PDF.
COLUMNS = [
    ("key", pgettext_lazy("report column", "Key")),
    ("label", pgettext_lazy("report column", "Name")),
    ("available_hours", pgettext_lazy("report column", "Available hours")),
    ("booked_hours", pgettext_lazy("report column", "Booked hours")),
    ("used_hours", pgettext_lazy("report column", "Used hours")),
    ("utilization_rate", _("Utilization rate")),
    ("booked_rate", _("Booked rate (booked ÷ available)")),
    ("uses", pgettext_lazy("report column", "Uses")),
    ("requests", pgettext_lazy("report column", "Requests")),
    ("companies", pgettext_lazy("report column", "Companies")),
    ("company_uses", _("Company uses")),
    ("sme_uses", _("SME uses")),
    ("company_used_hours", pgettext_lazy("report column", "Company hours")),
    ("sme_used_hours", pgettext_lazy("report column", "SME hours")),
    ("external_share", _("Company share of used hours")),
    ("sme_share", _("SME share of company hours")),
    ("revenue_jpy", _("Fee revenue incl. tax (yen)")),
    ("revenue_excl_tax_jpy", _("Fee revenue excl. tax (yen)")),
    ("tax_jpy", _("Consumption tax (yen)")),
    ("decided", _("Approved or rejected")),
    ("rejected", pgettext_lazy("report column", "Rejected")),
    ("cancelled", pgettext_lazy("report column", "Cancelled")),
    ("no_shows", _("No-shows")),
    ("rejection_rate", _("Rejection rate")),
    ("cancellation_rate", _("Cancellation rate")),
    ("no_show_rate", _("No-show rate")),
    ("median_lead_time_hours", _("Median hours to decision")),
]
METRIC_FIELDS = [name for name, _heading in COLUMNS if name not in ("key", "label")]


@dataclass
class Row:
    key: str | int
    label: str
    figures: Figures = field(default_factory=Figures)
    capacity_us: int | None = None  # the denominator of the rates: own availability, or the total's


@dataclass
class UtilizationReport:
    consortium_id: int
    consortium_name: str
    period: Period
    scope: list[tuple[int, str]] | None  # the institutions a staff slice is restricted to; None: whole consortium
    totals: Row
    breakdowns: dict[str, list[Row]]
    generated_at: datetime
    consultations: dict | None = None  # the technical-consultation block (consultations.selectors)
    usage_reports: dict | None = None  # the usage-report (利用報告書) block (usage_reports.selectors)
    staff: dict | None = None  # the staff block: operators' hours and consultations (contributions.tables)

    def as_dict(self) -> dict:
        """The JSON shape of the API (also what the exports render)."""
        body = {
            "consortium": {"id": self.consortium_id, "name": self.consortium_name},
            "period": {
                "start": self.period.local_start.isoformat(),
                "end": self.period.local_end.isoformat(),
                "label": self.period.label,
                "slug": self.period.slug,
            },
            "scope": None if self.scope is None else [{"id": i, "name": n} for i, n in self.scope],
            "generated_at": self.generated_at.isoformat(),
            "totals": row_dict(self.totals, rounded_hours(self.totals)),
        }
        for name in BREAKDOWNS:
            rows = self.breakdowns[name]
            hours = apportioned_hours(rows, self.totals)
            body[name] = [row_dict(row, h) for row, h in zip(rows, hours, strict=True)]
        body["consultations"] = self.consultations
        body["usage_reports"] = self.usage_reports
        body["staff"] = self.staff
        return body


def _ratio(numerator: int, denominator: int | None) -> float | None:
    if not denominator:
        return None
    return round(numerator / denominator, 4)


def _centihours(us: int) -> int:
    return (us + US_PER_CENTIHOUR // 2) // US_PER_CENTIHOUR


def rounded_hours(row: Row) -> dict[str, float | None]:
    values = {}
    for name, raw in HOUR_FIELDS.items():
        us = getattr(row.figures, raw)
        values[name] = None if us is None else _centihours(us) / 100
    return values


def apportioned_hours(rows: list[Row], totals: Row) -> list[dict[str, float | None]]:
    """Hours with two decimals per row such that each column adds up to the total's rounded hours."""
    result: list[dict[str, float | None]] = [{} for _ in rows]
    for name, raw in HOUR_FIELDS.items():
        values = [getattr(row.figures, raw) for row in rows]
        if any(v is None for v in values):
            for out in result:
                out[name] = None
            continue
        floors = [v // US_PER_CENTIHOUR for v in values]
        target = _centihours(sum(values))
        short = target - sum(floors)
        by_remainder = sorted(range(len(rows)), key=lambda i: (-(values[i] % US_PER_CENTIHOUR), i))
        for i in by_remainder[:short]:
            floors[i] += 1
        for out, centi in zip(result, floors, strict=True):
            out[name] = centi / 100
    return result


def row_dict(row: Row, hours: dict[str, float | None]) -> dict:
    f = row.figures
    lead = f.median_lead_time
    return {
        "key": row.key,
        "label": row.label,
        "available_hours": hours["available_hours"],
        "booked_hours": hours["booked_hours"],
        "used_hours": hours["used_hours"],
        "utilization_rate": _ratio(f.used_us, row.capacity_us),
        "booked_rate": _ratio(f.booked_us, row.capacity_us),
        "uses": f.uses,
        "requests": f.requests,
        "companies": f.companies,
        "company_uses": f.company_uses,
        "sme_uses": f.sme_uses,
        "company_used_hours": hours["company_used_hours"],
        "sme_used_hours": hours["sme_used_hours"],
        "external_share": _ratio(f.company_used_us, f.used_us),
        "sme_share": _ratio(f.sme_used_us, f.company_used_us),
        "revenue_jpy": f.revenue_jpy,
        "revenue_excl_tax_jpy": f.revenue_excl_tax_jpy,
        "tax_jpy": f.tax_jpy,
        "decided": f.decided,
        "rejected": f.rejected,
        "cancelled": f.cancelled,
        "no_shows": f.no_shows,
        "rejection_rate": _ratio(f.rejected, f.decided),
        "cancellation_rate": _ratio(f.cancelled, f.requests),
        "no_show_rate": _ratio(f.no_shows, f.uses + f.no_shows),
        "median_lead_time_hours": None if lead is None else round(lead / timedelta(hours=1), 2),
    }


# --- How a report's header is shown, in every format --------------------------------------------------------------


def generated_at(body: dict) -> datetime:
    """When the figures were computed, in Tokyo time (aware)."""
    return datetime.fromisoformat(body["generated_at"]).astimezone(TOKYO)


def total_label() -> str:
    """The label of a totals row."""
    return pgettext("report row", "Total")


def scope_text(body: dict) -> str:
    """The institutions a slice covers, or the whole consortium."""
    scope = body["scope"]
    if scope is None:
        return gettext("Whole consortium")
    return pgettext("list separator", ", ").join(s["name"] for s in scope)
