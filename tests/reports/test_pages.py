"""The report page in the web client: the secretariat's figures, a staff member's slice, refusals
for everyone else, the period picker's errors beside their field, the background build."""

import pytest

from reports.models import Report
from tests.language import english_page_problems, japanese_page_problems
from tests.reports.data_names import NAMES

pytestmark = pytest.mark.django_db
PAGE = "/reports/consortium/{}/"


def test_the_secretariat_sees_totals_charts_tables_and_downloads(data, client):
    client.force_login(data.secretariat_h)
    response = client.get(PAGE.format(data.h.id), {"kind": "fy", "fy": "2025"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<figure class="chart"') == 3 and 'id="totals"' in body
    assert "機関A" in body and "機関B" in body and "機関C" not in body  # C is not a member of this consortium
    for fmt in ("csv", "xlsx", "pdf"):
        assert f"format={fmt}" in body


def main_of(html: str) -> str:
    """The page's own content: the site's header and footer (backend's base template) are not the reports app's."""
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def test_the_report_page_is_in_japanese_only(data, client):
    client.force_login(data.secretariat_h)
    body = client.get(PAGE.format(data.h.id), {"kind": "fy", "fy": "2025"}).content.decode()
    assert japanese_page_problems(main_of(body)) == []
    assert "2025年度" in body and "機関別" in body and "合計" in body and "円" in body and "¥" not in body


def test_the_report_page_is_in_english_for_an_english_reader(data, client):
    data.secretariat_h.language = "en"
    data.secretariat_h.save(update_fields=["language"])
    client.force_login(data.secretariat_h)
    body = client.get(PAGE.format(data.h.id), {"kind": "fy", "fy": "2025"}).content.decode()
    assert "FY2025" in body and "By institution" in body and "Hours used by user category" in body
    assert "¥" in body and "円" not in body and "SEM-A (機関A)" in body
    assert english_page_problems(main_of(body), data=NAMES) == []
    refused = client.get(PAGE.format(data.h.id), {"kind": "range", "start": "2026-10-05", "end": "2026-10-01"})
    assert "The end must be after the start." in refused.content.decode()


def test_reports_is_the_secretariats_own_consortium(data, client):
    client.force_login(data.secretariat_h)
    response = client.get("/reports/")
    assert response.status_code == 302 and response["Location"] == PAGE.format(data.h.id)


def test_staff_see_only_their_institutions_slice(data, client):
    client.force_login(data.staff_b)
    body = client.get(PAGE.format(data.h.id), {"kind": "fy", "fy": "2025"}).content.decode()
    assert "自機関分" in body and "機関B" in body and "機関A" not in body


def test_everyone_else_is_refused(data, client):
    client.force_login(data.secretariat_t)  # another consortium's secretariat
    assert client.get(PAGE.format(data.h.id)).status_code == 403
    client.force_login(data.user)
    assert client.get("/reports/").status_code == 403
    assert client.post(f"{PAGE.format(data.h.id)}build/", {"kind": "fy", "fy": "2025"}).status_code == 403
    assert not Report.objects.exists()
    client.logout()
    assert client.get(PAGE.format(data.h.id))["Location"].startswith("/accounts/login/")


def test_a_bad_period_is_refused_beside_its_field(data, client):
    client.force_login(data.secretariat_h)
    response = client.get(PAGE.format(data.h.id), {"kind": "range", "start": "2026-10-05", "end": "2026-10-01"})
    body = response.content.decode()
    assert response.status_code == 400
    end_field = body.split('for="id_end"')[1].split("</div>")[0]
    assert "終了日時は開始日時より後" in end_field and 'value="2026-10-05"' in body
    for params in ({"kind": "month", "month": "2026-13"}, {"kind": "fy", "fy": "x"}, {"kind": "nope"}):
        assert client.get(PAGE.format(data.h.id), params).status_code == 400


def test_a_large_report_is_built_in_the_background_with_its_progress_page(
    data, client, django_capture_on_commit_callbacks
):
    client.force_login(data.secretariat_h)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PAGE.format(data.h.id)}build/", {"kind": "fy", "fy": "2025"})
    report = Report.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "作成が完了しました" in page and f"/api/v1/reports/{report.pk}/pdf/" in page
    client.force_login(data.secretariat_t)
    assert client.get(f"/reports/{report.pk}/").status_code == 404


def test_the_report_carries_the_consultations_block(data, client):
    client.force_login(data.secretariat_h)
    body = client.get(f"/api/v1/consortia/{data.h.id}/reports/utilization/", {"fy": "2025"}).json()
    assert body["consultations"]["received"] == 0 and body["consultations"]["converted_to_bookings"] == 0
    assert 'id="consultations"' in client.get(PAGE.format(data.h.id), {"kind": "fy", "fy": "2025"}).content.decode()
