"""The usage-report pages through the web client: the company submits, refusals are shown next to the field with
the input kept, staff and the secretariat read what they may, another company sees nothing."""

import re

import pytest

from usage_reports.models import UsageReport

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def publishable_box(response) -> str:
    return re.search(r'<input[^>]*name="publishable"[^>]*>', response.content.decode()).group(0)


def test_the_company_sees_what_it_owes_and_submits_a_report(world, uses, client):
    company = logged_in(client, world.user_a)
    listing = company.get("/usage-reports/", {"status": "owed"}).content.decode()
    assert f"/usage-reports/{uses.recent.pk}/" in listing and f"/usage-reports/{uses.theirs.pk}/" not in listing
    overdue = company.get("/usage-reports/", {"status": "overdue"}).content.decode()
    assert f"/usage-reports/{uses.old.pk}/" in overdue and f"/usage-reports/{uses.recent.pk}/" not in overdue
    assert "checked" not in publishable_box(company.get(f"/usage-reports/{uses.secret.pk}/"))  # 成果非公開
    assert "checked" in publishable_box(company.get(f"/usage-reports/{uses.recent.pk}/"))
    refused = company.post(
        f"/usage-reports/{uses.recent.pk}/", {"summary": "", "outcome": "research", "publications": "学会発表予定"}
    )
    assert refused.status_code == 400 and "学会発表予定" in refused.content.decode()
    assert not UsageReport.objects.exists()
    done = company.post(
        f"/usage-reports/{uses.recent.pk}/",
        {"summary": "めっき層の厚さを確認した。", "outcome": "quality_control", "publishable": "on"},
        follow=True,
    )
    assert "利用報告書を提出しました" in done.content.decode()
    report = UsageReport.objects.get(booking=uses.recent)
    assert report.publishable and report.on_time and report.outcome == "quality_control"
    assert "利用報告書" in company.get(f"/bookings/{uses.recent.pk}/").content.decode()


def test_others_read_only_what_they_may(world, uses, client):
    from usage_reports.services import submit_usage_report

    submit_usage_report(actor=world.user_a, booking=uses.secret, summary="秘密の成果", outcome="research")
    assert logged_in(client, world.user_b).get(f"/usage-reports/{uses.secret.pk}/").status_code == 404
    client.logout()
    secretariat = logged_in(client, world.secretariat)
    page = secretariat.get(f"/usage-reports/{uses.secret.pk}/").content.decode()
    assert "秘密の成果" not in page and "表示しません" in page and "<form" not in page.split("<main>")[1]
    assert (
        secretariat.post(f"/usage-reports/{uses.secret.pk}/", {"summary": "x", "outcome": "other"}).status_code == 403
    )
    client.logout()
    staff = logged_in(client, world.staff_a).get(f"/usage-reports/{uses.secret.pk}/").content.decode()
    assert "秘密の成果" in staff
    client.logout()
    assert logged_in(client, world.staff_b).get("/usage-reports/").status_code == 200
    assert f"/usage-reports/{uses.secret.pk}/" not in client.get("/usage-reports/").content.decode()


def test_navigation_links_follow_the_roles(world, client):
    body = logged_in(client, world.user_a).get("/").content.decode()
    assert 'href="/invoices/"' in body and 'href="/usage-reports/"' in body and 'href="/staff/invoices/"' not in body
    client.logout()
    staff = logged_in(client, world.staff_a).get("/").content.decode()
    assert 'href="/staff/invoices/"' in staff and 'href="/invoices/"' in staff
    client.logout()
    secretariat = logged_in(client, world.secretariat).get("/").content.decode()
    assert 'href="/usage-reports/"' in secretariat and 'href="/invoices/"' not in secretariat
    client.logout()
    assert client.get("/usage-reports/").status_code == 302
