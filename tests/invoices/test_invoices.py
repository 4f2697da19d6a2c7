"""Invoices through the API: the month's run, the amounts by hand, corrections, who may read them, the PDF."""

import io
from datetime import date, time

import pytest
from pypdf import PdfReader

from bookings.models import Booking
from invoices.models import Invoice, InvoicedBooking
from invoices.services import issue_invoices
from tests.factories import UserFactory, give_role
from tests.invoices.conftest import MONTH, REGISTRATION, completed

pytestmark = pytest.mark.django_db


def run(client, institution, month="2025-10"):
    return client.post(f"/api/v1/institutions/{institution.id}/invoices/", {"month": month}, format="json")


def pdf_text(content: bytes) -> str:
    """The PDF's text with line breaks removed (a table cell wraps long descriptions)."""
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def by_company(rows, company):
    return next(row for row in rows if row["company"] == company.id)


def test_the_months_run_issues_one_invoice_per_company_computed_by_hand(world, billing, client_for):
    response = run(client_for(world.staff_a), world.inst_a)
    assert response.status_code == 201, response.data
    rows = response.data
    assert len(rows) == 2
    a = by_company(rows, world.company_a)
    # Three bookings of 2,277 (4,555 × 0.5 h) + 1,500 (staff 0.5 h × 3,000) = 3,777 each. Each quote's tax is
    # 377 (377.7 rounded down); the invoice's tax is computed once on 11,331: 1,133 (1,133.1) — 2 yen more.
    assert [line["amount_jpy"] for line in a["lines"]] == [2277, 1500] * 3
    assert sum(b.quote["tax_jpy"] for b in billing.a) == 1131
    assert (a["subtotal_jpy"], a["tax_jpy"], a["total_jpy"]) == (11331, 1133, 12464)
    assert a["tax_summary"] == [{"rate": "0.10", "percent": 10, "subtotal_jpy": 11331, "tax_jpy": 1133}]
    assert [line["used_on"] for line in a["lines"]] == ["2025-10-06"] * 2 + ["2025-10-14"] * 2 + ["2025-10-31"] * 2
    assert a["lines"][0]["description"].startswith(f"予約#{billing.a[0].id} 走査電子顕微鏡")
    b = by_company(rows, world.company_b)
    # 4,555 × 1.5 h × 2 × 1.5 × 1.3 = 26,646.75 → 26,646; staff 4,500; consumables 750 + 1,200 (= 33,096);
    # self-operated 1 h: 4,555 × 1.5 × 1.3 = 8,882.25 → 8,882. Subtotal 41,978, tax 4,197.8 → 4,197.
    assert [line["amount_jpy"] for line in b["lines"]] == [26646, 4500, 750, 1200, 8882]
    assert "成果非公開2 × 地域外1.5 × 大企業1.3" in b["lines"][0]["description"]
    assert (b["subtotal_jpy"], b["tax_jpy"], b["total_jpy"]) == (41978, 4197, 46175)
    for row in rows:
        assert row["registration_number"] == REGISTRATION and row["issuer_name"] == world.inst_a.name
        assert row["status"] == "issued" and row["month"] == "2025-10" and row["replaces"] is None
    assert sorted(r["number"] for r in rows) == [
        "INV-%d-2025-10-0001" % world.inst_a.id,
        "INV-%d-2025-10-0002" % world.inst_a.id,
    ]
    invoiced = set(InvoicedBooking.objects.filter(live=True).values_list("booking_id", flat=True))
    assert invoiced == {b.id for b in billing.a} | {billing.b_big.id, billing.b_self.id}


def test_running_again_issues_nothing_new(world, billing, client_for):
    staff = client_for(world.staff_a)
    assert run(staff, world.inst_a).status_code == 201
    again = run(staff, world.inst_a)
    assert again.status_code == 200 and again.data == []
    assert Invoice.objects.count() == 2


def test_use_recorded_after_the_run_replaces_the_companys_invoice(world, billing, client_for):
    staff = client_for(world.staff_a)
    first = by_company(run(staff, world.inst_a).data, world.company_a)
    late = completed(
        world.sem, requester=world.user_a, company=world.company_a, day=date(2025, 10, 20), start=time(10), minutes=30
    )
    preview = staff.get(f"/api/v1/institutions/{world.inst_a.id}/invoices/preview/", {"month": "2025-10"}).data
    assert [(p["company"], p["replaces"], p["subtotal_jpy"]) for p in preview["invoices"]] == [
        (world.company_a.id, first["number"], 4 * 3777)
    ]
    second = run(staff, world.inst_a).data
    assert len(second) == 1 and second[0]["replaces"] == {"id": first["id"], "number": first["number"]}
    assert late.id in {line["booking"] for line in second[0]["lines"]}
    assert (second[0]["subtotal_jpy"], second[0]["tax_jpy"]) == (15108, 1510)
    old = staff.get(f"/api/v1/invoices/{first['id']}/").data
    assert old["status"] == "cancelled" and old["replaced_by"]["number"] == second[0]["number"]
    assert Invoice.objects.filter(company=world.company_a, month=MONTH, status="issued").count() == 1


def test_a_correction_cancels_and_reissues_naming_the_invoice_it_replaces(world, billing, client_for):
    staff = client_for(world.staff_a)
    invoice = by_company(run(staff, world.inst_a).data, world.company_b)
    world.company_b.name = "多摩化学工業株式会社"  # the recipient's name was wrong on the invoice
    world.company_b.save()
    url = f"/api/v1/invoices/{invoice['id']}/cancel/"
    assert staff.post(url, {}, format="json").status_code == 400  # a reason is required
    assert client_for(world.user_b).post(url, {"reason": "x"}, format="json").status_code == 403
    response = staff.post(url, {"reason": "宛名の誤り"}, format="json")
    assert response.status_code == 200, response.data
    new = response.data
    assert new["replaces"]["number"] == invoice["number"] and new["number"] != invoice["number"]
    assert new["recipient_name"] == "多摩化学工業株式会社" and new["total_jpy"] == invoice["total_jpy"]
    old = staff.get(f"/api/v1/invoices/{invoice['id']}/").data
    assert old["status"] == "cancelled" and old["cancel_reason"] == "宛名の誤り"
    assert old["recipient_name"] == "多摩化学株式会社"  # an issued invoice is never edited
    assert staff.post(url, {"reason": "again"}, format="json").status_code == 409
    for booking in (billing.b_big, billing.b_self):
        assert InvoicedBooking.objects.filter(booking=booking, live=True).count() == 1
    text = pdf_text(staff.get(f"/api/v1/invoices/{new['id']}/pdf/").content)
    assert invoice["number"] in text and "取り消し、再発行" in text
    assert "取消済" in pdf_text(staff.get(f"/api/v1/invoices/{invoice['id']}/pdf/").content)


def test_cancelling_without_reissue_frees_the_bookings_for_the_next_run(world, billing, client_for):
    staff = client_for(world.staff_a)
    invoice = by_company(run(staff, world.inst_a).data, world.company_a)
    response = staff.post(
        f"/api/v1/invoices/{invoice['id']}/cancel/", {"reason": "誤発行", "reissue": False}, format="json"
    )
    assert response.status_code == 200 and response.data["status"] == "cancelled"
    again = run(staff, world.inst_a).data
    assert len(again) == 1 and again[0]["company"] == world.company_a.id and again[0]["replaces"] is None


def test_only_the_institutions_staff_may_preview_its_run(world, billing, client_for):
    """The preview reads the run's own predicate (invoices.selectors.may_invoice): others get 403 and see nothing."""
    url = f"/api/v1/institutions/{world.inst_a.id}/invoices/preview/"
    assert client_for(world.staff_a).get(url, {"month": "2025-10"}).status_code == 200
    for user in (world.staff_b, world.user_a, world.secretariat):
        response = client_for(user).get(url, {"month": "2025-10"})
        assert response.status_code == 403 and response.data["code"] == "not_institution_staff", user.username
        assert "invoices" not in response.data


def test_the_run_is_refused_with_a_reason_and_nothing_is_issued(world, billing, client_for):
    staff = client_for(world.staff_a)
    for month, code in (
        ("2025-13", "invalid_month"),
        ("10/2025", "invalid_month"),
        ("", "invalid_month"),
        ("2999-01", "month_not_over"),
    ):
        response = run(staff, world.inst_a, month)
        assert response.status_code == 400, (month, response.data)
        assert response.data.get("code") == code or "month" in response.data, response.data
    assert run(client_for(world.staff_b), world.inst_a).status_code == 403
    assert run(client_for(world.user_a), world.inst_a).status_code == 403
    assert run(client_for(world.secretariat), world.inst_a).status_code == 403
    assert (
        client_for(world.staff_a).post("/api/v1/institutions/9999/invoices/", {"month": "2025-10"}).status_code == 404
    )
    world.inst_a.registration_number = ""
    world.inst_a.save()
    response = run(staff, world.inst_a)
    assert response.status_code == 400 and response.data["code"] == "registration_number_missing"
    assert not Invoice.objects.exists()


def test_a_company_sees_its_own_invoices_and_another_company_none(world, billing, client_for):
    rows = run(client_for(world.staff_a), world.inst_a).data
    mine, theirs = by_company(rows, world.company_a), by_company(rows, world.company_b)
    a, b = client_for(world.user_a), client_for(world.user_b)
    assert [r["id"] for r in a.get("/api/v1/invoices/").data["results"]] == [mine["id"]]
    assert [r["id"] for r in b.get("/api/v1/invoices/", {"month": "2025-10"}).data["results"]] == [theirs["id"]]
    assert b.get("/api/v1/invoices/", {"month": "2025-09"}).data["count"] == 0
    assert b.get("/api/v1/invoices/", {"month": "nope"}).status_code == 400
    for path in (f"/api/v1/invoices/{mine['id']}/", f"/api/v1/invoices/{mine['id']}/pdf/"):
        assert b.get(path).status_code == 404
        assert client_for(world.staff_b).get(path).status_code == 404
        assert client_for(world.secretariat).get(path).status_code == 404
    colleague = UserFactory()
    give_role(colleague, "company_member", company=world.company_a)
    assert client_for(colleague).get(f"/api/v1/invoices/{mine['id']}/").status_code == 200  # invoices go to the company
    assert client_for(world.staff_a).get("/api/v1/invoices/", {"month": "2025-10"}).data["count"] == 2
    assert client_for(world.staff_b).get("/api/v1/invoices/").data["count"] == 0
    assert a.get("/api/v1/invoices/").status_code == 200
    assert client_for(world.user_b).post(f"/api/v1/invoices/{mine['id']}/cancel/", {"reason": "x"}).status_code == 404


def test_the_invoice_pdf_is_a_qualified_invoice_in_japanese(world, billing, client_for):
    invoice = by_company(run(client_for(world.staff_a), world.inst_a).data, world.company_b)
    response = client_for(world.user_b).get(f"/api/v1/invoices/{invoice['id']}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=1)  # A4
    fonts = {f.get_object()["/BaseFont"] for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert {"/HeiseiKakuGo-W5", "/HeiseiMin-W3"} <= fonts
    text = pdf_text(response.content)
    for expected in (
        "請 求 書",
        invoice["number"],
        f"登録番号: {REGISTRATION}",
        world.inst_a.name,
        "多摩化学株式会社 御中",
        "2025年10月8日",
        "成果非公開2",
        "液体窒素",
        "10%対象 合計（税抜）",
        "41,978円",
        "10%対象 消費税",
        "4,197円",
        "46,175円",
        "適格請求書",
    ):
        assert expected in text, (expected, text)
    assert not {"\u25a1", "\ufffd"} & set(text)  # no boxes or replacement characters for missing glyphs


# --- Quotation and certificate ----------------------------------------------------------------------------------
def test_the_quotation_of_a_pending_booking_shows_todays_price_to_the_parties(world, sem, client_for, request_body):
    booking_id = client_for(world.user_a).post("/api/v1/bookings/", request_body, format="json").data["id"]
    url = f"/api/v1/bookings/{booking_id}/quotation/"
    response = client_for(world.user_a).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "御 見 積 書",
        "札幌精密株式会社 御中",
        world.inst_a.name,
        "9,900円",
        "9,000円",
        "900円",
        "承認前のお見積り",
    ):
        assert expected in text, (expected, text)
    assert client_for(world.staff_a).get(url).status_code == 200
    assert client_for(world.user_b).get(url).status_code == 404  # another company
    assert client_for(world.staff_b).get(url).status_code == 404
    assert client_for(world.secretariat).get(url).status_code == 403  # sees the booking, not its documents
    assert client_for(world.user_a).get(f"/api/v1/bookings/{booking_id}/certificate/").status_code == 409


def test_the_quotation_of_an_approved_booking_keeps_the_fixed_price(world, sem, client_for, request_body):
    from equipment.models import Rate

    booking_id = client_for(world.user_a).post("/api/v1/bookings/", request_body, format="json").data["id"]
    client_for(world.staff_a).post(f"/api/v1/bookings/{booking_id}/approve/", {}, format="json")
    Rate.objects.filter(instrument=sem).update(amount_jpy=7777)
    text = pdf_text(client_for(world.user_a).get(f"/api/v1/bookings/{booking_id}/quotation/").content)
    assert "9,900円" in text and "承認時に確定" in text


def test_the_certificate_of_a_completed_booking(world, billing, client_for):
    booking = billing.b_big
    url = f"/api/v1/bookings/{booking.id}/certificate/"
    response = client_for(world.user_b).get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    for expected in (
        "利 用 証 明 書",
        "多摩化学株式会社 御中",
        "2025年10月8日 10:00〜11:30",
        "1時間30分",
        "技術補助",
        "非公開",
        "36,405円",
        world.inst_a.name,
    ):
        assert expected in text, (expected, text)
    assert client_for(world.user_a).get(url).status_code == 404
    assert client_for(world.staff_a).get(url).status_code == 200
    assert client_for(world.user_a).get(f"/api/v1/bookings/{billing.no_show.id}/certificate/").status_code == 409
    assert client_for(world.user_b).get(f"/api/v1/bookings/{booking.id}/quotation/").status_code == 409


def test_the_service_and_the_api_agree_and_the_run_is_idempotent(world, billing):
    first = issue_invoices(actor=world.staff_a, institution=world.inst_a, month=MONTH, today=date(2025, 11, 5))
    assert [i.issued_on for i in first] == [date(2025, 11, 5)] * 2
    assert [i.due_on for i in first] == [date(2025, 12, 31)] * 2
    assert issue_invoices(actor=world.staff_a, institution=world.inst_a, month=MONTH, today=date(2025, 11, 5)) == []
    assert Booking.objects.filter(invoicings__live=True).distinct().count() == 5


def test_the_invoice_list_uses_a_constant_number_of_queries(world, billing, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consortia.models import User

    for n in range(11):  # eleven more months of use, each invoiced
        completed(
            world.sem,
            requester=world.user_a,
            company=world.company_a,
            day=date(2024, 1 + n, 10),
            start=time(10),
            minutes=30,
        )
        issue_invoices(actor=world.staff_a, institution=world.inst_a, month=date(2024, 1 + n, 1))
    run(client_for(world.staff_a), world.inst_a)
    counts = []
    for size in (2, 12):
        client = client_for(User.objects.get(pk=world.user_a.pk))
        with CaptureQueriesContext(connection) as context:
            assert len(client.get("/api/v1/invoices/", {"page_size": size}).data["results"]) == size
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts
