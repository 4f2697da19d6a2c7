"""Issuing and cancelling invoices; the API and the pages call these.

A run is safe to repeat and to run twice at once (docs/fees.md): each company's invoice is written in its own
savepoint, and the database refuses a second live invoice for a booking or for a company and month, so the
run that comes second skips what the first one issued. Numbers come from a counter row updated in place,
which PostgreSQL locks until the transaction ends: numbers never repeat, and an invoice that is rolled back
gives its number back.
"""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext

from backend.errors import Conflict, DomainError, PermissionDenied
from backend.i18n import long_date
from backend.plumbing import lock_current, user_or_none
from bookings.models import Booking
from consortia.models import Company, Institution
from consortia.selectors import billing_details_of

from . import selectors
from .models import Invoice, InvoiceCounter, InvoicedBooking, InvoiceLine
from .totals import Line, tax_summary, totals
from .wording import REPLACED_FOR_LATE_USE

logger = logging.getLogger(__name__)


def _ensure_staff(actor, institution_id: int) -> None:
    """Issuing and cancelling raise `selectors.may_invoice`."""
    if not selectors.may_invoice(actor, institution_id):
        raise PermissionDenied(
            "not_institution_staff", gettext("Only the institution's staff may issue and correct its invoices.")
        )


def _ensure_month_is_over(month: date, today: date) -> None:
    """A month is invoiced once it is over; the refusal names the first day its invoices can be issued."""
    issuable_from = selectors.issuable_from(month, today=today)
    if issuable_from is not None:
        raise DomainError(
            "month_not_over",
            gettext("Invoices are issued once the month is over: this month's can be issued from %(date)s.")
            % {"date": long_date(issuable_from)},
            field="month",
            issuable_from=issuable_from.isoformat(),
        )


def _ensure_registered(institution: Institution) -> None:
    if not institution.registration_number:
        raise DomainError(
            "registration_number_missing",
            gettext(
                "The institution has no qualified invoice issuer registration number yet: set it in the fee policy."
            ),
            field="registration_number",
        )


def _next_number(institution: Institution, month: date) -> tuple[int, str]:
    """The next sequence of the institution in the month's year, as INV-<institution>-<YYYY>-<MM>-<0001>."""
    InvoiceCounter.objects.get_or_create(institution=institution, year=month.year)
    InvoiceCounter.objects.filter(institution=institution, year=month.year).update(last=F("last") + 1)
    sequence = InvoiceCounter.objects.get(institution=institution, year=month.year).last
    return sequence, f"INV-{institution.id}-{month:%Y-%m}-{sequence:04d}"


def _write_invoice(
    *,
    actor,
    institution: Institution,
    company: Company,
    month: date,
    lines: list[Line],
    booking_ids: list[int],
    today: date,
    replaces: Invoice | None = None,
) -> Invoice:
    sequence, number = _next_number(institution, month)
    summary = tax_summary(lines)
    subtotal, tax, total = totals(summary)
    invoice = Invoice.objects.create(
        number=number,
        institution=institution,
        company=company,
        month=month,
        year=month.year,
        sequence=sequence,
        issued_on=today,
        due_on=billing_details_of(institution).payment_due(today),  # the institution's term (翌月末 by default)
        issued_by=user_or_none(actor),
        issuer_name=institution.name,
        issuer_address=institution.address,
        registration_number=institution.registration_number,
        recipient_name=company.name,
        recipient_address=company.address,
        subtotal_jpy=subtotal,
        tax_jpy=tax,
        total_jpy=total,
        tax_summary=summary,
        replaces=replaces,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            booking_id=line.booking_id,
            position=n,
            used_on=line.used_on,
            description=line.description,
            amount_jpy=line.amount_jpy,
            tax_rate=line.tax_rate,
            kind=line.kind,
            mode=line.mode,
            unit=line.unit,
            quantity=line.quantity,
            unit_price_jpy=line.unit_price_jpy,
            multipliers=line.multipliers,
            item=line.item,
        )
        for n, line in enumerate(lines, start=1)
    )
    InvoicedBooking.objects.bulk_create(InvoicedBooking(invoice=invoice, booking_id=pk) for pk in booking_ids)
    return invoice


def _cancel(invoice: Invoice, *, actor, reason: str) -> None:
    """issued → cancelled, only if nobody cancelled it meanwhile; its bookings are free to be invoiced again."""
    changed = Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.ISSUED).update(
        status=Invoice.Status.CANCELLED,
        cancelled_at=timezone.now(),
        cancelled_by=user_or_none(actor),
        cancel_reason=reason,
    )
    if changed != 1:
        raise Conflict("already_cancelled", gettext("The invoice is already cancelled."))
    InvoicedBooking.objects.filter(invoice=invoice).update(live=False)
    invoice.refresh_from_db()


@transaction.atomic
def issue_invoices(*, actor, institution: Institution, month: date, today: date | None = None) -> list[Invoice]:
    """Invoice the month's completed bookings not yet invoiced: one invoice per company. Returns what this call
    issued; a second call (or a run racing this one) issues nothing new. A company that already has an invoice
    for the month but has newly completed bookings gets a replacement invoice with all of them."""
    _ensure_staff(actor, institution.id)
    today = today or timezone.localdate()
    _ensure_month_is_over(month, today)
    institution = Institution.objects.get(pk=institution.pk)
    _ensure_registered(institution)
    issued = []
    for plan in selectors.plan_invoice_run(institution, month):
        try:
            with transaction.atomic():  # one company's invoice: all of it, or none of it if another run won
                if plan.replaces is not None:
                    with translation.override("ja"):
                        reason = str(REPLACED_FOR_LATE_USE)
                    _cancel(plan.replaces, actor=actor, reason=reason)
                invoice = _write_invoice(
                    actor=actor,
                    institution=institution,
                    company=plan.company,
                    month=month,
                    lines=plan.lines,
                    booking_ids=[b.id for b in plan.bookings],
                    today=today,
                    replaces=plan.replaces,
                )
        except (IntegrityError, Conflict) as exc:  # another run invoiced these bookings first: nothing to do here
            logger.info("invoice run %s %s: company %s skipped (%s)", institution.id, month, plan.company.id, exc)
            continue
        issued.append(invoice)
    return issued


@transaction.atomic
def cancel_invoice(
    *, actor, invoice: Invoice, reason: str, reissue: bool = True, today: date | None = None
) -> Invoice | None:
    """A correction: the invoice is cancelled (kept, marked, with the reason) and, unless `reissue` is false, a new
    one is issued for the same bookings with today's issuer and recipient details, naming the one it replaces.
    Without reissue the bookings are invoiced again by the next run. Returns the replacement, if any."""
    _ensure_staff(actor, invoice.institution_id)
    lock_current(invoice)  # a second cancellation waits for the first, then finds it cancelled
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", gettext("Give the reason for cancelling."), field="reason")
    institution = Institution.objects.get(pk=invoice.institution_id)
    if reissue:
        _ensure_registered(institution)
    booking_ids = list(InvoicedBooking.objects.filter(invoice=invoice).values_list("booking_id", flat=True))
    _cancel(invoice, actor=actor, reason=reason)
    if not reissue:
        return None
    bookings = Booking.objects.filter(id__in=booking_ids).select_related("instrument", "company")
    ordered = sorted(bookings, key=lambda b: (selectors.used_on(b), b.start, b.id))
    lines = [line for booking in ordered for line in selectors.lines_of(booking)]
    return _write_invoice(
        actor=actor,
        institution=institution,
        company=Company.objects.get(pk=invoice.company_id),
        month=invoice.month,
        lines=lines,
        booking_ids=[b.id for b in ordered],
        today=today or timezone.localdate(),
        replaces=invoice,
    )
