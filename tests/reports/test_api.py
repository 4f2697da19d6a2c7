"""The report endpoints as the secretariat, staff and everyone else meet them."""

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import CompanyFactory, UserFactory, give_role

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


def test_csv_has_a_row_per_breakdown_row_with_japanese_headings(data, client_for):
    response = client_for(data.secretariat_h).get(url(data.h), {"month": "2026-03", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kyoyo-utilization-' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["集計区分 (breakdown)", "キー (key)", "名称 (label)", "利用可能時間 h (available hours)"]
    assert rows[1][0] == "totals" and rows[1][5] == "15.25"
    # 1 totals + 2 institutions + 2 instruments + 2 categories + 3 modes + 1 month + 4 sizes
    assert len(rows) == 1 + 1 + 2 + 2 + 2 + 3 + 1 + 4


def test_excel_has_one_sheet_per_breakdown_with_japanese_headings(data, client_for):
    response = client_for(data.secretariat_h).get(url(data.h), {"month": "2026-03", "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概要", "機関別", "機器別", "機器分類別", "利用形態別", "月別", "利用者区分別"]
    sheet = book["機関別"]
    assert sheet["F1"].value.startswith("稼働率")
    assert [sheet.cell(r, 2).value for r in range(2, 5)] == ["機関A", "機関B", "合計 (total)"]
    assert sheet["E4"].value == 15.25  # used hours, totals row


def test_pdf_is_a_pdf_with_japanese_text(data, client_for):
    response = client_for(data.secretariat_h).get(url(data.h), {"fy": "2025", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 3
    fonts = {f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert "/HeiseiKakuGo-W5" in fonts
    text = reader.pages[0].extract_text()
    assert "北海道協議会 利用実績レポート" in text and "2025年度 (FY2025)" in text
    charts = reader.pages[1].extract_text()
    assert "月別稼働率の推移" in charts and "利用者区分別の利用時間" in charts


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


@pytest.mark.parametrize("params, code, field", BAD_INPUT)
def test_bad_input_is_a_400_naming_the_field(data, client_for, params, code, field):
    response = client_for(data.secretariat_h).get(url(data.h), params)
    assert response.status_code == 400, response.content
    assert (response.data["code"], response.data["field"]) == (code, field)
    assert "(" in response.data["detail"]


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
