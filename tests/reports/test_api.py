"""The report endpoints as the secretariat, staff and everyone else meet them."""

import csv
import io
import re
from datetime import datetime

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from backend.i18n import long_datetime
from backend.tokyo import TOKYO
from tests.factories import CompanyFactory, UserFactory, give_role
from tests.language import bilingual_pairs, japanese_in
from tests.reports.data_names import NAMES

pytestmark = pytest.mark.django_db


def url(consortium) -> str:
    return f"/api/v1/consortia/{consortium.id}/reports/utilization/"


def test_the_secretariat_gets_the_figures_as_json(data, client_for):
    response = client_for(data.secretariat_h).get(url(data.h), {"month": "2026-03"})
    assert response.status_code == 200, response.data
    body = response.data
    assert body["period"]["label"] == "2026年3月" and body["scope"] is None
    for name in ("by_institution", "by_instrument", "by_category", "by_mode", "by_month", "by_company_size"):
        assert body[name], name
        for row in body[name]:
            assert set(body["totals"]) <= set(row), name
    for field in (
        "available_hours",
        "booked_hours",
        "used_hours",
        "utilization_rate",
        "uses",
        "companies",
        "revenue_jpy",
    ):
        assert field in body["totals"]
    assert body["totals"]["used_hours"] == 15.25 and body["totals"]["revenue_jpy"] == 72600


@pytest.mark.parametrize(
    "params",
    [
        {"fy": "2025"},
        {"fy": 2026},
        {"start": "2026-03-01", "end": "2026-03-31"},
        {"start": "2026-03-01T09:00:00+09:00", "end": "2026-03-02T00:00:00Z"},
    ],
)
def test_every_way_of_giving_the_period_works(data, client_for, params):
    assert client_for(data.secretariat_h).get(url(data.h), params).status_code == 200


def test_the_longest_period_allowed_works_on_every_database(data, client_for):
    response = client_for(data.secretariat_h).get(url(data.h), {"start": "2022-04-01", "end": "2027-03-31"})
    assert response.status_code == 200
    assert len(response.data["by_month"]) == 60 and response.data["totals"]["used_hours"] == 15.25 + 2 + 4


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_a_row_per_breakdown_row_with_japanese_headings(data, client_for):
    response = client_for(data.secretariat_h).get(url(data.h), {"month": "2026-03", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('-2026-03.csv"')
    assert response.content.startswith("\ufeff".encode())
    rows = csv_rows(response)
    assert rows[0][:4] == ["集計区分", "キー", "名称", "利用可能時間（h）"]
    assert rows[1][:3] == ["合計", "total", "合計"] and rows[1][5] == "15.25"
    assert [row[0] for row in rows[2:4]] == ["機関別", "機関別"] and rows[-1][0] == "利用者区分別"
    # 1 totals + 2 institutions + 2 instruments + 2 categories + 3 modes + 1 month + 4 sizes
    assert len(rows) == 1 + 1 + 2 + 2 + 2 + 3 + 1 + 4
    assert not bilingual_pairs(" ".join(cell for row in rows for cell in row))


def test_the_english_csv_has_english_headings_and_japanese_only_in_names(data, client_for):
    response = client_for(data.secretariat_h).get(
        url(data.h), {"month": "2026-03", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = csv_rows(response)
    assert rows[0][:4] == ["Breakdown", "Key", "Name", "Available hours"]
    assert rows[1][:3] == ["Totals", "total", "Total"] and rows[1][5] == "15.25"
    assert [row for row in rows if row[0] == "By month"][0][2] == "March 2026"
    assert response["Content-Disposition"].endswith('-2026-03.csv"')  # file names are the same in every language
    text = " ".join(cell for row in rows for cell in row)
    assert japanese_in(text, data=NAMES) == []


def workbook_texts(book) -> str:
    return " ".join(str(c.value) for s in book for row in s.iter_rows() for c in row if isinstance(c.value, str))


def test_excel_has_one_sheet_per_breakdown_with_japanese_headings(data, client_for):
    response = client_for(data.secretariat_h).get(url(data.h), {"month": "2026-03", "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概要", "機関別", "機器別", "機器分類別", "利用形態別", "月別", "利用者区分別"]
    sheet = book["機関別"]
    assert sheet["F1"].value == "稼働率"
    assert [sheet.cell(r, 2).value for r in range(2, 5)] == ["機関A", "機関B", "合計"]
    assert sheet["E4"].value == 15.25  # used hours, totals row
    assert book["概要"]["B3"].value == "2026年3月" and book["月別"]["B2"].value == "2026年3月"
    assert bilingual_pairs(workbook_texts(book)) == []


def test_the_english_workbook_is_english_but_for_names(data, client_for):
    response = client_for(data.secretariat_h).get(
        url(data.h), {"month": "2026-03", "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Summary",
        "By institution",
        "By instrument",
        "By category",
        "By usage mode",
        "By month",
        "By user category",
    ]
    assert book["By institution"]["F1"].value == "Utilization rate"
    assert book["By institution"]["B4"].value == "Total" and book["By institution"]["E4"].value == 15.25
    assert book["Summary"]["B3"].value == "March 2026" and book["Summary"]["B4"].value == "Whole consortium"
    assert book["By instrument"]["B2"].value == "SEM-A (機関A)"  # no Japanese brackets around a Japanese name
    assert japanese_in(workbook_texts(book), data=NAMES) == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_workbooks_generated_at_is_a_tokyo_date_time(data, client_for, language):
    before = timezone.now()
    response = client_for(data.secretariat_h).get(
        url(data.h), {"month": "2026-03", "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE=language
    )
    after = timezone.now()
    summary = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert summary["A5"].value == {"ja": "作成日時（日本時間）", "en": "Generated at (Japan time)"}[language]
    stamp = summary["B5"].value
    assert isinstance(stamp, datetime) and stamp.tzinfo is None and summary["B5"].is_date
    tokyo_wall = lambda moment: moment.astimezone(TOKYO).replace(tzinfo=None, second=0, microsecond=0)  # noqa: E731
    assert tokyo_wall(before) <= stamp.replace(second=0, microsecond=0) <= tokyo_wall(after)


def test_pdf_is_a_pdf_with_japanese_text(data, client_for):
    response = client_for(data.secretariat_h).get(url(data.h), {"fy": "2025", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 3
    fonts = {f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert "/HeiseiKakuGo-W5" in fonts
    text = reader.pages[0].extract_text()
    assert "北海道協議会 利用実績レポート" in text and "期間: 2025年度" in text and "FY" not in text
    assert re.search(r"\d,\d{3}円", text) and "¥" not in text  # yen, the Japanese way
    charts = reader.pages[1].extract_text()
    assert "月別稼働率の推移" in charts and "利用者区分別の利用時間" in charts
    whole = " ".join(page.extract_text() for page in reader.pages)
    assert bilingual_pairs(whole) == []


def test_the_english_pdf_is_english_but_for_names(data, client_for):
    response = client_for(data.secretariat_h).get(
        url(data.h), {"fy": "2025", "format": "pdf"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "Utilization report: 北海道協議会" in text and "Period: FY2025" in text and re.search(r"¥\d", text)
    assert "Monthly utilization (%)" in reader.pages[1].extract_text()
    whole = " ".join(page.extract_text() for page in reader.pages)
    assert japanese_in(whole, data=NAMES) == []


@pytest.mark.parametrize("language, stamp", [("ja", "作成: {}"), ("en", "Generated: {} (Japan time)")])
def test_the_pdfs_generated_at_is_tokyo_time(data, client_for, language, stamp):
    before = timezone.now()
    response = client_for(data.secretariat_h).get(
        url(data.h), {"month": "2026-03", "format": "pdf"}, HTTP_ACCEPT_LANGUAGE=language
    )
    after = timezone.now()
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    with translation.override(language):
        stamps = {stamp.format(long_datetime(moment)) for moment in (before, after)}  # Tokyo: UTC+9
    assert any(s in text for s in stamps), (stamps, text)


BAD_INPUT = [
    ({}, "period_required", "fy"),
    ({"fy": "abc"}, "invalid_fy", "fy"),
    ({"fy": "1999"}, "invalid_fy", "fy"),
    ({"fy": "99999999999999999999999"}, "invalid_fy", "fy"),
    ({"fy": "2026.5"}, "invalid_fy", "fy"),
    ({"month": "2026-13"}, "invalid_month", "month"),
    ({"month": "202610"}, "invalid_month", "month"),
    ({"fy": "2026", "month": "2026-04"}, "period_ambiguous", "month"),
    ({"start": "2026-04-01"}, "end_required", "end"),
    ({"end": "2026-04-01"}, "start_required", "start"),
    ({"start": "2026-04-01", "end": "2026-03-01"}, "end_before_start", "end"),
    ({"start": "2026-04-02", "end": "2026-04-01"}, "end_before_start", "end"),
    ({"start": "2020-01-01", "end": "2026-01-01"}, "period_too_long", "end"),
    ({"start": "2026-04-01T00:00:00", "end": "2026-05-01"}, "naive_datetime", "start"),
    ({"start": "2026-04-01", "end": "2026-05-01T00:00"}, "naive_datetime", "end"),
    ({"start": "2026-02-30", "end": "2026-05-01"}, "invalid_date", "start"),
    ({"start": "yesterday", "end": "2026-05-01"}, "invalid_date", "start"),
    ({"start": "9999-12-31", "end": "9999-12-31"}, "invalid_date", "start"),
    ({"start": "2026-04-01T00:00+25:00", "end": "2026-05-01"}, "invalid_date", "start"),
    ({"month": "2026-03", "format": "docx"}, "invalid_format", "format"),
    ({"month": "2026-03", "institution": "abc"}, "invalid_institution", "institution"),
    ({"month": "2026-03", "institution": "999999"}, "unknown_institution", "institution"),
    ({"month": "2026-03", "colour": "blue"}, "unknown_field", "colour"),
]


# Refusals written by backend (plumbing, api), whose catalogue is not the reports app's.
BACKENDS_MESSAGES = {"naive_datetime", "invalid_institution", "unknown_field"}


@pytest.mark.parametrize("params, code, field", BAD_INPUT)
def test_bad_input_is_a_400_naming_the_field(data, client_for, params, code, field):
    response = client_for(data.secretariat_h).get(url(data.h), params)
    assert response.status_code == 400, response.content
    assert (response.data["code"], response.data["field"]) == (code, field)
    if code in BACKENDS_MESSAGES:
        return
    assert japanese_in(response.data["detail"]) and not bilingual_pairs(response.data["detail"])
    english = client_for(data.secretariat_h).get(url(data.h), params, HTTP_ACCEPT_LANGUAGE="en")
    assert (english.data["code"], english.data["field"]) == (code, field)
    assert japanese_in(english.data["detail"]) == []


def test_institution_staff_see_the_slice_of_their_own_institution(data, client_for):
    response = client_for(data.staff_b).get(url(data.h), {"month": "2026-03"})
    assert response.status_code == 200
    assert response.data["scope"] == [{"id": data.inst_b.id, "name": "機関B"}]
    assert [row["key"] for row in response.data["by_institution"]] == [data.inst_b.id]
    assert response.data["totals"]["used_hours"] == 3.75
    # B belongs to both consortia: its staff see B's slice of either report
    assert client_for(data.staff_b).get(url(data.tama), {"month": "2026-03"}).data["totals"]["used_hours"] == 3.75


def test_the_secretariat_may_ask_for_one_institutions_slice(data, client_for):
    response = client_for(data.secretariat_h).get(url(data.h), {"month": "2026-03", "institution": data.inst_a.id})
    assert response.status_code == 200 and response.data["totals"]["used_hours"] == 11.5


def test_site_admins_see_every_consortium(data, client_for):
    admin = UserFactory(is_superuser=True)
    assert client_for(admin).get(url(data.tama), {"month": "2026-03"}).status_code == 200


def _user_with(kind, **scope):
    user = UserFactory()
    give_role(user, kind, **scope)
    return user


def test_everyone_else_is_refused(data, client_for, api):
    refusals = {
        "company user": _user_with("company_admin", company=CompanyFactory()),
        "researcher of a member": _user_with("researcher", institution=data.inst_a),
        "coordinator": _user_with("coordinator", consortium=data.h),
        "another consortium's secretariat": data.secretariat_t,
        "staff of a non-member institution": _user_with("staff", institution=data.inst_c),
        "user without a role": UserFactory(),
    }
    for who, user in refusals.items():
        response = client_for(user).get(url(data.h), {"month": "2026-03"})
        assert response.status_code == 403, who
        assert response.data["code"] == "not_allowed_to_see_report", who
    assert api.get(url(data.h), {"month": "2026-03"}).status_code == 401  # not logged in
    staff_of_b = client_for(data.staff_b)
    other_slice = staff_of_b.get(url(data.h), {"month": "2026-03", "institution": data.inst_a.id})
    assert other_slice.status_code == 403  # another institution's slice
    assert client_for(data.secretariat_h).get("/api/v1/consortia/999999/reports/utilization/").status_code == 404


def test_refusal_comes_before_input_checks(data, client_for):
    """Someone who may not see the report learns nothing from their parameters being checked."""
    outsider = client_for(UserFactory())
    for params in ({"fy": "nonsense"}, {"format": "docx"}, {"colour": "blue"}, {"institution": "999999"}):
        assert outsider.get(url(data.h), params).status_code == 403, params
