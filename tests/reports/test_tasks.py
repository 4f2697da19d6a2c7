"""Reports built in Celery: requested through the API, built once, downloaded by those who may; the monthly
schedule builds last month's report per consortium and tells its secretariat once."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from backend.periods import Period
from reports import services
from reports.models import Report
from reports.tasks import build_report_task, monthly_reports_task
from tests.factories import UserFactory, give_role
from tests.language import bilingual_pairs, japanese_in
from tests.reports.data_names import NAMES

pytestmark = pytest.mark.django_db


def django_client_for(user, language: str) -> Client:
    """A page client logged in as the user, whose language setting is set to `language`."""
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def in_process():
    """Run queued tasks here even when CI configures a real broker (the real worker has its own test below)."""
    from backend.celery import app

    before = {key: app.conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(before)


def start(client, consortium, body, capture):
    """POST a report and run what was queued on commit (tests using it ask for `in_process`)."""
    with capture(execute=True):
        return client.post(f"/api/v1/consortia/{consortium.id}/reports/", body, format="json")


def test_the_secretariat_starts_a_report_and_downloads_its_files(
    in_process, data, client_for, django_capture_on_commit_callbacks
):
    client = client_for(data.secretariat_h)
    response = start(client, data.h, {"fy": 2025}, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.data
    report_id = response.data["id"]
    assert response["Location"] == f"/api/v1/reports/{report_id}/"

    detail = client.get(f"/api/v1/reports/{report_id}/").data
    assert (detail["status"], detail["progress"], detail["period"]["label"]) == ("done", 100, "2025年度")
    assert detail["requested_by"] == "sec_h" and detail["institution"] is None and detail["language"] == "ja"
    assert set(detail["downloads"]) == {"csv", "xlsx", "pdf"}
    assert detail["downloads"]["xlsx"].endswith(f"/api/v1/reports/{report_id}/xlsx/")

    xlsx = client.get(f"/api/v1/reports/{report_id}/xlsx/")
    assert xlsx.status_code == 200
    assert 'filename="kyoyo-utilization-' in xlsx["Content-Disposition"]
    book = load_workbook(__import__("io").BytesIO(b"".join(xlsx.streaming_content)))
    assert "月別" in book.sheetnames
    pdf = client.get(f"/api/v1/reports/{report_id}/pdf/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    listed = client.get(f"/api/v1/consortia/{data.h.id}/reports/").data
    assert [r["id"] for r in listed["results"]] == [report_id]


def test_a_report_is_built_in_its_requesters_language(in_process, data, client_for, django_capture_on_commit_callbacks):
    """The task runs outside any request: the report carries its requester's language and is built in it."""
    data.secretariat_h.language = "en"
    data.secretariat_h.save(update_fields=["language"])
    client = client_for(data.secretariat_h)
    report_id = start(client, data.h, {"month": "2026-03"}, django_capture_on_commit_callbacks).data["id"]
    report = Report.objects.get(pk=report_id)
    assert (report.language, report.status) == ("en", "done")
    book = load_workbook(io.BytesIO(report.xlsx_file.read()))
    assert book.sheetnames[0] == "Summary" and book["Summary"]["B3"].value == "March 2026"
    assert isinstance(book["Summary"]["B5"].value, datetime)
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf_file.read())).pages)
    assert "Utilization report: 北海道協議会" in pdf and "(Japan time)" in pdf
    assert japanese_in(pdf, data=NAMES) == []
    rows = list(csv.reader(io.StringIO(report.csv_file.read().decode("utf-8-sig"))))
    assert rows[0][0] == "Breakdown" and rows[1][0] == "Totals"
    # a Japanese reader of the same report sees the page in Japanese, the files as they were built
    page = django_client_for(data.secretariat_h, "ja").get(f"/reports/{report_id}/").content.decode()
    assert "作成が完了しました" in page and "ファイルは英語で作成されています" in page


def test_staff_start_the_slice_of_their_institution_and_only_they_and_the_secretariat_see_it(
    in_process, data, client_for, django_capture_on_commit_callbacks
):
    response = start(client_for(data.staff_b), data.h, {"month": "2026-03"}, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert response.data["institution"] == {"id": data.inst_b.id, "name": "機関B"}
    path = f"/api/v1/reports/{response.data['id']}/"
    assert client_for(data.secretariat_h).get(path).status_code == 200
    staff_a = UserFactory()
    give_role(staff_a, "staff", institution=data.inst_a)
    for outsider in (data.secretariat_t, staff_a, UserFactory()):
        assert client_for(outsider).get(path).status_code == 404
        assert client_for(outsider).get(path + "csv/").status_code == 404


def test_a_whole_consortium_report_is_not_shown_to_staff(
    in_process, data, client_for, django_capture_on_commit_callbacks
):
    response = start(client_for(data.secretariat_h), data.h, {"month": "2026-03"}, django_capture_on_commit_callbacks)
    path = f"/api/v1/reports/{response.data['id']}/"
    assert client_for(data.staff_b).get(path).status_code == 404
    assert client_for(data.secretariat_h).get(path + "docx/").status_code == 404


def test_starting_a_report_is_refused_like_reading_one(data, client_for, api):
    body = {"month": "2026-03"}
    assert client_for(data.secretariat_t).post(f"/api/v1/consortia/{data.h.id}/reports/", body).status_code == 403
    assert api.post(f"/api/v1/consortia/{data.h.id}/reports/", body).status_code == 401
    bad = client_for(data.secretariat_h).post(f"/api/v1/consortia/{data.h.id}/reports/", {"fy": "x"}, format="json")
    assert (bad.status_code, bad.data["code"], bad.data["field"]) == (400, "invalid_fy", "fy")
    weird = client_for(data.secretariat_h).post(f"/api/v1/consortia/{data.h.id}/reports/", [1], format="json")
    assert weird.status_code == 400
    nested = client_for(data.secretariat_h).post(
        f"/api/v1/consortia/{data.h.id}/reports/", {"fy": {"a": 1}}, format="json"
    )
    assert (nested.status_code, nested.data["field"]) == (400, "fy")
    assert not Report.objects.exists()


def test_staff_of_two_member_institutions_say_which(data, client_for):
    give_role(data.staff_b, "staff", institution=data.inst_a)
    response = client_for(data.staff_b).post(f"/api/v1/consortia/{data.h.id}/reports/", {"month": "2026-03"})
    assert (response.status_code, response.data["code"]) == (400, "institution_required")


def test_a_file_gone_from_disk_is_a_404(in_process, data, client_for, django_capture_on_commit_callbacks):
    client = client_for(data.secretariat_h)
    report_id = start(client, data.h, {"month": "2026-03"}, django_capture_on_commit_callbacks).data["id"]
    report = Report.objects.get(pk=report_id)
    report.csv_file.storage.delete(report.csv_file.name)
    assert client.get(f"/api/v1/reports/{report_id}/csv/").status_code == 404


def test_a_report_task_delivered_twice_builds_once(data):
    report = Report.objects.create(
        consortium=data.h, period_start=Period.month(2026, 3).start, period_end=Period.month(2026, 3).end
    )
    assert build_report_task.apply(args=[str(report.id)]).get() is True
    report.refresh_from_db()
    files = (report.csv_file.name, report.xlsx_file.name, report.pdf_file.name, report.finished_at)
    assert build_report_task.apply(args=[str(report.id)]).get() is False
    report.refresh_from_db()
    assert (report.csv_file.name, report.xlsx_file.name, report.pdf_file.name, report.finished_at) == files
    assert all(name.startswith(f"reports/{report.id}/") for name in files[:3])


def test_a_build_abandoned_long_ago_is_taken_over(data):
    period = Period.month(2026, 3)
    report = Report.objects.create(
        consortium=data.h,
        period_start=period.start,
        period_end=period.end,
        status="running",
        started_at=timezone.now() - timedelta(hours=2),
    )
    assert services.build_report(report.id) is True
    fresh = Report.objects.create(
        consortium=data.h, period_start=period.start, period_end=period.end, status="running", started_at=timezone.now()
    )
    assert services.build_report(fresh.id) is False


def test_a_failed_build_says_so_and_keeps_the_fault_in_the_log(data, monkeypatch, caplog):
    period = Period.month(2026, 3)
    report = Report.objects.create(consortium=data.h, period_start=period.start, period_end=period.end)

    def broken(body, fmt):
        raise FileNotFoundError("/srv/kyoyo/secret/logo.png")  # an exception's text may tell about the server

    monkeypatch.setattr("reports.exports.render", broken)
    assert services.build_report(report.id) is False
    report.refresh_from_db()
    assert report.status == "failed" and report.error == services.failure_notice(report.id)
    assert "/srv/kyoyo" not in report.error and str(report.id) in report.error
    assert japanese_in(report.error) and not bilingual_pairs(report.error)  # the requester's language: Japanese
    with translation.override("en"):
        assert services.failure_notice(report.id) == f"Please tell the site operator; reference: report {report.id}."
    logged = [r for r in caplog.records if r.name == "reports.services" and r.exc_info]
    assert [str(r.exc_info[1]) for r in logged] == ["/srv/kyoyo/secret/logo.png"]  # the fault, for the operator


def test_the_monthly_schedule_builds_last_months_reports_and_tells_each_secretariat_once(
    in_process, data, mailoutbox, django_capture_on_commit_callbacks
):
    second = UserFactory(username="sec_h2", last_name="高橋", first_name="美咲")
    give_role(second, "secretariat", consortium=data.h)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        assert monthly_reports_task.apply(kwargs={"today": "2026-04-01"}).get() == 2
    reports = Report.objects.filter(scheduled=True).order_by("consortium_id")
    assert [(r.consortium_id, r.status, r.period.label) for r in reports] == [
        (data.h.id, "done", "2026年3月"),
        (data.tama.id, "done", "2026年3月"),
    ]
    assert sorted(m.to[0] for m in mailoutbox) == ["sec_h2@example.jp", "sec_h@example.jp", "sec_t@example.jp"]
    mail = next(m for m in mailoutbox if m.to == ["sec_h2@example.jp"])
    assert mail.subject == "【Kyoyo】北海道協議会 利用実績レポート 2026年3月"
    assert mail.body.startswith("高橋 美咲 様")
    assert f"http://127.0.0.1:8000/reports/{reports[0].id}/" in mail.body
    assert not bilingual_pairs(mail.subject + mail.body)

    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_task.apply(kwargs={"today": "2026-04-02"}).get() == 2  # the schedule fires again
    assert Report.objects.filter(scheduled=True).count() == 2 and len(mailoutbox) == 3


def test_the_monthly_schedule_builds_a_report_in_each_readers_language(
    in_process, data, mailoutbox, django_capture_on_commit_callbacks
):
    """One report per language the secretariat reads (Japanese always, the report of record); each reader is told
    of the report in their language, in their language."""
    english = UserFactory(
        username="sec_en", last_name="渡辺", first_name="由美", last_name_kana="ワタナベ", first_name_kana="ユミ"
    )
    english.language = "en"
    english.save(update_fields=["language"])
    give_role(english, "secretariat", consortium=data.h)
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_task.apply(kwargs={"today": "2026-04-01"}).get() == 3
    ja, en = Report.objects.filter(consortium=data.h, scheduled=True).order_by("language").reverse()
    assert (ja.language, en.language) == ("ja", "en") and {ja.status, en.status} == {"done"}
    assert load_workbook(io.BytesIO(en.xlsx_file.read())).sheetnames[0] == "Summary"
    assert load_workbook(io.BytesIO(ja.xlsx_file.read())).sheetnames[0] == "概要"
    mail = next(m for m in mailoutbox if m.to == ["sec_en@example.jp"])
    assert mail.subject == "[Kyoyo] Utilization report of 北海道協議会: March 2026"
    assert mail.body.startswith("Dear Yumi Watanabe,") and f"/reports/{en.id}/" in mail.body
    assert japanese_in(mail.subject + mail.body, data=("北海道協議会",)) == []
    japanese = next(m for m in mailoutbox if m.to == ["sec_h@example.jp"])
    assert f"/reports/{ja.id}/" in japanese.body and not bilingual_pairs(japanese.subject + japanese.body)
    assert sorted(m.to[0] for m in mailoutbox) == ["sec_en@example.jp", "sec_h@example.jp", "sec_t@example.jp"]


def test_announce_report_mails_every_active_secretariat_user_with_an_address(
    data, mailoutbox, django_capture_on_commit_callbacks
):
    give_role(UserFactory(email=""), "secretariat", consortium=data.h)
    give_role(UserFactory(is_active=False), "secretariat", consortium=data.h)
    report = Report.objects.create(
        consortium=data.h, period_start=Period.month(2026, 3).start, period_end=Period.month(2026, 3).end, status="done"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_report(report) == 1
        assert services.announce_report(report) == 1  # the same report again: the outbox keeps one
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sec_h@example.jp"] and "2026年3月" in mailoutbox[0].body


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_a_report_is_built_by_a_real_worker(data):
    period = Period.month(2026, 3)
    report = Report.objects.create(consortium=data.h, period_start=period.start, period_end=period.end)
    assert build_report_task.delay(str(report.id)).get(timeout=120) is True
    report.refresh_from_db()
    assert (report.status, report.progress) == ("done", 100) and report.pdf_file.name.endswith(".pdf")
