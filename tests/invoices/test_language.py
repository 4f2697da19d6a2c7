"""One language per document and per page (#17): the Japanese quotation, invoice and certificate are Japanese only
(the document of record), the English ones a marked reference translation with no Japanese but that mark and data;
invoice lines are stored in Japanese and written in English from their facts."""

import importlib
import re

import pytest
from django.apps import apps
from django.utils import translation

from invoices.documents import REFERENCE_NOTICE
from invoices.models import Invoice, InvoiceLine
from tests.hostile import pdf_text, shown
from tests.invoices.conftest import REGISTRATION
from tests.language import bilingual_pairs, english_page_problems, japanese_in, japanese_page_problems

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture
def english_names(world, sem):
    """Institution A and the SEM have English names; the companies, addresses and consumables have only theirs."""
    world.inst_a.name_en = "Hokkaido Research Organization"
    world.inst_a.save()
    sem.name_en = "Scanning electron microscope JSM-IT800"
    sem.save()
    return world


@pytest.fixture
def issued(world, billing, english_names, client_for):
    response = client_for(world.staff_a).post(f"/api/v1/institutions/{world.inst_a.id}/invoices/", {"month": "2025-10"})
    assert response.status_code == 201, response.data
    return Invoice.objects.get(company=world.company_b)


def data_of(world, billing) -> tuple[str, ...]:
    """What an English document may show in Japanese: names and text that have no English."""
    with translation.override("en"):
        people = [user.get_full_name() for user in (world.user_a, world.user_b)]
    return tuple(
        shown(text)
        for text in (
            world.company_a.name,
            world.company_b.name,
            world.company_b.address,
            world.inst_a.address,
            "多摩化学株式会社",
            "東京都立川市",
            "北海道札幌市北区北19条西11丁目",
            "液体窒素",
            "試料台",
            "日本電子",
            world.user_b.username,
            *people,
        )
        if text
    )


def ours(html: str) -> str:
    """The page's title and main content: what the invoice templates write (the frame around them is base.html's)."""
    title = html[html.index("<title>") : html.index("</title>") + 8]
    return title + html[html.index("<main>") : html.index("</main>") + 7]


def english_words(text: str, *data: str) -> list[str]:
    """Latin words of a Japanese document's text, but the data given (numbers, a model name) and the product's."""
    for datum in sorted(data, key=len, reverse=True):
        text = text.replace(shown(datum), " ")
    return [word for word in LATIN_WORD.findall(text) if word != "Kyoyo"]


def assert_reference_translation(text: str, data: tuple[str, ...]) -> None:
    assert shown(REFERENCE_NOTICE) in text
    assert japanese_in(text.replace(shown(REFERENCE_NOTICE), " "), data=data) == []
    assert not {"円", "〜", "「", "」", "（", "）"} & set(text.replace(shown(REFERENCE_NOTICE), ""))


# --- The invoice ------------------------------------------------------------------------------------------------
def test_the_japanese_invoice_carries_no_english(world, billing, issued, client_for):
    content = client_for(world.user_b).get(f"/api/v1/invoices/{issued.id}/pdf/", **EN).content  # the record: ja
    text = pdf_text(content)
    assert "請求書" in text and "2025年10月8日" in text and "46,175円" in text
    assert (
        f"予約#{billing.b_big.id}走査電子顕微鏡JSM-IT800技術補助1.5時間×4,555円×成果非公開2×地域外1.5×大企業1.3" in text
    )
    assert "技術職員1.5時間×3,000円" in text and "消耗品:液体窒素3×250円" in text
    assert bilingual_pairs(text) == [] and "参考訳" not in text
    assert english_words(text, issued.number, REGISTRATION, "JSM-IT800") == [], text
    for line in InvoiceLine.objects.filter(invoice=issued):  # the stored record
        assert english_words(line.description, "JSM-IT800") == [], line.description
        assert "¥" not in line.description


def test_the_english_invoice_is_a_marked_reference_translation_written_from_the_lines_facts(
    world, billing, issued, client_for
):
    response = client_for(world.user_b).get(f"/api/v1/invoices/{issued.id}/pdf/", {"language": "en"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith(f'{issued.number}-en.pdf"')
    text = pdf_text(response.content)
    assert_reference_translation(text, data_of(world, billing))
    for expected in (
        "Invoice",
        "HokkaidoResearchOrganization",
        f"Registrationnumber:{REGISTRATION}",
        "Oct.8,2025",
        "October2025",
        f"Booking#{billing.b_big.id}ScanningelectronmicroscopeJSM-IT800,staff-assisted:1.5hours×¥4,555"
        "×resultsnotpublished2×outsidetheregion1.5×largecompany1.3",
        "Stafftime,1.5hours×¥3,000",
        "Consumable:液体窒素3×¥250",
        "¥46,175",
        "Totalat10%(excl.tax)",
    ):
        assert expected in text, (expected, text)


def test_a_cancelled_invoice_says_why_in_each_language(world, billing, issued, client_for):
    staff = client_for(world.staff_a)
    assert (
        staff.post(f"/api/v1/invoices/{issued.id}/cancel/", {"reason": "宛名の誤り"}, format="json").status_code == 200
    )
    japanese = pdf_text(staff.get(f"/api/v1/invoices/{issued.id}/pdf/").content)
    assert "【取消済】" in japanese and "宛名の誤り" in japanese and bilingual_pairs(japanese) == []
    english = pdf_text(staff.get(f"/api/v1/invoices/{issued.id}/pdf/", {"language": "en"}).content)
    assert "[Cancelled]" in english and "Replacedbyinvoiceno." in english
    assert_reference_translation(english, (*data_of(world, billing), shown("宛名の誤り")))


def test_an_unknown_document_language_is_refused(world, billing, issued, client_for):
    response = client_for(world.user_b).get(f"/api/v1/invoices/{issued.id}/pdf/", {"language": "fr"})
    assert response.status_code == 400 and response.data["code"] == "invalid_language"


def test_lines_issued_before_their_facts_were_kept_get_them_from_the_fixed_quote(world, billing, issued):
    fields = {
        "kind": "",
        "mode": "",
        "unit": "",
        "quantity": None,
        "unit_price_jpy": None,
        "multipliers": [],
        "item": "",
    }
    before = list(InvoiceLine.objects.filter(invoice=issued).order_by("position").values())
    InvoiceLine.objects.update(**fields)
    migration = importlib.import_module("invoices.migrations.0003_invoice_line_facts")
    migration.fill_facts(apps, None)
    assert list(InvoiceLine.objects.filter(invoice=issued).order_by("position").values()) == before
    assert [row["item"] for row in before if row["kind"] == "consumable"] == ["液体窒素", "試料台"]
    assert before[0]["quantity"] == 90 and before[0]["unit"] == "hour" and before[0]["mode"] == "assisted"


def test_a_line_without_facts_is_shown_as_recorded(world, billing, issued):
    line = InvoiceLine.objects.select_related("booking__instrument").filter(invoice=issued).first()
    line.kind = ""
    with translation.override("en"):
        assert line.localized_description == line.description


def test_the_api_gives_the_record_and_the_line_in_the_readers_language(world, billing, issued, client_for):
    row = client_for(world.user_b).get(f"/api/v1/invoices/{issued.id}/", **EN).data
    line = row["lines"][1]
    assert line["description"] == f"予約#{billing.b_big.id} 技術職員 1.5時間 × 3,000円"
    assert line["localized_description"] == f"Booking #{billing.b_big.id} Staff time, 1.5 hours × ¥3,000"
    assert row["institution_name"] == "Hokkaido Research Organization"
    japanese = client_for(world.user_b).get(f"/api/v1/invoices/{issued.id}/").data["lines"][1]
    assert japanese["localized_description"] == japanese["description"]


# --- The quotation and the certificate ----------------------------------------------------------------------------
def test_the_quotation_is_in_the_readers_language_and_either_may_be_asked_for(
    world, english_names, client_for, request_body
):
    booking_id = client_for(world.user_a).post("/api/v1/bookings/", request_body, format="json").data["id"]
    url = f"/api/v1/bookings/{booking_id}/quotation/"
    english = client_for(world.user_a).get(url, **EN)
    assert english["Content-Disposition"].endswith(f'quotation-{booking_id}-en.pdf"')
    text = pdf_text(english.content)
    assert_reference_translation(text, (shown("札幌精密株式会社"),))
    for expected in ("Quotation", "¥9,900", "ScanningelectronmicroscopeJSM-IT800,staff-assisted:2hours×¥4,500", "To:"):
        assert expected in text, (expected, text)
    japanese = pdf_text(client_for(world.user_a).get(url, {"language": "ja"}, **EN).content)
    assert "御見積書" in japanese and "走査電子顕微鏡JSM-IT800技術補助2時間×4,500円" in japanese
    assert "札幌精密株式会社御中" in japanese and "9,900円" in japanese
    assert bilingual_pairs(japanese) == [] and english_words(japanese, "JSM-IT800", f"Q-{world.inst_a.id}") == []
    assert pdf_text(client_for(world.user_a).get(url).content) == japanese  # a Japanese reader's default


def test_the_certificate_in_each_language(world, billing, english_names, client_for):
    url = f"/api/v1/bookings/{billing.b_big.id}/certificate/"
    japanese = pdf_text(client_for(world.user_b).get(url).content)
    for expected in ("利用証明書", "2025年10月8日10:00〜11:30", "1時間30分", "技術補助", "非公開", "36,405円"):
        assert expected in japanese, (expected, japanese)
    assert (
        bilingual_pairs(japanese) == []
        and english_words(japanese, "JSM-IT800", f"C-{world.inst_a.id}", world.user_b.username) == []
    )
    english = pdf_text(client_for(world.user_b).get(url, **EN).content)
    assert_reference_translation(english, data_of(world, billing))
    for expected in ("Certificateofuse", "Oct.8,202510:00–11:30", "1h30min", "Staff-assisted", "Confidential"):
        assert expected in english, (expected, english)
    assert "¥36,405" in english and "HokkaidoResearchOrganization" in english


# --- Pages ------------------------------------------------------------------------------------------------------
def test_the_invoice_pages_in_english_offer_the_original_and_the_reference_version(world, issued, client):
    world.user_b.language = "en"
    world.user_b.save()
    client.force_login(world.user_b)
    detail = client.get(f"/invoices/{issued.pk}/").content.decode()
    data = ("多摩化学株式会社", "東京都立川市", "液体窒素", "試料台")
    assert english_page_problems(ours(detail), data=data) == []
    assert f"/api/v1/invoices/{issued.pk}/pdf/?language=en" in detail and "Staff time, 1.5 hours × ¥3,000" in detail
    assert "Issued" in detail and "¥46,175" in detail
    listing = client.get("/invoices/").content.decode()
    assert english_page_problems(ours(listing), data=data) == [] and "English reference" in listing


def test_the_invoice_pages_in_japanese_have_no_english_beside_the_japanese(world, issued, client):
    client.force_login(world.user_b)
    detail = client.get(f"/invoices/{issued.pk}/").content.decode()
    assert japanese_page_problems(detail) == [] and "発行済み" in detail and "技術職員 1.5時間 × 3,000円" in detail
    assert "?language=en" not in detail
    assert japanese_page_problems(client.get("/invoices/").content.decode()) == []


def test_the_run_page_in_each_language(world, billing, english_names, client):
    world.staff_a.language = "en"
    world.staff_a.save()
    client.force_login(world.staff_a)
    page = client.get("/staff/invoices/", {"institution": world.inst_a.id, "month": "2025-10"}).content.decode()
    assert "Issue 2 invoices" in page and "staff-assisted" in page
    assert english_page_problems(ours(page), data=("札幌精密株式会社", "多摩化学株式会社", "液体窒素", "試料台")) == []
    world.staff_a.language = "ja"
    world.staff_a.save()
    japanese = client.get("/staff/invoices/", {"institution": world.inst_a.id, "month": "2025-10"}).content.decode()
    assert japanese_page_problems(japanese) == [] and "2件の請求書を発行する" in japanese
