"""The PDFs: the quotation (見積書), the qualified invoice (適格請求書) and the certificate of use (利用証明書).

Each is written in one language, Japanese or English, never both (the layout is invoices.pdf's):
- The Japanese document is the original, the document of record: Japanese words only (dates 2025年10月8日, amounts
  21,000円), names and typed text as written.
- The English document is a reference translation for a reader who does not read Japanese. It says so on top
  (`REFERENCE_NOTICE`), writes dates Oct. 8, 2025 and amounts ¥21,000, names things by their English names where
  they have one, and writes each charge from its facts (invoices.wording), not by translating stored Japanese.
- Which one a download gives (`document_language`): the `language` parameter when given ("ja" or "en"); otherwise
  the reader's language for a quotation or a certificate, and always Japanese for an invoice, whose stored record is
  Japanese (an English reader is offered the English reference version beside it).
Every time is Tokyo time.
"""

from datetime import date

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from backend.errors import DomainError
from backend.i18n import current_language, long_date, yen
from backend.tokyo import TOKYO
from consortia.selectors import billing_details_of

from . import wording
from .pdf import (
    RIGHT,
    SMALL,
    STAMP,
    STRONG,
    WIDTH,
    addressee,
    amount_box,
    details_table,
    document,
    header,
    issuer,
    lines_table,
    nobreak,
    notice,
    p,
    parties,
    totals_table,
)
from .wording import reason_text

LANGUAGES = ("ja", "en")
# The one Japanese fragment an English document carries besides data: the reader must be able to tell that this
# is not the document of record, in the words the Japanese original's reader would use (参考訳). It is written
# here, not in a catalogue, because it only ever appears on English documents, as this one sentence.
REFERENCE_NOTICE = "Reference translation (参考訳): the Japanese original is the document of record."


def document_language(requested: str | None, *, record: bool = False) -> str:
    """The language of a download: `requested` ("ja", "en"), else Japanese for a document of record (the invoice),
    else the reader's language. An unknown language is a 400 naming `language`."""
    if requested:
        if requested not in LANGUAGES:
            raise DomainError("invalid_language", _("The language is ja or en."), field="language")
        return requested
    return "ja" if record else current_language()


def _in(language: str, write) -> bytes:
    with translation.override(language):
        return write()


def _pdf(title: str, story: list, *, subject: str, language: str) -> bytes:
    if language != "ja":
        story = [notice(REFERENCE_NOTICE), Spacer(1, 3 * mm), *story]
    return document(
        title,
        story,
        subject=subject,
        footer=_("%(title)s (Kyoyo shared instruments)") % {"title": title},
        page_label=_("page %(page)d"),
    )


def _to_booking_party(booking) -> list:
    if booking.company:
        return addressee([_to_organisation(booking.company.name), booking.company.address])
    return addressee([pgettext("addressee, a person", "To: %(name)s") % {"name": booking.requester.display_name}])


def _to_organisation(name: str) -> str:
    return pgettext("addressee, an organisation", "To: %(name)s") % {"name": name}


def _when(start, end) -> str:
    start, end = start.astimezone(TOKYO), end.astimezone(TOKYO)
    if start.date() == end.date():
        return _("%(date)s %(start)s–%(end)s") % {
            "date": nobreak(long_date(start.date())),
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
        }
    return _("%(start_date)s %(start)s – %(end_date)s %(end)s") % {
        "start_date": nobreak(long_date(start.date())),
        "start": f"{start:%H:%M}",
        "end_date": nobreak(long_date(end.date())),
        "end": f"{end:%H:%M}",
    }


def _results(booking) -> str:
    return pgettext("results", "Confidential") if booking.confidential else pgettext("results", "Public")


def _percent(rate) -> int:
    return int(float(rate) * 100)


# --- 見積書 ----------------------------------------------------------------------------------------------------------
def quotation_pdf(booking, quote: dict, *, issued_on: date, language: str = "ja") -> bytes:
    """The quotation of a pending (current prices) or approved (price fixed at approval) booking."""
    return _in(language, lambda: _quotation(booking, quote, issued_on=issued_on, language=language))


def _quote_rows(booking, quote: dict) -> list[list[str]]:
    consumables = iter(booking.consumables or [])
    rows = []
    for line in quote.get("lines", []):
        consumable = next(consumables, None) if line.get("kind") == "consumable" else None
        facts = wording.facts_of(line, consumable=consumable)
        text = wording.charge_text(facts, instrument_name=booking.instrument.localized_name, mode=booking.mode)
        rows.append([text or line.get("label", ""), yen(line["amount_jpy"])])
    return rows


def _quotation(booking, quote: dict, *, issued_on: date, language: str) -> bytes:
    institution = booking.instrument.institution
    billing = billing_details_of(institution)
    number = f"Q-{institution.id}-{booking.id:06d}"
    title = _("Quotation")
    contact = contact_lines(institution, billing)
    if contact:
        contact[0] = _("Contact: %(contact)s") % {"contact": contact[0]}
    registration = [_("Registration number: %(number)s") % {"number": institution.registration_number}]
    story = header(
        pgettext("document title", "Quotation"),
        [
            (_("Quotation no."), number),
            (_("Date of quotation"), long_date(issued_on)),
            (_("Valid until"), long_date(billing.quotation_valid_until(issued_on))),
            (_("Booking no."), f"#{booking.id}"),
        ],
    )
    story += [
        parties(
            _to_booking_party(booking),
            issuer(
                institution.localized_name,
                [institution.address, *(registration if institution.registration_number else []), *contact],
            ),
        ),
        Spacer(1, 5 * mm),
        p(_("We are pleased to quote as follows.")),
        Spacer(1, 3 * mm),
        amount_box(_("Amount quoted"), _("%(amount)s (incl. tax)") % {"amount": yen(quote["total_jpy"])}),
        Spacer(1, 5 * mm),
        lines_table(
            [_("Item"), _("Amount (excl. tax)")],
            _quote_rows(booking, quote) or [[_("No rate set yet (the staff will set it)"), "—"]],
            [WIDTH - 35 * mm, 35 * mm],
            right_columns=(1,),
        ),
        Spacer(1, 3 * mm),
        totals_table(
            [
                (_("Subtotal (excl. tax)"), yen(quote["subtotal_jpy"])),
                (
                    _("Consumption tax (%(percent)s%%)") % {"percent": _percent(quote.get("tax_rate", "0.10"))},
                    yen(quote["tax_jpy"]),
                ),
                (_("Total (incl. tax)"), yen(quote["total_jpy"])),
            ]
        ),
        Spacer(1, 6 * mm),
        lines_table(
            [_("Instrument"), _("Date and time of use"), _("Mode of use"), _("Results")],
            [
                [
                    booking.instrument.localized_name,
                    _when(booking.start, booking.end),
                    wording.mode_name(booking.mode),
                    _results(booking),
                ]
            ],
            [WIDTH * 0.30, WIDTH * 0.34, WIDTH * 0.21, WIDTH * 0.15],
            date_columns=(1,),
        ),
        Spacer(1, 4 * mm),
        p(_validity_text(booking, billing)),
        p(
            _("This amount was fixed at approval: later changes of the fees do not affect it.")
            if booking.quote_fixed_at is not None
            else _("This quotation precedes approval: the fee is fixed at approval by the fee table and fee policy."),
            SMALL,
        ),
        p(_("Consumption tax is computed once on the subtotal and rounded down to the yen."), SMALL),
    ]
    return _pdf(title, story, subject=number, language=language)


def _validity_text(booking, billing) -> str:
    """How long the quotation holds and what happens after (the date itself is in the header, on one line)."""
    if booking.quote_fixed_at is not None:
        return _(
            "This quotation is valid for %(days)d days from its date (see “Valid until” above). The amount of this "
            "booking stays as fixed at approval; other use needs a new quotation."
        ) % {"days": billing.quotation_valid_days}
    return _(
        "This quotation is valid for %(days)d days from its date (see “Valid until” above). After that it lapses: "
        "ask the contact for a new quotation before ordering."
    ) % {"days": billing.quotation_valid_days}


def contact_lines(institution, billing) -> list[str]:
    """Whom a company asks about a quotation or a bill: the billing contact's department, phone and e-mail (the
    institution's e-mail when the contact gave none); empty when nothing is known."""
    email = billing.contact_email or institution.contact_email
    lines = [
        billing.contact_department,
        _("Tel. %(phone)s") % {"phone": billing.contact_phone} if billing.contact_phone else "",
        _("E-mail %(email)s") % {"email": email} if email else "",
    ]
    return [line for line in lines if line]


def _payment_rows(invoice, billing) -> list[tuple[str, str]]:
    """Where and by when to pay; without payment details, a plain sentence saying whom to ask instead."""
    due = (_("Payment due"), long_date(invoice.due_on))
    contact = "  ".join(contact_lines(invoice.institution, billing)) or invoice.localized_issuer_name
    if not billing.has_payment_details:
        account = _("Not registered yet: please ask the contact below for the account to pay into.")
        return [due, (_("Pay by bank transfer to"), account), (_("Questions about this invoice"), contact)]
    account = "  ".join(
        [billing.bank_name, billing.bank_branch, billing.get_account_type_display(), billing.account_number]
    )
    return [
        due,
        (_("Pay by bank transfer to"), account),
        (_("Account holder"), billing.account_holder),
        (_("Questions about this invoice"), contact),
    ]


# --- 請求書 ----------------------------------------------------------------------------------------------------------
def invoice_pdf(invoice, *, language: str = "ja") -> bytes:
    """A qualified invoice (適格請求書): issuer and registration number, dates, descriptions, totals and tax per
    rate, the recipient; a cancelled one says so on top, a replacement names the invoice it replaces. The lines'
    words are the stored Japanese record in Japanese, written from the lines' facts in English."""
    return _in(language, lambda: _invoice(invoice, language=language))


def _invoice(invoice, *, language: str) -> bytes:
    story = []
    if invoice.status == "cancelled":
        cancelled = _("[Cancelled] This invoice was cancelled on %(date)s. Reason: %(reason)s")
        story.append(
            p(
                cancelled % {"date": long_date(invoice.cancelled_at), "reason": reason_text(invoice.cancel_reason)},
                STAMP,
            )
        )
    story += header(
        pgettext("document title", "Invoice"),
        [
            (_("Invoice no."), invoice.number),
            (_("Date of issue"), long_date(invoice.issued_on)),
            (_("Month invoiced"), formats.date_format(invoice.month, "YEAR_MONTH_FORMAT")),
            (_("Payment due"), long_date(invoice.due_on)),
        ],
    )
    registration = _("Registration number: %(number)s") % {"number": invoice.registration_number}
    story += [
        parties(
            addressee([_to_organisation(invoice.recipient_name), invoice.recipient_address]),
            issuer(invoice.localized_issuer_name, [invoice.issuer_address, registration]),
        ),
        Spacer(1, 5 * mm),
        p(_("We hereby invoice you as follows.")),
        Spacer(1, 3 * mm),
        amount_box(_("Amount invoiced"), _("%(amount)s (incl. tax)") % {"amount": yen(invoice.total_jpy)}),
        Spacer(1, 5 * mm),
        lines_table(
            [_("Date of transaction"), pgettext("invoice line", "Description"), _("Tax rate"), _("Amount (excl. tax)")],
            [
                [
                    long_date(line.used_on),
                    line.localized_description,
                    f"{_percent(line.tax_rate)}%",
                    yen(line.amount_jpy),
                ]
                for line in invoice.lines.all()
            ],
            [30 * mm, WIDTH - 30 * mm - 17 * mm - 30 * mm, 17 * mm, 30 * mm],
            right_columns=(2, 3),
            date_columns=(0,),
        ),
        Spacer(1, 3 * mm),
    ]
    rows = []
    for rate in invoice.tax_summary:
        rows += [
            (_("Total at %(percent)s%% (excl. tax)") % {"percent": rate["percent"]}, yen(rate["subtotal_jpy"])),
            (_("Consumption tax at %(percent)s%%") % {"percent": rate["percent"]}, yen(rate["tax_jpy"])),
        ]
    rows.append((_("Amount invoiced (incl. tax)"), yen(invoice.total_jpy)))
    story += [totals_table(rows), Spacer(1, 5 * mm)]
    if invoice.replaces_id:
        replaces = _("This invoice cancels and replaces invoice no. %(number)s.")
        story.append(p(replaces % {"number": invoice.replaces.number}, STRONG))
    replacement = getattr(invoice, "replaced_by", None) if invoice.status == "cancelled" else None
    if replacement is not None:
        story.append(p(_("Replaced by invoice no. %(number)s") % {"number": replacement.number}, STRONG))
    billing = billing_details_of(invoice.institution)
    story += [
        Spacer(1, 2 * mm),
        details_table(_payment_rows(invoice, billing), date_rows=(0,)),
        Spacer(1, 1.5 * mm),
        p(
            _("Please pay the amount invoiced by the due date. Bank transfer fees are borne by the payer.")
            if billing.has_payment_details
            else _("Please pay the amount invoiced by the due date."),
            SMALL,
        ),
        Spacer(1, 3 * mm),
        p(_("Consumption tax is computed once on the total of each tax rate and rounded down to the yen."), SMALL),
        p(_("This document is a qualified invoice under the Consumption Tax Act."), SMALL),
    ]
    return _pdf(_("Invoice"), story, subject=invoice.number, language=language)


# --- 利用証明書 ------------------------------------------------------------------------------------------------------
def certificate_pdf(booking, *, issued_on: date, language: str = "ja") -> bytes:
    """A certificate that the company used the instrument (attached to subsidy reports): what, when, how long,
    and the fee fixed at approval."""
    return _in(language, lambda: _certificate(booking, issued_on=issued_on, language=language))


def _certificate(booking, *, issued_on: date, language: str) -> bytes:
    institution, instrument = booking.instrument.institution, booking.instrument
    number = f"C-{institution.id}-{booking.id:06d}"
    used_from, used_until = booking.actual_start or booking.start, booking.actual_end or booking.end
    minutes = int((used_until - used_from).total_seconds() // 60)
    quote = booking.quote or {}
    story = header(
        pgettext("document title", "Certificate of use"),
        [(_("Certificate no."), number), (_("Date of issue"), long_date(issued_on))],
    )
    fee = _("%(total)s (incl. consumption tax of %(tax)s)") % {
        "total": yen(quote.get("total_jpy", 0)),
        "tax": yen(quote.get("tax_jpy", 0)),
    }
    story += [
        parties(_to_booking_party(booking), issuer(institution.localized_name, [institution.address])),
        Spacer(1, 6 * mm),
        p(_("We hereby certify that our research facilities were used as follows.")),
        Spacer(1, 4 * mm),
        lines_table(
            [_("Item"), pgettext("invoice document", "Details")],
            [
                [_("User"), booking.company.name if booking.company else (booking.requester.get_full_name() or "—")],
                [_("Applicant"), booking.requester.display_name],
                [
                    _("Instrument"),
                    _("%(instrument)s (%(maker)s %(model)s)")
                    % {"instrument": instrument.localized_name, "maker": instrument.maker, "model": instrument.model},
                ],
                [_("Institution of the instrument"), institution.localized_name],
                [_("Date and time of use"), _when(used_from, used_until)],
                [
                    _("Time used"),
                    _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60},
                ],
                [_("Mode of use"), wording.mode_name(booking.mode)],
                [_("Results made public"), _results(booking)],
                [_("Fee for the use"), fee],
                [_("Booking no."), f"#{booking.id}"],
            ],
            [35 * mm, WIDTH - 35 * mm],
        ),
        Spacer(1, 12 * mm),
        p(long_date(issued_on), RIGHT),
        p(institution.localized_name, ParagraphStyle("sign", parent=STRONG, alignment=TA_RIGHT)),
    ]
    return _pdf(_("Certificate of use"), story, subject=number, language=language)
