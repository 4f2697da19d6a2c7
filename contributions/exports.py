"""The contribution figures as CSV, and the lent-hours statement as CSV and PDF (the invoices' document look:
A4, the same fonts and tables, `invoices.pdf`). Every heading in the active language; every cell neutralised
against formulas (`backend.escaping.sheet_cell`); hours with two decimals, yen as whole numbers."""

import csv
import io

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from backend.escaping import sheet_cell
from backend.i18n import yen
from invoices import pdf as documents

from .selectors import Statement, hours
from .tables import BREAKDOWNS, breakdown_titles


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([sheet_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def figures_csv(shown: dict) -> bytes:
    """One table: the totals, then each breakdown's rows, the breakdown named in the first column (what the page
    shows, in the same scope: an unconsented operator is "not named" in a consortium's)."""
    titles = breakdown_titles()
    rows = [
        [
            _("Breakdown"),
            _("Key"),
            _("Name"),
            _("Institution"),
            _("Hours operated"),
            _("Lent hours"),
            _("Consultations answered"),
        ]
    ]
    total = shown["totals"]
    rows.append([str(titles["totals"]), "", total["label"], "", total["hours"], "", total["consultations"]])
    for name in BREAKDOWNS:
        for row in shown[name]:
            lent = row.get("lent_hours", row.get("lent_out_hours", ""))
            rows.append(
                [
                    str(titles[name]),
                    "" if row["key"] is None else row["key"],
                    row["label"],
                    row.get("institution", ""),
                    row["hours"],
                    lent,
                    row.get("consultations", ""),
                ]
            )
    return _csv(rows)


def statement_filename(s: Statement, fmt: str) -> str:
    return f"kyoyo-lent-hours-{s.lender.id}-{s.borrower.id}-{s.month:%Y-%m}.{fmt}"


def _month(s: Statement) -> str:
    return formats.date_format(s.month, "YEAR_MONTH_FORMAT")


def statement_csv(s: Statement) -> bytes:
    rows = [
        [_("Lent-hours statement"), _month(s)],
        [_("Lending institution"), s.lender.localized_name],
        [_("Borrowing institution"), s.borrower.localized_name],
        [],
        [_("Agreement"), _("Operator"), _("Instruments"), _("Hours"), _("Hourly rate (JPY)"), _("Amount (JPY)")],
    ]
    for line in s.lines:
        rows.append(
            [line.agreement_id, line.operator_name, line.instruments, line.hours, line.hourly_rate_jpy, line.amount_jpy]
        )
    rows += [
        [_("Total hours"), "", "", hours(s.total_us), "", ""],
        [_("Subtotal (excl. tax)"), "", "", "", "", s.subtotal_jpy],
        [_("Consumption tax (%(percent)d%%)") % {"percent": int(s.tax_rate * 100)}, "", "", "", "", s.tax_jpy],
        [_("Total (incl. tax)"), "", "", "", "", s.total_jpy],
    ]
    return _csv(rows)


def statement_pdf(s: Statement) -> bytes:
    """The statement on A4, as the institutions settle it: the two parties, one line per agreement, the totals."""
    title = _("Lent-hours statement")
    story = documents.header(
        title,
        [(_("Month"), _month(s)), (_("Lending institution"), s.lender.localized_name)],
    )
    story.append(
        documents.parties(
            documents.addressee([_("To %(institution)s") % {"institution": s.borrower.localized_name}]),
            documents.issuer(s.lender.localized_name, [_("Operators lent under agreements of both institutions")]),
        )
    )
    story.append(Spacer(1, 6 * mm))
    widths = [18, 34, 50, 20, 24, 28]
    story.append(
        documents.lines_table(
            [_("Agreement"), _("Operator"), _("Instruments"), _("Hours"), _("Hourly rate"), _("Amount")],
            [
                [
                    f"#{line.agreement_id}",
                    line.operator_name,
                    line.instruments,
                    f"{line.hours}",
                    yen(line.hourly_rate_jpy),
                    yen(line.amount_jpy),
                ]
                for line in s.lines
            ],
            [w * mm for w in widths],
            right_columns=(3, 4, 5),
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(
        documents.totals_table(
            [
                (_("Total hours"), f"{hours(s.total_us)} h"),
                (_("Subtotal (excl. tax)"), yen(s.subtotal_jpy)),
                (_("Consumption tax (%(percent)d%%)") % {"percent": int(s.tax_rate * 100)}, yen(s.tax_jpy)),
                (_("Total (incl. tax)"), yen(s.total_jpy)),
            ]
        )
    )
    return documents.document(
        title,
        story,
        subject=f"{s.lender.localized_name} → {s.borrower.localized_name} {_month(s)}",
        footer="Kyoyo",
        page_label=_("page %(page)d"),
    )
