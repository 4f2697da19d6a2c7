"""The quotation, invoice and certificate PDFs show every name as written: markup is text, control characters are
dropped, nothing from the server's disk is embedded."""

from datetime import date, time
from types import SimpleNamespace

import pytest

from consortia.models import Company, Institution, User
from equipment.models import Instrument
from invoices.models import Invoice
from tests.factories import UserFactory, give_role
from tests.hostile import embedded_images, hostile, image_on_server, pdf_text, shown
from tests.invoices.conftest import REGISTRATION, completed

pytestmark = pytest.mark.django_db

NO_SUCH_IMAGE = "/no/such.png"  # a missing file made reportlab fail with its path in the error


@pytest.fixture
def names(world, sem, tmp_path):
    """Institution A, company B, the SEM and two requesters (company B's user, a researcher without a company)
    renamed as old rows could hold them; a consumable labelled the same way. Returns the names and the bookings."""
    image = image_on_server(tmp_path)
    n = SimpleNamespace(
        institution=hostile("機関", image),
        institution_address=hostile("所在地", image),
        company=hostile("企業", image),
        company_address=hostile("企業所在地", image),
        instrument=hostile("機器", image),
        maker=hostile("製造", NO_SUCH_IMAGE),
        model=hostile("型式", NO_SUCH_IMAGE),
        consumable=hostile("消耗品", NO_SUCH_IMAGE),
        first=hostile("名", NO_SUCH_IMAGE),
        last=hostile("姓", NO_SUCH_IMAGE),
        researcher_first=hostile("研名", NO_SUCH_IMAGE),
        researcher_last=hostile("研姓", NO_SUCH_IMAGE),
    )
    Institution.objects.filter(pk=world.inst_a.pk).update(
        name=n.institution, address=n.institution_address, registration_number=REGISTRATION
    )
    Company.objects.filter(pk=world.company_b.pk).update(name=n.company, address=n.company_address)
    Instrument.objects.filter(pk=sem.pk).update(name=n.instrument, maker=n.maker, model=n.model)
    User.objects.filter(pk=world.user_b.pk).update(first_name=n.first, last_name=n.last)
    researcher = UserFactory(username="researcher")
    give_role(researcher, "researcher", institution=world.inst_b)
    User.objects.filter(pk=researcher.pk).update(first_name=n.researcher_first, last_name=n.researcher_last)
    instrument = Instrument.objects.select_related("institution").get(pk=sem.pk)
    company, requester = Company.objects.get(pk=world.company_b.pk), User.objects.get(pk=world.user_b.pk)
    consumables = [{"label": n.consumable, "quantity": 2, "unit_price_jpy": 250}]
    n.used = completed(
        instrument,
        requester=requester,
        company=company,
        day=date(2025, 10, 8),
        start=time(10),
        minutes=90,
        consumables=consumables,
    )
    n.approved = completed(
        instrument,
        requester=requester,
        company=company,
        day=date(2025, 10, 9),
        start=time(10),
        minutes=60,
        consumables=consumables,
        status="approved",
    )
    n.researcher = User.objects.get(pk=researcher.pk)
    n.personal = completed(
        instrument,
        requester=n.researcher,
        company=None,
        user_category="academic",
        day=date(2025, 10, 10),
        start=time(10),
        minutes=60,
    )
    n.personal_approved = completed(
        instrument,
        requester=n.researcher,
        company=None,
        user_category="academic",
        day=date(2025, 10, 14),
        start=time(10),
        minutes=60,
        status="approved",
    )
    return n


def assert_shows(content: bytes, *expected: str) -> None:
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for name in expected:
        assert shown(name) in text, (name, text)
    assert embedded_images(content) == 0


def test_the_quotation_shows_every_name_as_written(world, names, client_for):
    response = client_for(world.user_b).get(f"/api/v1/bookings/{names.approved.id}/quotation/")
    assert response.status_code == 200
    assert_shows(
        response.content,
        names.company,
        names.company_address,
        names.institution,
        names.institution_address,
        names.instrument,
        names.consumable,
    )
    personal = client_for(names.researcher).get(f"/api/v1/bookings/{names.personal_approved.id}/quotation/")
    assert personal.status_code == 200
    assert_shows(personal.content, names.researcher_first, names.researcher_last, names.instrument)


def test_the_certificate_shows_every_name_as_written(world, names, client_for):
    response = client_for(world.user_b).get(f"/api/v1/bookings/{names.used.id}/certificate/")
    assert response.status_code == 200
    assert_shows(
        response.content,
        names.company,
        names.company_address,
        names.first,
        names.last,
        names.instrument,
        names.maker,
        names.model,
        names.institution,
        names.institution_address,
    )
    personal = client_for(names.researcher).get(f"/api/v1/bookings/{names.personal.id}/certificate/")
    assert personal.status_code == 200
    assert_shows(personal.content, names.researcher_first, names.researcher_last)


def test_the_invoice_and_its_correction_show_every_name_as_written(world, names, client_for):
    staff = client_for(world.staff_a)
    issued = staff.post(f"/api/v1/institutions/{world.inst_a.id}/invoices/", {"month": "2025-10"}, format="json")
    assert issued.status_code in (200, 201), issued.data
    invoice = Invoice.objects.get(company=world.company_b)
    response = client_for(world.user_b).get(f"/api/v1/invoices/{invoice.id}/pdf/")
    assert response.status_code == 200
    assert_shows(
        response.content,
        names.institution,
        names.institution_address,
        names.company,
        names.company_address,
        names.instrument,
        names.consumable,
    )

    reason = "単価の誤り <b>&lt; <img src='/no/such.png'/>\n再発行します"  # typed by staff: markup is just text
    cancelled = staff.post(f"/api/v1/invoices/{invoice.id}/cancel/", {"reason": reason}, format="json")
    assert cancelled.status_code == 200, cancelled.data
    old = client_for(world.user_b).get(f"/api/v1/invoices/{invoice.id}/pdf/")
    assert_shows(old.content, reason, names.company)
    new = client_for(world.user_b).get(f"/api/v1/invoices/{cancelled.data['id']}/pdf/")
    assert_shows(new.content, invoice.number, names.company)
