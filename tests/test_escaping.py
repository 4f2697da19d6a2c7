"""backend.escaping: whatever the text, a PDF paragraph shows it and a spreadsheet cell holds it as text."""

import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate

from backend.escaping import FORMULA_STARTS, one_line, paragraph, printable, refused_in_names, sheet_cell

# Any text Python can hold, lone surrogates included (JSON can carry "\ud800").
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
STYLE = ParagraphStyle("plain", fontName="Helvetica", fontSize=9)


@given(TEXT)
def test_any_text_becomes_a_paragraph_reportlab_can_draw(text):
    out = io.BytesIO()
    SimpleDocTemplate(out).build([paragraph(text, STYLE)])
    assert out.getvalue().startswith(b"%PDF-")


@given(TEXT)
def test_any_text_becomes_a_cell_an_xlsx_holds_as_text(text):
    cell = Workbook().active.cell(1, 1, sheet_cell(text))
    assert cell.data_type in ("s", "n")  # never "f" (formula); "n" is the empty cell
    assert not str(cell.value or "").startswith(FORMULA_STARTS)


@pytest.mark.parametrize("value", [0, -3, 2.5, -0.25, None])
def test_numbers_stay_numbers(value):
    assert sheet_cell(value) == value


@pytest.mark.parametrize("text", ["=1+1", "+81", "-x", "@SUM(A1)", "\t=1", "\r=1", "\x1b=1+1"])
def test_text_that_starts_a_formula_gets_a_quote(text):
    assert sheet_cell(text).startswith("'")


@given(TEXT)
def test_printable_keeps_only_line_feeds_and_tabs_of_the_control_characters(text):
    kept = {unicodedata.category(c) for c in printable(text) if c not in "\n\t"}
    assert not kept & {"Cc", "Cs"}


@given(TEXT)
def test_one_line_is_what_a_name_may_be(text):
    assert refused_in_names(one_line(text)) == []


def test_line_breaks_of_every_kind_become_one_line_break():
    assert printable("a\r\nb\rc\nd\x0be\x85f\u2028g\u2029h") == "a\nb\nc\nd\ne\nf\ng\nh"
    assert one_line("a\r\nb\tc\x1bd\u202ee") == "a b cde"
