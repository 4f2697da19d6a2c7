"""Reads: which bookings a month's run would invoice, who may read which invoice or booking document."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from backend.errors import DomainError, NotFound, PermissionDenied
from backend.i18n import is_japanese, yen
from backend.tokyo import TOKYO
from bookings.models import Booking
from bookings.selectors import bookings_visible_to, is_party_to
from consortia.models import Company, Institution
from consortia.selectors import access_for, can_manage_institution

from .models import Invoice, InvoiceLine
from .totals import Line, first_issue_day, month_bounds, tax_summary, totals
from .wording import facts_of, invoice_line_text

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DEFAULT_TAX_RATE = Decimal("0.10")


def issuable_from(month: date, *, today: date | None = None) -> date | None:
    """The first day the month's invoices can be issued if that is still to come (the month is not over), else None:
    the run's page shows it instead of an issue button, and `services.issue_invoices` refuses with it."""
    first = first_issue_day(month)
    return first if (today or timezone.localdate()) < first else None


def parse_month(text) -> date:
    """'2026-10' → date(2026, 10, 1); anything else is a 400 naming `month`."""
    match = MONTH.match(str(text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise DomainError(
            "invalid_month",
            gettext("Give the month as YYYY-MM (e.g. 2026-10)."),
            field="month",
        )
    return date(int(match.group(1)), int(match.group(2)), 1)


def used_on(booking: Booking) -> date:
    """The transaction date of a booking: the day its use began (Tokyo)."""
    return (booking.actual_start or booking.start).astimezone(TOKYO).date()


def lines_of(booking: Booking) -> list[Line]:
    """The invoice lines of one booking: its fixed quote's lines, each named with the booking's number. The words
    are the Japanese record (written in Japanese whoever runs the invoices); the facts are kept beside them."""
    quote = booking.quote or {}
    rate = Decimal(str(quote.get("tax_rate", DEFAULT_TAX_RATE)))
    day = used_on(booking)
    rows = quote.get("lines") or [{"kind": "unpriced", "amount_jpy": 0}]
    consumables = iter(booking.consumables or [])
    lines = []
    for row in rows:
        facts = facts_of(row, consumable=next(consumables, None) if row.get("kind") == "consumable" else None)
        with translation.override("ja"):
            description = invoice_line_text(
                facts,
                booking_id=booking.id,
                instrument_name=booking.instrument.name,
                mode=booking.mode,
                recorded=gettext("Booking #%(number)s %(charge)s")
                % {"number": booking.id, "charge": row.get("label", "")},
            )
        lines.append(
            Line(
                booking_id=booking.id,
                used_on=day,
                description=description[:300],
                amount_jpy=int(row["amount_jpy"]),
                tax_rate=rate,
                mode=booking.mode,
                **facts,
            )
        )
    return lines


def completed_in(institution_id: int, month: date) -> QuerySet[Booking]:
    """Completed company bookings of the institution that start in the month (as in the reports)."""
    start, end = month_bounds(month)
    return Booking.objects.filter(
        instrument__institution_id=institution_id,
        status=Booking.Status.COMPLETED,
        company__isnull=False,
        start__gte=start,
        start__lt=end,
    )


def uninvoiced_in(institution_id: int, month: date) -> QuerySet[Booking]:
    return (
        completed_in(institution_id, month)
        .exclude(invoicings__live=True)
        .select_related("instrument", "company")
        .order_by("company_id", "start", "id")
    )


@dataclass
class PlannedInvoice:
    """What a run would issue to one company: its new bookings and, if the company already has a live invoice for
    the month (use recorded after it was issued), that invoice, which the new one replaces with every booking."""

    company: Company
    bookings: list[Booking]
    replaces: Invoice | None = None
    lines: list[Line] = field(default_factory=list)
    summary: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def totals(self) -> tuple[int, int, int]:
        return totals(self.summary)

    @property
    def described_lines(self) -> list[tuple[Line, str]]:
        """Each line with its words in the active language (on a Japanese page, the Japanese record)."""
        bookings = {b.id: b for b in self.bookings}
        if is_japanese():
            return [(line, line.description) for line in self.lines]
        return [
            (
                line,
                invoice_line_text(
                    line,
                    booking_id=line.booking_id,
                    instrument_name=bookings[line.booking_id].instrument.localized_name,
                    mode=line.mode,
                    recorded=line.description,
                ),
            )
            for line in self.lines
        ]


def plan_invoice_run(institution: Institution, month: date) -> list[PlannedInvoice]:
    """The invoices a run for the month would issue now, one per company (a preview changes nothing)."""
    new = list(uninvoiced_in(institution.id, month))
    if not new:
        return []
    companies = sorted({b.company_id for b in new})
    live = {
        invoice.company_id: invoice
        for invoice in Invoice.objects.filter(
            institution=institution, month=month, status=Invoice.Status.ISSUED, company_id__in=companies
        ).prefetch_related(
            Prefetch("invoiced__booking", queryset=Booking.objects.select_related("instrument", "company"))
        )
    }
    plans = []
    for company_id in companies:
        bookings = [b for b in new if b.company_id == company_id]
        replaces = live.get(company_id)
        earlier = [row.booking for row in replaces.invoiced.all()] if replaces else []
        everything = sorted(earlier + bookings, key=lambda b: (used_on(b), b.start, b.id))
        lines = [line for booking in everything for line in lines_of(booking)]
        warnings = [
            gettext("Booking #%(number)s: no rate was set; it is invoiced at %(amount)s.")
            % {"number": b.id, "amount": yen(0)}
            for b in bookings
            if (b.quote or {}).get("rate_missing") or not (b.quote or {}).get("lines")
        ]
        plans.append(
            PlannedInvoice(
                company=bookings[0].company,
                bookings=everything,
                replaces=replaces,
                lines=lines,
                summary=tax_summary(lines),
                warnings=warnings,
            )
        )
    return plans


# --- Who may act: one predicate per verb, raised by the services, read by the pages ----------------------------
def may_invoice(user, institution_id: int) -> bool:
    """Issuing the institution's invoices and cancelling (or correcting) one: its staff and site operators."""
    return can_manage_institution(user, institution_id)


# --- Who may read what ------------------------------------------------------------------------------------------
def invoices_visible_to(user) -> QuerySet[Invoice]:
    """A company's users see its invoices; staff their institution's; site admins all. Nobody else any."""
    access = access_for(user)
    lines = InvoiceLine.objects.select_related("booking__instrument").order_by("position")
    qs = Invoice.objects.select_related("institution", "company", "replaces", "replaced_by").prefetch_related(
        Prefetch("lines", queryset=lines)
    )
    if access.is_superuser:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(Q(company_id__in=access.member_of) | Q(institution_id__in=access.staff_of))


def booking_for_documents(user, pk: int) -> Booking:
    """A booking whose quotation or certificate the user may download: its requester, its company's admins, the
    institution's staff (and site admins). Others who may see the booking (the secretariat) get a 403; everyone
    else, another company included, a 404."""
    booking = (
        bookings_visible_to(user)
        .select_related("instrument__institution", "instrument__category", "company", "requester")
        .filter(pk=pk)
        .first()
    )
    if booking is None:
        raise NotFound("not_found", gettext("No such booking."))
    if not is_party_to(user, booking):
        raise PermissionDenied(
            "not_a_party",
            gettext("Only the booking's requester, its company and the instrument's institution may download it."),
        )
    return booking


def today() -> date:
    return timezone.localdate()


def invoice_lines_of_bookings_requested_by(user) -> QuerySet[InvoiceLine]:
    """The invoice lines of the bookings the person requested, with their invoice (for their personal-data download:
    their own charges, not the rest of an invoice that also bills colleagues' bookings)."""
    return (
        InvoiceLine.objects.filter(booking__requester_id=user.pk)
        .select_related("invoice")
        .order_by("invoice__issued_on", "invoice_id", "position")
    )
