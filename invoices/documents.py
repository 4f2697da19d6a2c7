"""The PDFs: 見積書 (quotation), 請求書 (qualified invoice) and 利用証明書 (certificate of use).

A4 portrait, Japanese text in reportlab's built-in CID fonts (明朝 for the body, ゴシック for headings and
figures), so no font file is shipped and the text stays text (selectable, searchable, read back by tests).
Sizes are 9 pt and up, lines ruled, amounts right-aligned with thousands separators and 円: readable printed.
"""

import io
import re
from datetime import date

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from backend.escaping import pdf_markup, printable
from bookings.rules import TOKYO

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
HEAD = ParagraphStyle("head", fontName=GOTHIC, fontSize=9, leading=12, alignment=TA_CENTER)
STAMP = ParagraphStyle("stamp", fontName=GOTHIC, fontSize=16, leading=20, textColor=colors.HexColor("#C00000"))
WIDTH = A4[0] - 36 * mm
RULE = colors.HexColor("#7F7F7F")
SHADE = colors.HexColor("#E7EEF7")


def yen(amount) -> str:
    return f"{int(amount):,}円"


def day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


ASCII_RUN = re.compile(r"([\x21-\x7e][\x20-\x7e]*[\x21-\x7e]|[\x21-\x7e])")


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


def _document(title: str, story: list, *, subject: str) -> bytes:
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
        canvas.drawString(18 * mm, 9 * mm, f"{title}（Kyoyo 共用機器）")
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"{subject}  p. {document.page}")

    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()


def _header(title: str, facts: list[tuple[str, str]]) -> list:
    """The title, then the document's number and dates at the right."""
    rows = Table(
        [[p(label, SMALL), p(value, SMALL)] for label, value in facts], colWidths=[28 * mm, 45 * mm], hAlign="RIGHT"
    )
    rows.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [p(title, TITLE), rows, Spacer(1, 4 * mm)]


def _parties(recipient: list, issuer: list) -> Table:
    """The recipient at the left (御中 / 様), the issuer at the right."""
    table = Table([[recipient, issuer]], colWidths=[WIDTH * 0.55, WIDTH * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _recipient(name: str, address: str = "", *, person: bool = False) -> list:
    block = [p(f"{name} {'様' if person else '御中'}", TO)]
    if address:
        block.append(p(address, SMALL))
    return block


def _issuer(name: str, address: str = "", registration_number: str = "", extra: list[str] = ()) -> list:
    block = [p(name, STRONG)]
    if address:
        block.append(p(address, SMALL))
    if registration_number:
        block.append(p(f"登録番号: {registration_number}", SMALL))
    block += [p(line, SMALL) for line in extra]
    return block


def _amount_box(label: str, amount: int) -> Table:
    box = Table([[p(label, STRONG), p(f"{amount:,}円（税込）", BIG)]], colWidths=[45 * mm, 70 * mm], hAlign="LEFT")
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


def _lines_table(headings: list[str], rows: list[list], widths: list[float], right_columns=()) -> Table:
    data = [[p(h, HEAD) for h in headings]]
    for row in rows:
        data.append([p(cell, CELL_RIGHT if i in right_columns else CELL) for i, cell in enumerate(row)])
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


def _totals_table(rows: list[tuple[str, str]]) -> Table:
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


def _use_rows(quote: dict) -> list[list]:
    return [[line["label"], yen(line["amount_jpy"])] for line in quote.get("lines", [])]


def _when(booking) -> str:
    start, end = booking.start.astimezone(TOKYO), booking.end.astimezone(TOKYO)
    return f"{day(start.date())} {start:%H:%M}〜{end:%H:%M}"


MODES = {"self": "自己操作", "assisted": "技術補助", "commissioned": "依頼分析（技術代行）"}


# --- 見積書 ----------------------------------------------------------------------------------------------------------
def quotation_pdf(booking, quote: dict, *, issued_on: date) -> bytes:
    """The quotation of a pending (current prices) or approved (price fixed at approval) booking."""
    institution = booking.instrument.institution
    fixed = booking.quote_fixed_at is not None
    number = f"Q-{institution.id}-{booking.id:06d}"
    story = _header("御 見 積 書", [("見積番号", number), ("見積日", day(issued_on)), ("予約番号", f"#{booking.id}")])
    recipient = (
        _recipient(booking.company.name, booking.company.address)
        if booking.company
        else _recipient(booking.requester.get_full_name() or booking.requester.username, person=True)
    )
    story += [
        _parties(
            recipient,
            _issuer(
                institution.name,
                institution.address,
                institution.registration_number,
                [f"連絡先: {institution.contact_email}"] if institution.contact_email else [],
            ),
        ),
        Spacer(1, 5 * mm),
        p("下記のとおりお見積り申し上げます。"),
        Spacer(1, 3 * mm),
        _amount_box("お見積金額", quote["total_jpy"]),
        Spacer(1, 5 * mm),
        _lines_table(
            ["項目", "金額（税抜）"],
            _use_rows(quote) or [["料金未設定（担当者が確定します）", "—"]],
            [WIDTH - 35 * mm, 35 * mm],
            right_columns=(1,),
        ),
        Spacer(1, 3 * mm),
        _totals_table(
            [
                ("小計（税抜）", yen(quote["subtotal_jpy"])),
                (f"消費税（{int(float(quote.get('tax_rate', '0.10')) * 100)}%）", yen(quote["tax_jpy"])),
                ("合計（税込）", yen(quote["total_jpy"])),
            ]
        ),
        Spacer(1, 6 * mm),
        _lines_table(
            ["機器", "利用日時", "利用形態", "成果"],
            [
                [
                    booking.instrument.name,
                    _when(booking),
                    MODES.get(booking.mode, booking.mode),
                    "非公開" if booking.confidential else "公開",
                ]
            ],
            [WIDTH * 0.36, WIDTH * 0.30, WIDTH * 0.20, WIDTH * 0.14],
        ),
        Spacer(1, 4 * mm),
        p(
            "この金額は承認時に確定しました。以後の料金改定の影響を受けません。"
            if fixed
            else "承認前のお見積りです。料金は承認時の料金表・料金規程により確定します。",
            SMALL,
        ),
        p("消費税は小計に対して一度だけ計算し、1円未満を切り捨てています。", SMALL),
    ]
    return _document("見積書", story, subject=number)


# --- 請求書 ----------------------------------------------------------------------------------------------------------
def invoice_pdf(invoice) -> bytes:
    """A qualified invoice (適格請求書): issuer and registration number, dates, descriptions, totals and tax per
    rate, the recipient; a cancelled one says so on top, a replacement names the invoice it replaces."""
    story = []
    if invoice.status == "cancelled":
        story.append(
            p(
                f"【取消済】この請求書は{day(invoice.cancelled_at.astimezone(TOKYO).date())}に取り消されました。"
                f"理由: {invoice.cancel_reason}",
                STAMP,
            )
        )
    story += _header(
        "請 求 書",
        [
            ("請求書番号", invoice.number),
            ("発行日", day(invoice.issued_on)),
            ("対象月", f"{invoice.month.year}年{invoice.month.month}月分"),
            ("お支払期限", day(invoice.due_on)),
        ],
    )
    story += [
        _parties(
            _recipient(invoice.recipient_name, invoice.recipient_address),
            _issuer(invoice.issuer_name, invoice.issuer_address, invoice.registration_number),
        ),
        Spacer(1, 5 * mm),
        p("下記のとおりご請求申し上げます。"),
        Spacer(1, 3 * mm),
        _amount_box("ご請求金額", invoice.total_jpy),
        Spacer(1, 5 * mm),
        _lines_table(
            ["取引年月日", "内容", "税率", "金額（税抜）"],
            [
                [day(line.used_on), line.description, f"{int(line.tax_rate * 100)}%", yen(line.amount_jpy)]
                for line in invoice.lines.all()
            ],
            [27 * mm, WIDTH - 27 * mm - 14 * mm - 30 * mm, 14 * mm, 30 * mm],
            right_columns=(2, 3),
        ),
        Spacer(1, 3 * mm),
    ]
    rows = []
    for rate in invoice.tax_summary:
        rows += [
            (f"{rate['percent']}%対象 合計（税抜）", yen(rate["subtotal_jpy"])),
            (f"{rate['percent']}%対象 消費税", yen(rate["tax_jpy"])),
        ]
    rows.append(("ご請求金額（税込）", yen(invoice.total_jpy)))
    story += [_totals_table(rows), Spacer(1, 5 * mm)]
    if invoice.replaces_id:
        story.append(p(f"本請求書は請求書番号 {invoice.replaces.number} を取り消し、再発行したものです。", STRONG))
    replacement = getattr(invoice, "replaced_by", None) if invoice.status == "cancelled" else None
    if replacement is not None:
        story.append(p(f"再発行後の請求書番号: {replacement.number}", STRONG))
    story += [
        p("消費税額は税率ごとに合計した金額に対して一度だけ計算し、1円未満を切り捨てています。", SMALL),
        p("本書は消費税法に定める適格請求書です。", SMALL),
    ]
    return _document("請求書", story, subject=invoice.number)


# --- 利用証明書 ------------------------------------------------------------------------------------------------------
def certificate_pdf(booking, *, issued_on: date) -> bytes:
    """A certificate that the company used the instrument (attached to subsidy reports): what, when, how long,
    and the fee fixed at approval."""
    institution = booking.instrument.institution
    number = f"C-{institution.id}-{booking.id:06d}"
    used_from, used_until = booking.actual_start or booking.start, booking.actual_end or booking.end
    start, end = used_from.astimezone(TOKYO), used_until.astimezone(TOKYO)
    minutes = int((used_until - used_from).total_seconds() // 60)
    story = _header("利 用 証 明 書", [("証明書番号", number), ("発行日", day(issued_on))])
    recipient = (
        _recipient(booking.company.name, booking.company.address)
        if booking.company
        else _recipient(booking.requester.get_full_name() or booking.requester.username, person=True)
    )
    quote = booking.quote or {}
    story += [
        _parties(recipient, _issuer(institution.name, institution.address)),
        Spacer(1, 6 * mm),
        p("下記のとおり、当機関の研究設備を利用されたことを証明します。"),
        Spacer(1, 4 * mm),
        _lines_table(
            ["項目", "内容"],
            [
                ["利用者", booking.company.name if booking.company else (booking.requester.get_full_name() or "—")],
                ["申請者", booking.requester.get_full_name() or booking.requester.username],
                ["機器", f"{booking.instrument.name}（{booking.instrument.maker} {booking.instrument.model}）"],
                ["設置機関", institution.name],
                [
                    "利用日時",
                    f"{day(start.date())} {start:%H:%M}〜{end:%H:%M}"
                    if start.date() == end.date()
                    else f"{day(start.date())} {start:%H:%M}〜{day(end.date())} {end:%H:%M}",
                ],
                ["利用時間", f"{minutes // 60}時間{minutes % 60:02d}分"],
                ["利用形態", MODES.get(booking.mode, booking.mode)],
                ["成果の公開", "非公開" if booking.confidential else "公開"],
                ["利用料金", f"{yen(quote.get('total_jpy', 0))}（税込、うち消費税 {yen(quote.get('tax_jpy', 0))}）"],
                ["予約番号", f"#{booking.id}"],
            ],
            [35 * mm, WIDTH - 35 * mm],
        ),
        Spacer(1, 12 * mm),
        p(f"{day(issued_on)}", RIGHT),
        p(institution.name, ParagraphStyle("sign", parent=STRONG, alignment=TA_RIGHT)),
    ]
    return _document("利用証明書", story, subject=number)
