"""Usage reports (利用報告書) through the API: the company submits, everyone sees what they may."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from bookings import services as booking_services
from tests.bookings.conftest import at
from usage_reports.models import UsageReport

pytestmark = pytest.mark.django_db
LIST = "/api/v1/usage-reports/"


def url(booking):
    return f"/api/v1/bookings/{booking.id}/usage-report/"


REPORT = {"summary": "樹脂破断面の起点を特定し、成形条件を見直した。", "outcome": "troubleshooting"}


def ids(response):
    return sorted(row["booking"] for row in response.data["results"])


def test_the_company_submits_a_report_on_time_and_may_amend_it(world, uses, client_for):
    client = client_for(world.user_a)
    owed = client.get(url(uses.recent)).data
    assert owed["status"] == "owed" and owed["report"] is None
    assert owed["due_on"] == uses.recent.actual_end.date() + timedelta(days=30)
    response = client.post(url(uses.recent), {**REPORT, "publications": "日本材料学会 2026年度大会"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["status"] == "submitted" and response.data["on_time"] is True
    assert response.data["report"]["publishable"] is True  # results may be published: publishable by default
    lifted = client.post(url(uses.recent), {**REPORT, "embargo_until": "2027-04-01"}, format="json")
    assert lifted.status_code == 200 and lifted.data["report"]["embargo_until"] == date(2027, 4, 1)
    assert UsageReport.objects.count() == 1
    secret = client.post(url(uses.secret), REPORT, format="json").data
    assert secret["report"]["publishable"] is False  # 成果非公開: not publishable unless the company says so
    late = client.post(url(uses.old), REPORT, format="json").data
    assert late["status"] == "submitted" and late["on_time"] is False


def test_refusals_name_the_field_and_store_nothing(world, uses, client_for, sem, request_body):
    client = client_for(world.user_a)
    assert client.post(url(uses.recent), {**REPORT, "summary": ""}, format="json").status_code == 400
    bad = client.post(url(uses.recent), {**REPORT, "outcome": "fame"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.data
    assert client.post(url(uses.recent), {**REPORT, "embargo_until": "soon"}, format="json").status_code == 400
    assert client_for(world.user_b).post(url(uses.recent), REPORT, format="json").status_code == 404
    assert client_for(world.user_b).get(url(uses.recent)).status_code == 404
    staff = client_for(world.staff_a).post(url(uses.recent), REPORT, format="json")
    assert staff.status_code == 403 and staff.data["code"] == "not_the_company"
    assert client_for(world.secretariat).post(url(uses.recent), REPORT, format="json").status_code == 403
    pending = client.post("/api/v1/bookings/", request_body, format="json").data["id"]
    refused = client.post(f"/api/v1/bookings/{pending}/usage-report/", REPORT, format="json")
    assert refused.status_code == 409 and refused.data["code"] == "no_usage_report_owed"
    assert not UsageReport.objects.exists()


def test_the_list_by_status_for_the_company_staff_and_secretariat(world, uses, client_for):
    a = client_for(world.user_a)
    a.post(url(uses.recent), REPORT, format="json")
    assert ids(a.get(LIST)) == sorted([uses.recent.id, uses.old.id, uses.secret.id])
    assert ids(a.get(LIST, {"status": "submitted"})) == [uses.recent.id]
    assert ids(a.get(LIST, {"status": "owed"})) == [uses.secret.id]
    assert ids(a.get(LIST, {"status": "overdue"})) == [uses.old.id]
    assert a.get(LIST, {"status": "late"}).status_code == 400
    b = client_for(world.user_b)
    assert ids(b.get(LIST)) == [uses.theirs.id]
    assert ids(client_for(world.staff_a).get(LIST, {"status": "owed"})) == sorted([uses.secret.id, uses.theirs.id])
    assert client_for(world.staff_b).get(LIST).data["count"] == 0
    assert ids(client_for(world.secretariat).get(LIST)) == sorted(
        [uses.recent.id, uses.old.id, uses.secret.id, uses.theirs.id]
    )


def test_the_secretariat_never_reads_a_confidential_or_embargoed_report(world, uses, client_for):
    a = client_for(world.user_a)
    a.post(url(uses.secret), {**REPORT, "publishable": True}, format="json")
    a.post(
        url(uses.recent),
        {**REPORT, "embargo_until": (timezone.localdate() + timedelta(days=90)).isoformat()},
        format="json",
    )
    a.post(url(uses.old), REPORT, format="json")
    rows = {r["booking"]: r for r in client_for(world.secretariat).get(LIST, {"status": "submitted"}).data["results"]}
    assert rows[uses.secret.id]["report"]["summary"] is None and rows[uses.secret.id]["report"]["outcome"]
    assert rows[uses.recent.id]["report"]["summary"] is None  # embargoed
    assert rows[uses.old.id]["report"]["summary"] == REPORT["summary"]
    staff = {r["booking"]: r for r in client_for(world.staff_a).get(LIST).data["results"]}
    assert staff[uses.secret.id]["report"]["summary"] == REPORT["summary"]


def test_the_deadline_is_the_institutions(world, uses, client_for):
    world.inst_a.usage_report_due_days = 7
    world.inst_a.save()
    a = client_for(world.user_a)
    assert ids(a.get(LIST, {"status": "overdue"})) == sorted([uses.recent.id, uses.old.id])
    assert a.get(url(uses.secret)).data["due_on"] == uses.secret.actual_end.date() + timedelta(days=7)


def test_a_booking_completed_through_the_services_owes_a_report(world, sem, client_for, request_body, day):
    booking_id = client_for(world.user_a).post("/api/v1/bookings/", request_body, format="json").data["id"]
    client_for(world.staff_a).post(f"/api/v1/bookings/{booking_id}/approve/", {}, format="json")
    from bookings.models import Booking

    booking = Booking.objects.get(pk=booking_id)
    booking_services.complete(
        actor=world.staff_a, booking=booking, actual_start=at(day, 10), actual_end=at(day, 12), now=at(day, 13)
    )
    row = client_for(world.user_a).get(f"/api/v1/bookings/{booking_id}/usage-report/").data
    assert row["status"] == "owed" and row["due_on"] == day + timedelta(days=30)


def test_the_list_uses_a_constant_number_of_queries(world, sem, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consortia.models import User
    from tests.invoices.conftest import completed
    from tests.usage_reports.conftest import days_ago

    for n in range(12):
        completed(
            sem, requester=world.user_a, company=world.company_a, day=days_ago(3 + 3 * n), start=time(10), minutes=60
        )
    counts = []
    for size in (2, 12):
        client = client_for(User.objects.get(pk=world.staff_a.pk))
        with CaptureQueriesContext(connection) as context:
            assert len(client.get(LIST, {"page_size": size}).data["results"]) == size
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts
