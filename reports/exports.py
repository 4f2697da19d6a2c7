"""A report rendered as CSV, Excel (one sheet per breakdown) and PDF (with charts, in `pdf`); input is the API's
JSON shape (figures.UtilizationReport.as_dict), so every format shows the same numbers.

Every heading, sheet name and caption is in the active language (the reader's; a stored report's requester's, as
the build runs inside `translation.override`). Times are Tokyo's: Excel holds them as real date-times (Tokyo wall
time, Excel has no zones) and says so in the heading.
"""

import csv
import io

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from backend.escaping import sheet_cell

from .figures import BREAKDOWN_TITLES, BREAKDOWNS, COLUMNS, RATES, YEN, generated_at, scope_text, total_label
from .pdf import to_pdf
from .staff import INSTITUTION_TITLE, OPERATOR_TITLE, TITLE, institution_table, operator_table

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def filename(body: dict, fmt: str) -> str:
    return f"kyoyo-utilization-{body['consortium']['id']}-{body['period']['slug']}.{fmt}"


def render(body: dict, fmt: str) -> bytes:
    return {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}[fmt](body)


# --- CSV -----------------------------------------------------------------------------------------------------------


def to_csv(body: dict) -> bytes:
    """One table: the totals, then every breakdown's rows, the breakdown named in the first column.

    UTF-8 with a byte-order mark, so Excel opens the Japanese text correctly. The file holds no time of day.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rows = [[_("Breakdown"), *(str(heading) for _name, heading in COLUMNS)]]
    for name in ("totals", *BREAKDOWNS):
        title = str(BREAKDOWN_TITLES[name])
        for row in [body["totals"]] if name == "totals" else body[name]:
            rows.append([title, *("" if row[key] is None else row[key] for key, _heading in COLUMNS)])
    if body.get("staff"):  # the staff block: its own columns, after an empty row
        for title, table in ((INSTITUTION_TITLE, institution_table), (OPERATOR_TITLE, operator_table)):
            heading, *lines = table(body["staff"])
            rows += [[], [_("Breakdown"), *heading]]
            rows += [[str(title), *line] for line in lines]
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
    sheet.append([sheet_cell(str(value) if isinstance(value, Promise) else value) for value in values])


def _header(sheet, headings: list) -> None:
    _append(sheet, headings)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _summary(book: Workbook, body: dict) -> None:
    summary = book.active
    summary.title = _("Summary")
    _append(summary, [_("Utilization report")])
    summary["A1"].font = Font(bold=True, size=14)
    _append(summary, [_("Consortium"), body["consortium"]["name"]])
    _append(summary, [_("Period"), body["period"]["label"]])
    _append(summary, [_("Institutions"), scope_text(body)])
    _append(summary, [_("Generated at (Japan time)"), generated_at(body).replace(tzinfo=None)])
    summary.cell(summary.max_row, 2).number_format = DATETIME_FORMAT
    summary.cell(summary.max_row, 2).alignment = Alignment(horizontal="left")
    _append(summary, [])
    _header(summary, [_("Figure"), total_label()])
    for key, heading in COLUMNS[2:]:
        _append(summary, [heading, body["totals"][key]])
        fmt = _number_format(key)
        if fmt:
            summary.cell(summary.max_row, 2).number_format = fmt
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 28


def _staff_sheet(book: Workbook, staff: dict) -> None:
    """One sheet: the institutions' table, then the staff members' (named only with their consent)."""
    sheet = book.create_sheet(str(TITLE)[:31])
    for title, table in ((INSTITUTION_TITLE, institution_table), (OPERATOR_TITLE, operator_table)):
        _append(sheet, [title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        heading, *lines = table(staff)
        _header(sheet, heading)
        for line in lines:
            _append(sheet, line)
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        _append(sheet, [])
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 28
    for letter in "CDEF":
        sheet.column_dimensions[letter].width = 16


def to_xlsx(body: dict) -> bytes:
    """A summary sheet, then one sheet per breakdown with the reader's headings and a totals row."""
    book = Workbook()
    _summary(book, body)
    for name in BREAKDOWNS:
        sheet = book.create_sheet(str(BREAKDOWN_TITLES[name])[:31])
        _header(sheet, [heading for _key, heading in COLUMNS])
        for row in [*body[name], {**body["totals"], "key": "", "label": total_label()}]:
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
    if body.get("staff"):
        _staff_sheet(book, body["staff"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
