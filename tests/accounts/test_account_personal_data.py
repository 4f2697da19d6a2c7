"""The personal-data download (個人情報保護法 開示請求): everything about the person, nothing secret, nobody else's,
in a fixed number of queries; the same file from the account page and GET /api/v1/me/data/."""

import json
from datetime import date, time, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.personal_data import personal_data_json, personal_data_of
from bookings import services as booking_services
from consortia.services import issue_api_token
from consultations.models import Consultation, Message
from invoices.models import Invoice
from invoices.services import issue_invoices
from notifications.models import Notification
from tests.factories import UserFactory, give_role
from tests.invoices.conftest import MONTH, billing, completed  # noqa: F401 (billing: a fixture)
from usage_reports.models import UsageReport

pytestmark = pytest.mark.django_db


def requested(world, sem, day, n=0, purpose="樹脂破断面の観察", requester=None):
    booking = completed(
        sem,
        requester=requester or world.user_b,
        company=world.company_b,
        day=day + timedelta(days=n),
        start=time(10),
        minutes=60,
    )
    booking.purpose = purpose
    booking.save(update_fields=["purpose"])
    return booking


@pytest.fixture
def person(world, sem, day):
    user = world.user_b
    user.last_name, user.first_name = "渡辺", "由美"
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    requested(world, sem, day)
    _token, key = issue_api_token(user=user, name="スクリプト")
    user.test_key = key
    feed = booking_services.calendar_feed_of(actor=user)
    user.test_feed = feed.token
    UserSession.objects.create(user=user, session_key="s" * 32, ip="192.0.2.7", user_agent="Firefox/120")
    consultation = Consultation.objects.create(
        company=world.company_b, requester=user, consortium=world.tama, title="破断面", description="観察したい"
    )
    Message.objects.create(consultation=consultation, author=user, side="company", body="よろしくお願いします")
    Notification.objects.create(key="k1", recipient=user, to_email=user.email, subject="予約を承認しました", body="…")
    return user


def test_the_file_holds_the_persons_data(world, person):
    data = personal_data_of(person)
    assert data["profile"]["last_name"] == "渡辺" and data["profile"]["email"] == "company_b@example.jp"
    assert data["email_addresses"] == [{"email": "company_b@example.jp", "verified": True, "primary": True}]
    assert data["roles"] == [
        {"kind": "company_member", "scope": "company", "scope_id": world.company_b.pk, "scope_name": "多摩化学株式会社"}
    ]
    assert [b["purpose"] for b in data["bookings"]] == ["樹脂破断面の観察"]
    assert data["consultations"][0]["title"] == "破断面"
    assert data["consultation_messages"][0]["body"] == "よろしくお願いします"
    assert data["api_tokens"][0]["name"] == "スクリプト" and data["api_tokens"][0]["prefix"] == person.test_key[:8]
    assert data["sessions"][0]["ip"] == "192.0.2.7"
    assert data["calendar_feed"]["exists"] is True
    assert data["notifications"][0]["subject"] == "予約を承認しました"


def test_the_file_holds_no_secret_and_nobody_elses_booking(world, sem, day, person):
    other = requested(world, sem, day, n=1, purpose="他社の秘密の目的", requester=world.user_a)
    text = personal_data_json(person).decode("utf-8")
    assert "渡辺" in text and "\\u" not in text  # UTF-8 as written
    for secret in (person.password, person.test_key, person.test_feed, "s" * 32, "他社の秘密の目的"):
        assert secret not in text
    assert "key_hash" not in text and "password" not in json.loads(text)["profile"]
    assert other.pk not in [b["id"] for b in json.loads(text)["bookings"]]


def test_usage_reports_and_invoice_lines_of_their_bookings_are_in_it(world, sem, day, person):
    booking = requested(world, sem, day, n=2)
    UsageReport.objects.create(
        booking=booking,
        company=world.company_b,
        summary="観察できた",
        outcome="other",
        publishable=False,
        due_on=day,
        on_time=True,
        submitted_by=person,
        submitted_at=booking.end,
    )
    data = personal_data_of(person)
    assert data["usage_reports"][0]["summary"] == "観察できた"
    assert data["invoice_lines"] == []  # none issued yet


def test_the_number_of_queries_does_not_grow_with_the_bookings(world, sem, day, person):
    with CaptureQueriesContext(connection) as few:
        personal_data_json(person)
    for n in range(1, 6):
        requested(world, sem, day, n=n)
    with CaptureQueriesContext(connection) as many:
        data = personal_data_of(person)
    assert len(data["bookings"]) == 6
    assert len(many) == len(few) <= 20


def test_the_download_is_an_attachment_named_after_the_person_and_the_day(world, person, client):
    client.force_login(person)
    answer = client.get("/account/data/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json; charset=utf-8"
    assert answer["Content-Disposition"].startswith('attachment; filename="kyoyo-personal-data-company_b-20')
    assert json.loads(answer.content)["profile"]["username"] == "company_b"


def test_the_api_gives_the_same_file(world, person, client_for):
    answer = client_for(person).get("/api/v1/me/data/")
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    assert json.loads(answer.content)["bookings"][0]["purpose"] == "樹脂破断面の観察"


def test_anonymous_people_get_no_data(client, api):
    assert client.get("/account/data/").status_code == 302
    assert api.get("/api/v1/me/data/").status_code in (401, 403)


def test_a_staff_member_sees_their_own_changes_not_the_companys_purposes(world, sem, day, person):
    staff = UserFactory()
    give_role(staff, "staff", institution=world.inst_a)
    data = personal_data_of(staff)
    assert data["bookings"] == [] and "樹脂破断面の観察" not in json.dumps(data, default=str, ensure_ascii=False)


@pytest.mark.usefixtures("billing")
def test_the_invoice_lines_of_their_own_bookings_are_in_it(world):
    issue_invoices(actor=world.staff_a, institution=world.inst_a, month=MONTH, today=date(2025, 11, 5))
    lines_a = personal_data_of(world.user_a)["invoice_lines"]
    lines_b = personal_data_of(world.user_b)["invoice_lines"]
    assert lines_a and lines_b and all(line["amount_jpy"] > 0 for line in lines_a + lines_b)
    invoice_b = Invoice.objects.get(company=world.company_b)
    assert {line["invoice"] for line in lines_b} == {invoice_b.number}
    assert invoice_b.number not in {line["invoice"] for line in lines_a}  # another company's invoice is not theirs
