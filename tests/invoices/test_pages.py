"""The invoice and document pages through the web client: the same services as the API, a preview before
issuing, refusals shown, and no company ever sees another's invoice."""

import pytest

from bookings import services as booking_services
from invoices.models import Invoice
from tests.bookings.conftest import at

pytestmark = pytest.mark.django_db
RUN = "/staff/invoices/"


def logged_in(client, user):
    client.force_login(user)
    return client


def test_staff_preview_the_months_invoices_then_issue_them_once(world, billing, client):
    staff = logged_in(client, world.staff_a)
    preview = staff.get(RUN, {"institution": world.inst_a.id, "month": "2025-10"})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "札幌精密株式会社" in body and "多摩化学株式会社" in body and "12,464円" in body and "46,175円" in body
    assert "成果非公開2 × 地域外1.5 × 大企業1.3" in body and "2件の請求書を発行する" in body
    assert not Invoice.objects.exists()  # a preview changes nothing
    issued = staff.post(RUN, {"institution": world.inst_a.id, "month": "2025-10"})
    assert issued.status_code == 302 and issued["Location"] == "/invoices/?month=2025-10"
    assert Invoice.objects.count() == 2
    listing = staff.get("/invoices/", {"month": "2025-10"}).content.decode()
    assert listing.count("INV-") >= 2 and "請求書の発行" in listing
    again = staff.get(RUN, {"institution": world.inst_a.id, "month": "2025-10"}).content.decode()
    assert "請求していない完了済みの予約はありません" in again
    staff.post(RUN, {"institution": world.inst_a.id, "month": "2025-10"})
    assert Invoice.objects.count() == 2


def test_the_run_page_refuses_with_the_reason_and_keeps_the_input(world, billing, client):
    staff = logged_in(client, world.staff_a)
    response = staff.post(RUN, {"institution": world.inst_a.id, "month": "2999-01"})
    assert response.status_code == 400 and "月が終わってから" in response.content.decode()
    assert 'value="2999-01"' in response.content.decode()
    world.inst_a.registration_number = ""
    world.inst_a.save()
    response = staff.post(RUN, {"institution": world.inst_a.id, "month": "2025-10"})
    assert response.status_code == 400 and "登録番号" in response.content.decode()
    assert staff.get(RUN, {"institution": world.inst_b.id, "month": "2025-10"}).status_code == 400  # not theirs
    assert not Invoice.objects.exists()
    client.logout()
    assert logged_in(client, world.user_a).get(RUN).status_code == 403
    client.logout()
    assert client.get(RUN).status_code == 302  # the login page


def test_the_company_lists_and_downloads_its_own_invoices_only(world, billing, client_for, client):
    client_for(world.staff_a).post(f"/api/v1/institutions/{world.inst_a.id}/invoices/", {"month": "2025-10"})
    mine = Invoice.objects.get(company=world.company_a)
    theirs = Invoice.objects.get(company=world.company_b)
    company = logged_in(client, world.user_a)
    body = company.get("/invoices/").content.decode()
    assert mine.number in body and theirs.number not in body and "12,464円" in body
    assert f"/api/v1/invoices/{mine.pk}/pdf/" in body
    pdf = company.get(f"/api/v1/invoices/{mine.pk}/pdf/")  # the session is enough
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert company.get(f"/invoices/{theirs.pk}/").status_code == 404
    assert company.get(f"/api/v1/invoices/{theirs.pk}/pdf/").status_code == 404
    detail = company.get(f"/invoices/{mine.pk}/").content.decode()
    assert "T8000020130001" in detail and "取り消す" not in detail  # only staff correct invoices
    assert company.post(f"/invoices/{mine.pk}/cancel/", {"reason": "x"}).status_code == 403


def test_staff_correct_an_invoice_from_its_page(world, billing, client_for, client):
    client_for(world.staff_a).post(f"/api/v1/institutions/{world.inst_a.id}/invoices/", {"month": "2025-10"})
    invoice = Invoice.objects.get(company=world.company_a)
    staff = logged_in(client, world.staff_a)
    refused = staff.post(f"/invoices/{invoice.pk}/cancel/", {"reason": ""})
    assert refused.status_code == 400
    response = staff.post(f"/invoices/{invoice.pk}/cancel/", {"reason": "宛名の誤り", "reissue": "on"}, follow=True)
    replacement = Invoice.objects.get(replaces=invoice)
    body = response.content.decode()
    assert replacement.number in body and invoice.number in body  # names the one it replaces


def test_the_booking_page_offers_its_documents_to_the_parties(world, sem, client, day):
    booking = booking_services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    company = logged_in(client, world.user_a)
    body = company.get(f"/bookings/{booking.pk}/").content.decode()
    assert f"/api/v1/bookings/{booking.pk}/quotation/" in body and "certificate" not in body
    assert company.get(f"/api/v1/bookings/{booking.pk}/quotation/").status_code == 200
    client.logout()
    secretariat = logged_in(client, world.secretariat).get(f"/bookings/{booking.pk}/").content.decode()
    assert "quotation" not in secretariat


def test_staff_set_consumables_on_a_pending_booking_from_its_page(world, sem, client, day):
    booking = booking_services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    staff = logged_in(client, world.staff_a)
    url = f"/bookings/{booking.pk}/consumables/"
    bad = staff.post(url, {"consumables-consumables": "液体窒素 3本"})
    assert bad.status_code == 400 and "1行目" in bad.content.decode() and "液体窒素 3本" in bad.content.decode()
    too_many = staff.post(url, {"consumables-consumables": "液体窒素, 0, 250"})
    assert too_many.status_code == 400 and "数量" in too_many.content.decode()
    ok = staff.post(url, {"consumables-consumables": "液体窒素, 3, 250\n試料台，1，1,200円"}, follow=True)
    booking.refresh_from_db()
    assert booking.consumables == [
        {"label": "液体窒素", "quantity": 3, "unit_price_jpy": 250},
        {"label": "試料台", "quantity": 1, "unit_price_jpy": 1200},
    ]
    assert booking.quote["subtotal_jpy"] == 4500 + 750 + 1200
    assert "消耗品: 液体窒素 3 × 250円" in ok.content.decode()
