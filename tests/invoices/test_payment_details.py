"""What a purchasing department needs on the documents (issue #22): the quotation says how long it holds and what
happens after; the invoice says where and by when to pay and whom to ask, or says plainly that the payment details
are to be asked for. Read back with pypdf in both languages; each PDF is also left in test-artifacts/documents/ to
be looked at (pdftoppm)."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib.units import mm

from consortia.models import BillingDetails, Institution
from consortia.services import update_institution_details
from invoices import services
from invoices.documents import invoice_pdf, quotation_pdf
from tests.hostile import pdf_text

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
HOKUYO = {
    "bank_name": "北洋銀行",
    "bank_branch": "札幌中央支店",
    "account_type": "ordinary",
    "account_number": "0123456",
    "account_holder": "ﾁﾎｳﾄﾞｸﾘﾂｷﾞｮｳｾｲﾎｳｼﾞﾝ ﾎｯｶｲﾄﾞｳﾘﾂｿｳｺﾞｳｹﾝｷｭｳｷｺｳ",  # typed half-width, stored full-width
    "contact_department": "産業技術環境研究本部 企画調整部 会計担当",
    "contact_phone": "011-747-2211",
    "contact_email": "kaikei@example.jp",
}


def read(content: bytes) -> str:
    """The PDF's text without its spaces (pypdf's spacing follows the layout, not the words)."""
    return "".join(pdf_text(content).split())


def keep(name: str, content: bytes) -> bytes:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(content)
    return content


@pytest.fixture
def invoice(world, billing):  # noqa: F811 (the fixture of tests/invoices/conftest.py)
    (_a, b) = sorted(
        services.issue_invoices(actor=world.staff_a, institution=world.inst_a, month=date(2025, 10, 1)),
        key=lambda i: i.company_id,
    )
    return b


def details(world, **fields) -> BillingDetails:
    """Institution A's billing details, set as its administrator sets them."""
    _policy, billing = update_institution_details(actor=world.staff_a, institution=world.inst_a, **{**HOKUYO, **fields})
    return billing


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_invoice_says_where_and_by_when_to_pay_and_whom_to_ask(world, invoice, language):
    details(world)
    text = read(keep(f"invoice-{language}", invoice_pdf(invoice, language=language)))
    due = invoice.due_on
    expected = {
        "ja": [
            "振込先",
            "北洋銀行",
            "札幌中央支店",
            "普通",
            "0123456",
            "口座名義",
            "チホウドクリツギョウセイホウジン ホッカイドウリツソウゴウケンキュウキコウ",
            "支払期限",
            f"{due.year}年{due.month}月{due.day}日",
            "お問い合わせ先",
            "会計担当",
            "TEL 011-747-2211",
            "kaikei@example.jp",
            "振込手数料",
        ],
        "en": [
            "Pay by bank transfer to",
            "Ordinary",
            "0123456",
            "Account holder",
            "Payment due",
            due.strftime("%b"),
            "Questions about this invoice",
            "Tel. 011-747-2211",
            "kaikei@example.jp",
            "Bank transfer fees",
        ],
    }[language]
    for words in expected:
        assert "".join(words.split()) in text, (words, text)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_an_invoice_without_payment_details_says_to_ask_for_them(world, invoice, language):
    Institution.objects.filter(pk=world.inst_a.pk).update(contact_email="info@example.jp")
    invoice.institution.refresh_from_db()
    text = read(keep(f"invoice-no-account-{language}", invoice_pdf(invoice, language=language)))
    plainly = {"ja": "振込先は未登録です", "en": "Not registered yet"}[language]
    assert "".join(plainly.split()) in text and "info@example.jp" in text, text
    assert {"ja": "口座名義", "en": "Accountholder"}[language] not in text


def test_the_due_date_follows_the_institutions_term_when_the_invoice_is_issued(world, billing):
    details(world, payment_term="days_after_issue", payment_days=20)
    (first, *_rest) = services.issue_invoices(actor=world.staff_a, institution=world.inst_a, month=date(2025, 10, 1))
    assert first.due_on == first.issued_on + timedelta(days=20)
    BillingDetails.objects.filter(institution=world.inst_a).update(payment_term="end_of_next_month")
    first.refresh_from_db()
    assert first.due_on == first.issued_on + timedelta(days=20)  # an issued invoice keeps its due date


def test_without_billing_details_invoices_are_due_at_the_end_of_the_next_month(world, billing):
    (first, *_rest) = services.issue_invoices(actor=world.staff_a, institution=world.inst_a, month=date(2025, 10, 1))
    following = (first.issued_on.replace(day=1) + timedelta(days=62)).replace(day=1)
    assert first.due_on == following - timedelta(days=1)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_quotation_states_how_long_it_holds_and_what_happens_after(world, billing, language):
    details(world, quotation_valid_days=45)
    booking = billing.b_big
    booking.quote_fixed_at = None  # as a pending booking's quotation reads
    issued = date(2026, 11, 20)
    text = read(
        keep(f"quotation-{language}", quotation_pdf(booking, booking.quote, issued_on=issued, language=language))
    )
    until = issued + timedelta(days=45)
    expected = {
        "ja": ["有効期限", "2027年1月4日", "見積日から45日間", "失効", "お問い合わせ先", "TEL 011-747-2211"],
        "en": ["Valid until", "Jan. 4, 2027", "45 days", "lapses", "Contact", "Tel. 011-747-2211"],
    }[language]
    assert until == date(2027, 1, 4)
    for words in expected:
        assert "".join(words.split()) in text, (words, text)


def test_a_quotation_without_billing_details_holds_thirty_days(world, billing):
    booking = billing.b_big
    text = read(quotation_pdf(booking, booking.quote, issued_on=timezone.localdate(), language="ja"))
    assert "見積日から30日間" in text


@pytest.mark.parametrize("language, day", [("ja", "2026年11月12日"), ("en", "Nov. 12, 2026")])
def test_a_date_in_a_narrow_column_stays_on_one_line(language, day):
    """The invoice's transaction-date column, with the longest dates of the year: never 「2026年11月12 / 日」."""
    from django.utils import translation

    from invoices.pdf import WIDTH, document, lines_table, nobreak

    with translation.override(language):
        table = lines_table(
            ["Date", "Description", "Tax rate", "Amount"],
            [[nobreak(day), "Staff-assisted commissioned analysis " * 3, "10%", "¥1,200"]],
            [30 * mm, WIDTH - 77 * mm, 17 * mm, 30 * mm],
            right_columns=(2, 3),
            date_columns=(0,),
        )
        content = document("t", [table], subject="s", footer="f", page_label="%(page)d")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert day in lines, lines  # the date is one line of its cell
    words = {word for line in lines for word in line.split()}
    assert {"Staff-assisted", "commissioned", "analysis"} <= words, words  # and no word is split


def test_the_invoice_page_says_where_to_pay_or_to_ask(world, invoice, client):
    client.force_login(world.user_b)
    page = client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "振込先は未登録です" in page
    details(world)
    page = client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "北洋銀行 札幌中央支店 普通 0123456" in page and "TEL 011-747-2211" in page
