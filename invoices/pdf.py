"""The layout of the PDFs (invoices.documents writes their words): A4 portrait, Japanese text in reportlab's
built-in CID fonts (明朝 for the body, ゴシック for headings and figures), so no font file is shipped and the text stays
text (selectable, searchable, read back by tests); runs of Latin text in Helvetica. Sizes are 9 pt and up, lines
ruled, amounts right-aligned: readable printed. Nothing here chooses words: callers pass them in the document's
language.
"""

import io
import re

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from backend.escaping import pdf_markup, printable
from backend.i18n import is_japanese

GOTHIC, MINCHO = "HeiseiKakuGo-W5", "HeiseiMin-W3"
for _font in (GOTHIC, MINCHO):
    pdfmetrics.registerFont(UnicodeCIDFont(_font))

TITLE = ParagraphStyle("title", fontName=GOTHIC, fontSize=20, leading=26, alignment=TA_CENTER, spaceAfter=6)
TEXT = ParagraphStyle("text", fontName=MINCHO, fontSize=10, leading=15)
SMALL = ParagraphStyle("small", fontName=MINCHO, fontSize=9, leading=13)
RIGHT = ParagraphStyle("right", parent=TEXT, alignment=TA_RIGHT)
STRONG = ParagraphStyle("strong", fontName=GOTHIC, fontSize=11, leading=16)
TO = ParagraphStyle("to", fontName=GOTHIC, fontSize=13, leading=18)
BIG = ParagraphStyle("big", fontName=GOTHIC, fontSize=15, leading=20)
CELL = ParagraphStyle("cell", fontName=MINCHO, fontSize=9, leading=12, wordWrap="CJK")
CELL_RIGHT = ParagraphStyle("cell_right", parent=CELL, alignment=TA_RIGHT)
# English cells wrap between words and never inside one (CJK wrapping breaks anywhere, as Japanese text may).
CELL_EN = ParagraphStyle("cell_en", parent=CELL, wordWrap=None, splitLongWords=0)
CELL_RIGHT_EN = ParagraphStyle("cell_right_en", parent=CELL_EN, alignment=TA_RIGHT)
# Cells that hold a date (or a date and times) wrap only at a space, in either language: 「2026年11月12日」 and
# "Nov.\u00a012,\u00a02026" (`nobreak`) stay on one line; their columns are wide enough for a date.
CELL_KEEP = ParagraphStyle("cell_keep", parent=CELL, wordWrap=None, splitLongWords=0)
CELL_KEEP_RIGHT = ParagraphStyle("cell_keep_right", parent=CELL_KEEP, alignment=TA_RIGHT)
HEAD = ParagraphStyle("head", fontName=GOTHIC, fontSize=9, leading=12, alignment=TA_CENTER, splitLongWords=0)
FACT = ParagraphStyle("fact", parent=SMALL, splitLongWords=0)
HEAD_LEFT = ParagraphStyle("head_left", parent=HEAD, alignment=TA_LEFT)
NOTICE = ParagraphStyle("notice", fontName=GOTHIC, fontSize=10, leading=14, textColor=colors.HexColor("#1F3864"))
STAMP = ParagraphStyle("stamp", fontName=GOTHIC, fontSize=16, leading=20, textColor=colors.HexColor("#C00000"))
WIDTH = A4[0] - 36 * mm
RULE = colors.HexColor("#7F7F7F")
SHADE = colors.HexColor("#E7EEF7")


# Runs of Latin text; ¥, the en dash and curly quotes are drawn from Helvetica too (the English reference documents
# write them; the CID fonts' quotes are full-width).
LATIN = "\\x21-\\x7e\\xa5\\u2013\\u2018\\u2019\\u201c\\u201d"
ASCII_RUN = re.compile(rf"([{LATIN}][\x20\xa0{LATIN}]*[{LATIN}]|[{LATIN}])")


def nobreak(text: str) -> str:
    """Text kept on one line where it is wrapped between words (a date: "Nov. 12, 2026")."""
    return str(text).replace(" ", "\xa0")


def marked_up(text: str, style: ParagraphStyle) -> str:
    """Text as markup (backend.escaping.pdf_markup), with runs of ASCII (numbers, amounts, registration numbers) in
    Helvetica: the CID fonts' Latin glyphs are spaced for Japanese text, Helvetica reads better in print."""
    latin = "Helvetica-Bold" if style.fontName == GOTHIC else "Helvetica"
    parts = ASCII_RUN.split(printable(text))
    return "".join(
        pdf_markup(part) if i % 2 == 0 else f'<font name="{latin}">{pdf_markup(part)}</font>'
        for i, part in enumerate(parts)
    )


def p(text, style=TEXT) -> Paragraph:
    return Paragraph(marked_up(text, style), style)


def document(title: str, story: list, *, subject: str, footer: str, page_label: str) -> bytes:
    """The story on A4 pages, each with `footer` at the left and `subject` and the page number (`page_label`, a
    format with %(page)d) at the right."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{title} {subject}",
        author="Kyoyo",
    )

    def page_number(canvas, document):
        canvas.setFont(MINCHO, 8)
        canvas.drawString(18 * mm, 9 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"{subject}  {page_label % {'page': document.page}}")

    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()


def header(title: str, facts: list[tuple[str, str]]) -> list:
    """The title, then the document's number and dates at the right."""
    rows = Table(
        [[p(label, FACT), p(nobreak(value), FACT)] for label, value in facts],
        colWidths=[32 * mm, 45 * mm],
        hAlign="RIGHT",
    )
    rows.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [p(title, TITLE), rows, Spacer(1, 4 * mm)]


def parties(recipient: list, issuer: list) -> Table:
    """The recipient at the left, the issuer at the right."""
    table = Table([[recipient, issuer]], colWidths=[WIDTH * 0.55, WIDTH * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def addressee(lines: list[str]) -> list:
    """The recipient's block: the name as addressed (御中 / 様 in Japanese), then the address."""
    return [p(lines[0], TO)] + [p(line, SMALL) for line in lines[1:] if line]


def issuer(name: str, lines: list[str] = ()) -> list:
    return [p(name, STRONG)] + [p(line, SMALL) for line in lines if line]


def amount_box(label: str, amount: str) -> Table:
    box = Table([[p(label, STRONG), p(amount, BIG)]], colWidths=[45 * mm, 70 * mm], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("BACKGROUND", (0, 0), (0, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def lines_table(headings: list[str], rows: list[list], widths: list[float], right_columns=(), date_columns=()) -> Table:
    """A ruled table with a shaded heading row; `date_columns` hold dates (and times), never broken inside one."""
    cell, cell_right = (CELL, CELL_RIGHT) if is_japanese() else (CELL_EN, CELL_RIGHT_EN)

    def style(i: int) -> ParagraphStyle:
        if i in date_columns:
            return CELL_KEEP_RIGHT if i in right_columns else CELL_KEEP
        return cell_right if i in right_columns else cell

    data = [[p(h, HEAD) for h in headings]]
    for row in rows:
        data.append([p(text, style(i)) for i, text in enumerate(row)])
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


STRONG_RIGHT = ParagraphStyle("strong_right", parent=STRONG, alignment=TA_RIGHT)


def totals_table(rows: list[tuple[str, str]]) -> Table:
    """Label and amount rows at the right; the last (the total) in bold."""
    data = [[p(label, CELL), p(value, CELL_RIGHT)] for label, value in rows[:-1]]
    data.append([p(rows[-1][0], STRONG), p(rows[-1][1], STRONG_RIGHT)])
    table = Table(data, colWidths=[60 * mm, 35 * mm], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, RULE),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def notice(text: str) -> Table:
    """A framed notice above the document (the English reference version's)."""
    box = Table([[p(text, NOTICE)]], colWidths=[WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#1F3864")),
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def details_table(rows: list[tuple[str, str]], *, date_rows=()) -> Table:
    """Label and value rows across the page, the labels shaded (an invoice's payment details); the values of
    `date_rows` are dates, kept on one line."""
    cell = CELL if is_japanese() else CELL_EN
    data = [
        [p(label, HEAD_LEFT), p(nobreak(value), CELL_KEEP) if i in date_rows else p(value, cell)]
        for i, (label, value) in enumerate(rows)
    ]
    table = Table(data, colWidths=[32 * mm, WIDTH - 32 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, RULE),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table
