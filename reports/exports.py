"""A report rendered as CSV, Excel (one sheet per breakdown) and PDF (with charts); input is the API's JSON shape
(figures.UtilizationReport.as_dict), so every format shows the same numbers."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from backend.escaping import one_line, paragraph, sheet_cell

from .figures import BREAKDOWN_TITLES, BREAKDOWNS, COLUMNS

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
SHEET_NAMES = {
    "by_institution": "機関別",
    "by_instrument": "機器別",
    "by_category": "機器分類別",
    "by_mode": "利用形態別",
    "by_month": "月別",
    "by_company_size": "利用者区分別",
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


def filename(body: dict, fmt: str) -> str:
    return f"kyoyo-utilization-{body['consortium']['id']}-{body['period']['slug']}.{fmt}"


def render(body: dict, fmt: str) -> bytes:
    return {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}[fmt](body)


# --- CSV -----------------------------------------------------------------------------------------------------------


def to_csv(body: dict) -> bytes:
    """One table: the totals, then every breakdown's rows, the breakdown named in the first column.

    UTF-8 with a byte-order mark, so Excel opens the Japanese text correctly.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rows = [["集計区分 (breakdown)", *(heading for _name, heading in COLUMNS)]]
    for name in ("totals", *BREAKDOWNS):
        for row in [body["totals"]] if name == "totals" else body[name]:
            rows.append([name, *("" if row[key] is None else row[key] for key, _heading in COLUMNS)])
    writer.writerows([sheet_cell(value) for value in row] for row in rows)  # names are text, never formulas
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- Excel ---------------------------------------------------------------------------------------------------------


def _number_format(key: str) -> str | None:
    if key in RATES:
        return "0.0%"
    if key in YEN:
        return "#,##0"
    if key.endswith("_hours"):
        return "#,##0.00"
    return None


def _append(sheet, values: list) -> None:
    """Every row of every sheet goes in here: names are text, never formulas."""
    sheet.append([sheet_cell(value) for value in values])


def _header(sheet, headings: list[str]) -> None:
    _append(sheet, headings)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def to_xlsx(body: dict) -> bytes:
    """A summary sheet (概要), then one sheet per breakdown with Japanese headings and a totals row."""
    book = Workbook()
    summary = book.active
    summary.title = "概要"
    _append(summary, ["利用実績レポート (utilization report)"])
    summary["A1"].font = Font(bold=True, size=14)
    _append(summary, ["協議会 (consortium)", body["consortium"]["name"]])
    _append(summary, ["期間 (period)", body["period"]["label"]])
    scope = body["scope"]
    _append(
        summary, ["対象機関 (institutions)", "協議会全体" if scope is None else "・".join(s["name"] for s in scope)]
    )
    _append(summary, ["作成日時 (generated at)", body["generated_at"]])
    _append(summary, [])
    _header(summary, ["項目 (figure)", "合計 (total)"])
    for key, heading in COLUMNS[2:]:
        _append(summary, [heading, body["totals"][key]])
        fmt = _number_format(key)
        if fmt:
            summary.cell(summary.max_row, 2).number_format = fmt
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 28

    for name in BREAKDOWNS:
        sheet = book.create_sheet(SHEET_NAMES[name])
        _header(sheet, [heading for _key, heading in COLUMNS])
        for row in [*body[name], {**body["totals"], "key": "", "label": "合計 (total)"}]:
            _append(sheet, [row[key] for key, _heading in COLUMNS])
        sheet.cell(sheet.max_row, 2).font = Font(bold=True)
        for index, (key, _heading) in enumerate(COLUMNS, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 36 if key == "label" else 14
            fmt = _number_format(key)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
        sheet.row_dimensions[1].height = 45
        sheet.freeze_panes = "C2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------------------------------

FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, spaceAfter=4)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
TEXT = ParagraphStyle("text", fontName=FONT, fontSize=9, leading=12)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5, wordWrap="CJK")
PDF_COLUMNS = [
    ("label", "名称"),
    ("available_hours", "利用可能h"),
    ("booked_hours", "予約h"),
    ("used_hours", "利用h"),
    ("utilization_rate", "稼働率"),
    ("uses", "利用件数"),
    ("companies", "企業数"),
    ("external_share", "企業利用割合"),
    ("revenue_jpy", "収入(税込)円"),
    ("median_lead_time_hours", "承認所要h(中央値)"),
]
PALETTE = [colors.HexColor(c) for c in ("#2E75B6", "#C55A11", "#548235", "#7F6000", "#7030A0", "#BF9000")]


def _cell(key: str, value) -> str:
    if value is None:
        return "—"
    if key in RATES:
        return f"{value * 100:.1f}%"
    if key in YEN:
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(rows: list[dict], totals: dict) -> Table:
    data = [[paragraph(h, CELL) for _k, h in PDF_COLUMNS]]
    for row in [*rows, {**totals, "label": "合計"}]:
        data.append([paragraph(_cell(k, row[k]), CELL) for k, _h in PDF_COLUMNS])
    widths = [70 * mm] + [(landscape(A4)[0] - 30 * mm - 70 * mm) / (len(PDF_COLUMNS) - 1)] * (len(PDF_COLUMNS) - 1)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _no_data(drawing: Drawing) -> Drawing:
    drawing.add(
        String(
            drawing.width / 2,
            drawing.height / 2,
            "データなし (no data)",
            fontName=FONT,
            fontSize=10,
            textAnchor="middle",
        )
    )
    return drawing


def _caption(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 12, text, fontName=FONT, fontSize=10))


def monthly_trend_chart(body: dict) -> Drawing:
    """Utilization (used ÷ available) and booked ÷ available per month, in %."""
    months = body["by_month"]
    drawing = Drawing(250 * mm, 70 * mm)
    _caption(drawing, "月別稼働率の推移 (monthly utilization, %)")
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 12 * mm, 190 * mm, 45 * mm
    series = [[(m[key] or 0) * 100 for m in months] for key in ("utilization_rate", "booked_rate")]
    chart.data = series
    chart.categoryAxis.categoryNames = [m["key"][2:] for m in months]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45 if len(months) > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 12 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%.0f%%"
    for i, colour in enumerate(PALETTE[:2]):
        chart.lines[i].strokeColor = colour
        chart.lines[i].strokeWidth = 1.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 210 * mm, 50 * mm
    legend.fontName, legend.fontSize = FONT, 8
    legend.colorNamePairs = [(PALETTE[0], "稼働率 (used)"), (PALETTE[1], "予約率 (booked)")]
    drawing.add(legend)
    return drawing


def institution_chart(body: dict) -> Drawing:
    rows = body["by_institution"]
    height = max(40, 10 + 7 * len(rows)) * mm
    drawing = Drawing(250 * mm, height)
    _caption(drawing, "機関別稼働率 (utilization by institution, %)")
    if not rows:
        return _no_data(drawing)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 75 * mm, 5 * mm, 160 * mm, height - 20 * mm
    chart.data = [[(r["utilization_rate"] or 0) * 100 for r in reversed(rows)]]
    chart.categoryAxis.categoryNames = [one_line(r["label"])[:24] for r in reversed(rows)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%.0f%%"
    chart.bars[0].fillColor = PALETTE[0]
    drawing.add(chart)
    return drawing


def company_size_chart(body: dict) -> Drawing:
    """Share of used hours by company size (SME, large, academic, internal)."""
    rows = body["by_company_size"]
    drawing = Drawing(250 * mm, 60 * mm)
    _caption(drawing, "利用者区分別の利用時間 (use by company size, hours)")
    hours = [r["used_hours"] or 0 for r in rows]
    if not sum(hours):
        return _no_data(drawing)
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 20 * mm, 5 * mm, 45 * mm, 45 * mm
    pie.data = hours
    pie.labels = None
    for i, colour in enumerate(PALETTE[: len(rows)]):
        pie.slices[i].fillColor = colour
    drawing.add(pie)
    legend = Legend()
    legend.x, legend.y = 80 * mm, 45 * mm
    legend.fontName, legend.fontSize = FONT, 8
    total = sum(hours)
    legend.colorNamePairs = [
        (PALETTE[i], f"{r['label']}: {h:,.2f} h ({h / total * 100:.1f}%)") for i, (r, h) in enumerate(zip(rows, hours))
    ]
    drawing.add(legend)
    return drawing


def to_pdf(body: dict) -> bytes:
    """Key figures, the three charts, then a table per breakdown; A4 landscape, Japanese text in a CID font."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=one_line(f"{body['consortium']['name']} 利用実績レポート {body['period']['label']}"),
    )
    scope = body["scope"]
    totals = body["totals"]
    story = [
        paragraph(f"{body['consortium']['name']} 利用実績レポート", TITLE),
        paragraph(
            f"期間: {body['period']['label']}　対象: "
            f"{'協議会全体' if scope is None else '・'.join(s['name'] for s in scope)}　"
            f"作成: {body['generated_at'][:16].replace('T', ' ')}",
            TEXT,
        ),
        Spacer(1, 4 * mm),
    ]
    key_figures = [(h, _cell(k, totals[k])) for k, h in COLUMNS[2:]]
    half = (len(key_figures) + 1) // 2
    pairs = [
        [paragraph(a[0], CELL), paragraph(a[1], CELL), *([paragraph(b[0], CELL), paragraph(b[1], CELL)] if b else [])]
        for a, b in zip(key_figures[:half], key_figures[half:] + [None])
    ]
    summary = Table(pairs, colWidths=[75 * mm, 40 * mm, 75 * mm, 40 * mm])
    summary.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story += [
        summary,
        PageBreak(),
        monthly_trend_chart(body),
        company_size_chart(body),
        PageBreak(),
        institution_chart(body),
    ]
    for name in BREAKDOWNS:
        story += [paragraph(BREAKDOWN_TITLES[name], HEADING), _table(body[name], totals)]
    story.append(Spacer(1, 4 * mm))
    story.append(
        paragraph(
            "稼働率 = 利用時間 ÷ 利用可能時間。利用形態別・利用者区分別の稼働率は協議会全体の利用可能時間に対する割合。"
            "件数と金額は予約開始日の属する期間・月に計上。定義は docs/reports.md を参照。",
            TEXT,
        )
    )
    doc.build(story)
    return out.getvalue()
