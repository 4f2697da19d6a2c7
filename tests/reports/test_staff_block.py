"""The utilization report's staff block: figures, consent in every format (JSON, page, CSV, Excel, PDF)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from backend.periods import Period
from reports.exports import to_csv, to_pdf, to_xlsx
from reports.selectors import utilization
from tests.contributions.conftest import world  # noqa: F401  (the fixture)

OCTOBER = Period.month(2026, 10)


@pytest.fixture
def body(world):  # noqa: F811
    with translation.override("ja"):
        return utilization(consortium=world.k, period=OCTOBER).as_dict()


def test_per_institution_own_lent_out_and_lent_in(world, body):  # noqa: F811
    rows = {row["key"]: row for row in body["staff"]["by_institution"]}
    assert (rows[world.a.id]["hours"], rows[world.a.id]["own_hours"], rows[world.a.id]["lent_out_hours"]) == (
        8.5,
        6.0,
        2.5,
    )
    assert (rows[world.b.id]["hours"], rows[world.b.id]["lent_in_hours"]) == (1.0, 2.5)
    assert body["staff"]["totals"]["hours"] == 9.5
    assert world.c.id not in rows  # another consortium's institution


def test_an_unconsented_operator_is_counted_but_never_named_in_any_format(world, body):  # noqa: F811
    shy, named = world.shy_op.user.display_name, world.lent_op.user.display_name
    people = body["staff"]["by_operator"]
    assert [row["hours"] for row in people if not row["named"]] == [4.0]
    assert shy not in str(body)
    csv_text = to_csv(body).decode("utf-8-sig")
    assert named in csv_text and shy not in csv_text
    staff_rows = [row for row in csv.reader(io.StringIO(csv_text)) if row and row[0] == "技術職員（機関別）"]
    assert staff_rows[-1][1:3] == ["合計", "9.5"]
    book = load_workbook(io.BytesIO(to_xlsx(body)))
    sheet = book["技術職員"]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert named in values and shy not in values and 9.5 in values
    with translation.override("ja"):
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(to_pdf(body))).pages)
    assert "技術職員" in text and named.replace(" ", "") in text.replace(" ", "") and shy not in text


def test_the_report_page_shows_the_block_without_unconsented_names(client, world):  # noqa: F811
    client.force_login(world.secretariat_k)
    page = client.get(reverse("report-page", args=[world.k.id]), {"kind": "month", "month": "2026-10"})
    html = page.content.decode()
    assert 'id="staff-by-institution"' in html
    assert world.lent_op.user.display_name in html and world.shy_op.user.display_name not in html
