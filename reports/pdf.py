"""A report as a PDF: key figures, three charts, a table per breakdown, then the definitions; A4 landscape, one CID font that holds
Japanese and Latin text. Input is the API's JSON shape, like the other formats (exports.py renders them all).

Text, numbers, yen and percentages are written in the active language (backend.i18n); times in Tokyo time.
"""

import io

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
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

from backend.escaping import one_line, paragraph
from backend.i18n import long_datetime, percent, yen

from .definitions import definitions
from .display import CURRENT, FUTURE, PAST, months_with_state
from .figures import BREAKDOWN_TITLES, BREAKDOWNS, COLUMNS, RATES, YEN, generated_at, scope_text, total_label
from .staff import INSTITUTION_TITLE, OPERATOR_TITLE, institution_table, operator_table
from .staff import TITLE as STAFF_TITLE

FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, spaceAfter=4)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
TEXT = ParagraphStyle("text", fontName=FONT, fontSize=9, leading=12)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5, wordWrap="CJK")
PDF_COLUMNS = [
    ("label", pgettext_lazy("report column", "Name")),
    ("available_hours", gettext_lazy("Available h")),
    ("booked_hours", gettext_lazy("Booked h")),
    ("used_hours", gettext_lazy("Used h")),
    ("utilization_rate", gettext_lazy("Utilization")),
    ("uses", pgettext_lazy("report column", "Uses")),
    ("companies", pgettext_lazy("report column", "Companies")),
    ("external_share", gettext_lazy("Company share")),
    ("revenue_jpy", gettext_lazy("Revenue incl. tax")),
    ("median_lead_time_hours", gettext_lazy("Median h to decision")),
]
PALETTE = [colors.HexColor(c) for c in ("#2E75B6", "#C55A11", "#548235", "#7F6000", "#7030A0", "#BF9000")]


def _number(value, digits: int = 0) -> str:
    return formats.number_format(value, digits, use_l10n=True, force_grouping=True)


def _cell(key: str, value) -> str:
    if value is None:
        return "—"
    if key in RATES:
        return percent(value)
    if key in YEN:
        return yen(value)
    if isinstance(value, float):
        return _number(value, 2)
    return _number(value) if isinstance(value, int) else str(value)


def _row_cells(row: dict) -> list:
    """A row's cells; a month still to come says so instead of showing zeros (its available hours are known)."""
    if row.get("state") == FUTURE:
        shown = {"label": row["label"], "available_hours": _cell("available_hours", row["available_hours"])}
        not_yet = pgettext("report month", "not yet")
        return [paragraph(shown.get(k, not_yet if k == "utilization_rate" else "—"), CELL) for k, _h in PDF_COLUMNS]
    cells = [_cell(k, row[k]) for k, _h in PDF_COLUMNS]
    if row.get("state") == CURRENT:
        cells[0] = _("%(month)s (so far)") % {"month": cells[0]}
    return [paragraph(c, CELL) for c in cells]


def _table(rows: list[dict], totals: dict) -> Table:
    data = [[paragraph(h, CELL) for _k, h in PDF_COLUMNS]]
    for row in [*rows, {**totals, "label": total_label()}]:
        data.append(_row_cells(row))
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


def _staff_table(rows: list[list]) -> Table:
    """A staff table (heading row first, totals last): names as text, hours with two decimals."""
    cells = [[paragraph(c if isinstance(c, str) else _cell("", c), CELL) for c in row] for row in rows]
    first = 70 * mm
    rest = (landscape(A4)[0] - 30 * mm - first) / (len(rows[0]) - 1)
    table = Table(cells, colWidths=[first] + [rest] * (len(rows[0]) - 1), repeatRows=1)
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
        String(drawing.width / 2, drawing.height / 2, _("No data"), fontName=FONT, fontSize=10, textAnchor="middle")
    )
    return drawing


def _caption(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 12, text, fontName=FONT, fontSize=10))


def monthly_trend_chart(body: dict) -> Drawing:
    """Utilization (used ÷ available) and booked ÷ available per month, in %. The line stops at the last month
    that is over: a month still to come has no point (not a 0 % one), nor has the month under way (its use so far
    against the whole month's hours would look like a collapse); the caption says so, the table has its figures."""
    months = months_with_state(body["by_month"], generated_at(body))
    drawing = Drawing(250 * mm, 70 * mm)
    caption = _("Monthly utilization (%)")
    if any(m["state"] != PAST for m in months):
        caption = _("%(caption)s: the month under way and months still to come are not drawn (see the table).") % {
            "caption": caption
        }
    _caption(drawing, caption)
    if sum(m["state"] == PAST for m in months) < 2:  # a line needs two points
        drawing.add(
            String(
                drawing.width / 2,
                drawing.height / 2,
                _("The trend is drawn once two months of the period are over."),
                fontName=FONT,
                fontSize=10,
                textAnchor="middle",
            )
        )
        return drawing
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 12 * mm, 190 * mm, 45 * mm
    series = [
        [(m[key] or 0) * 100 if m["state"] == PAST else None for m in months]
        for key in ("utilization_rate", "booked_rate")
    ]
    chart.data = series
    chart.categoryAxis.categoryNames = [m["key"][2:] for m in months]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45 if len(months) > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 12 else "n"
    chart.valueAxis.valueMin = 0
    if max((v for line in series for v in line if v is not None), default=0) < 1:  # nothing (yet) to scale to
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = 5, 1
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%.0f%%"
    for i, colour in enumerate(PALETTE[:2]):
        chart.lines[i].strokeColor = colour
        chart.lines[i].strokeWidth = 1.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 210 * mm, 50 * mm
    legend.fontName, legend.fontSize = FONT, 8
    legend.colorNamePairs = [(PALETTE[0], _("Utilization (used)")), (PALETTE[1], _("Booked"))]
    drawing.add(legend)
    return drawing


def institution_chart(body: dict) -> Drawing:
    rows = body["by_institution"]
    height = max(40, 10 + 7 * len(rows)) * mm
    drawing = Drawing(250 * mm, height)
    _caption(drawing, _("Utilization by institution (%)"))
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
    """Share of used hours by user category (SME, large company, academic, internal)."""
    rows = body["by_company_size"]
    drawing = Drawing(250 * mm, 60 * mm)
    _caption(drawing, _("Hours used by user category"))
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
        (
            PALETTE[i],
            _("%(label)s: %(hours)s h (%(share)s)")
            % {"label": one_line(r["label"]), "hours": _number(h, 2), "share": percent(h / total)},
        )
        for i, (r, h) in enumerate(zip(rows, hours))
    ]
    drawing.add(legend)
    return drawing


def _key_figures(totals: dict) -> Table:
    key_figures = [(h, _cell(k, totals[k])) for k, h in COLUMNS[2:]]
    half = (len(key_figures) + 1) // 2
    pairs = [
        [paragraph(a[0], CELL), paragraph(a[1], CELL), *([paragraph(b[0], CELL), paragraph(b[1], CELL)] if b else [])]
        for a, b in zip(key_figures[:half], key_figures[half:] + [None])
    ]
    summary = Table(pairs, colWidths=[75 * mm, 40 * mm, 75 * mm, 40 * mm])
    summary.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    return summary


def _definitions() -> Table:
    """What each figure means, as on the report page (definitions.py)."""
    rows = [[paragraph(term, TEXT), paragraph(text, TEXT)] for term, text in definitions()]
    table = Table(rows, colWidths=[60 * mm, landscape(A4)[0] - 30 * mm - 60 * mm])
    table.setStyle(
        TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    return table


def to_pdf(body: dict) -> bytes:
    """Key figures, the three charts, a table per breakdown, then the definitions."""
    out = io.BytesIO()
    title = _("Utilization report: %(consortium)s") % {"consortium": body["consortium"]["name"]}
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=one_line(f"{title} {body['period']['label']}"),
    )
    story = [
        paragraph(title, TITLE),
        paragraph(
            _("Period: %(period)s / Scope: %(scope)s / Generated: %(generated)s (Japan time)")
            % {
                "period": body["period"]["label"],
                "scope": scope_text(body),
                "generated": long_datetime(generated_at(body)),
            },
            TEXT,
        ),
        Spacer(1, 4 * mm),
        _key_figures(body["totals"]),
        PageBreak(),
        monthly_trend_chart(body),
        company_size_chart(body),
        PageBreak(),
        institution_chart(body),
    ]
    for name in BREAKDOWNS:
        rows = months_with_state(body[name], generated_at(body)) if name == "by_month" else body[name]
        story += [paragraph(BREAKDOWN_TITLES[name], HEADING), _table(rows, body["totals"])]
    if body.get("staff"):
        story += [PageBreak(), paragraph(STAFF_TITLE, HEADING)]
        for title, table in ((INSTITUTION_TITLE, institution_table), (OPERATOR_TITLE, operator_table)):
            story += [paragraph(title, HEADING), _staff_table(table(body["staff"]))]
    story += [PageBreak(), paragraph(_("Definitions"), HEADING), _definitions()]
    doc.build(story)
    return out.getvalue()
