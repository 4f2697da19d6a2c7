"""One language per page on the booking side: pages, quotes, e-mails, calendar feeds and refusals are in the reader's
language only — Japanese by default, English for a reader who chose it — with no 「日本語 (English)」 pair.

An English page may carry Japanese only as data: a company's name, what a user typed, a name that has no English
one. The checks look at the page's own content (`<main>`); the header belongs to base.html."""

import importlib
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone, translation

from bookings import fees, quotes, services
from bookings.models import Booking
from consortia.models import Consortium, Institution
from equipment.models import Category, Instrument
from tests.bookings.conftest import at
from tests.language import JAPANESE, bilingual_pairs, english_page_problems, japanese_page_problems

pytestmark = pytest.mark.django_db
PURPOSE, SAMPLE = "樹脂破断面の観察", "PP樹脂"


def main_of(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def english_problems(html: str, *data: str) -> list[str]:
    return english_page_problems(main_of(html), data=data)


def japanese_problems(html: str) -> list[str]:
    return japanese_page_problems(main_of(html))


@pytest.fixture
def english_names(world, sem):
    """English names for the things the booking pages name (an instrument without one shows its Japanese name)."""
    sem.name_en = "Scanning electron microscope JSM-IT800"
    sem.save(update_fields=["name_en"])
    sem.category.name_en = "Electron microscopes"
    sem.category.save(update_fields=["name_en"])
    world.inst_a.name_en = "Hokkaido Research Organization"
    world.inst_a.save(update_fields=["name_en"])
    world.hokkaido.name_en = "Hokkaido Consortium"
    world.hokkaido.save(update_fields=["name_en"])
    for user, family, given in ((world.user_a, "ワタナベ", "ユミ"), (world.staff_a, "サトウ", "ケン")):
        user.last_name, user.first_name = {"ワタナベ": ("渡辺", "由美"), "サトウ": ("佐藤", "健")}[family]
        user.last_name_kana, user.first_name_kana = family, given
        user.save()
    return sem


def names_without_english() -> tuple[str, ...]:
    """Names with no English one, which an English page shows in Japanese (data, like a company's name)."""
    models = (Consortium, Institution, Category, Instrument)
    return tuple(name for model in models for name in model.objects.filter(name_en="").values_list("name", flat=True))


def book(world, day, *, hour=10, **extra) -> Booking:
    return services.request_booking(
        actor=world.user_a,
        instrument=world.sem,
        start=at(day, hour),
        end=at(day, hour + 1, 30),
        mode="assisted",
        purpose=PURPOSE,
        sample=SAMPLE,
        **extra,
    )


# --- Quote lines ------------------------------------------------------------------------------------------------------
def a_quote(**overrides) -> dict:
    start = at(timezone.localdate(), 10)
    facts = dict(
        rate=fees.CategoryRate(4555, "hour"),
        terms=fees.FeeTerms(confidential=Decimal(2), staff_rate_jpy=3000),
        instrument_name="走査電子顕微鏡",
        instrument_name_en="Scanning electron microscope",
        mode="assisted",
        start=start,
        end=start + timedelta(minutes=90),
        confidential=True,
        outside_region=False,
        consumables=[fees.Consumable("液体窒素", 3, 250)],
    )
    return fees.quote(**{**facts, **overrides})


def texts(quote: dict, language: str) -> list[str]:
    with translation.override(language):
        return [quotes.line_text(line) for line in quote["lines"]]


def test_a_quote_keeps_machine_data_and_reads_in_japanese_or_english():
    with translation.override("en"):  # priced on an English page: the record is Japanese all the same
        quote = a_quote()
    machine = [
        {k: v for k, v in line.items() if k not in ("label", "instrument_name", "item")} for line in quote["lines"]
    ]
    assert not JAPANESE.search(str(machine))  # no words but the names of things and items, which are data
    assert [line["label"] for line in quote["lines"]] == texts(quote, "ja")  # the quote of record, in Japanese
    assert texts(quote, "ja") == [
        "走査電子顕微鏡 技術補助 1.5時間 × 4,555円 × 成果非公開2",
        "技術職員 1.5時間 × 3,000円",
        "消耗品: 液体窒素 3 × 250円",
    ]
    assert texts(quote, "en") == [
        "Scanning electron microscope, staff-assisted: 1.5 hours × ¥4,555 × results not published 2",
        "Staff time, 1.5 hours × ¥3,000",
        "Consumable: 液体窒素 3 × ¥250",  # the item is data, as staff typed it
    ]


def test_hours_minutes_and_samples_are_counted_in_each_language():
    start = at(timezone.localdate(), 10)
    one_hour = a_quote(end=start + timedelta(hours=1), confidential=False, consumables=[])
    odd = a_quote(end=start + timedelta(minutes=80), confidential=False, consumables=[], mode="self")
    samples = a_quote(rate=fees.CategoryRate(10000, "sample"), confidential=False, consumables=[], mode="commissioned")
    assert texts(one_hour, "en")[0] == "Scanning electron microscope, staff-assisted: 1 hour × ¥4,555"
    assert texts(odd, "ja")[0] == "走査電子顕微鏡 自己操作 80分 × 4,555円/時間"
    assert texts(odd, "en")[0] == "Scanning electron microscope, self-operated: 80 minutes × ¥4,555 per hour"
    assert texts(samples, "ja")[0] == "走査電子顕微鏡 依頼分析 1検体 × 10,000円"
    assert texts(samples, "en")[0] == "Scanning electron microscope, commissioned analysis: 1 sample × ¥10,000"


def test_an_instrument_without_an_english_name_keeps_its_japanese_name_on_an_english_line():
    quote = a_quote(instrument_name_en="", confidential=False, consumables=[])
    assert texts(quote, "en")[0] == "走査電子顕微鏡, staff-assisted: 1.5 hours × ¥4,555"


def test_a_quote_fixed_at_approval_is_shown_in_the_readers_language(world, english_names, day, client):
    booking = services.approve(actor=world.staff_a, booking=book(world, day))
    assert booking.quote_fixed_at is not None and booking.quote["lines"][0]["mode"] == "assisted"
    client.force_login(world.user_a)
    japanese = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "走査電子顕微鏡 JSM-IT800 技術補助 1.5時間 × 4,500円" in japanese
    world.user_a.language = "en"
    world.user_a.save(update_fields=["language"])
    english = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Scanning electron microscope JSM-IT800, staff-assisted: 1.5 hours × ¥4,500" in english


def test_the_api_gives_each_quote_line_its_label_in_the_requests_language(world, sem, day, client_for):
    booking = book(world, day, confidential=True)
    client = client_for(world.user_a)
    japanese = client.get(f"/api/v1/bookings/{booking.pk}/").data["quote"]["lines"][0]
    english = client.get(f"/api/v1/bookings/{booking.pk}/", HTTP_ACCEPT_LANGUAGE="en").data["quote"]["lines"][0]
    assert japanese["label"].startswith("走査電子顕微鏡 JSM-IT800 技術補助 1.5時間")
    assert english["label"].startswith("走査電子顕微鏡 JSM-IT800, staff-assisted: 1.5 hours")  # no English name
    assert english["amount_jpy"] == japanese["amount_jpy"] and english["mode"] == "assisted"


# --- Pages ------------------------------------------------------------------------------------------------------------
def pages_of(world, day) -> dict:
    """Each booking page, requested by who may see it, with the booking the detail page shows."""
    pending = book(world, day)
    proposed = book(world, day, hour=13)
    services.propose(actor=world.staff_a, booking=proposed, start=at(day, 14), end=at(day, 15), reason="午後のみ可")
    return {
        "catalogue": (None, "/"),
        "instrument": (world.user_a, f"/instruments/{world.sem.pk}/"),
        "detail (requester)": (world.user_a, f"/bookings/{proposed.pk}/"),
        "detail (staff)": (world.staff_a, f"/bookings/{pending.pk}/"),
        "my bookings": (world.user_a, "/bookings/"),
        "queue": (world.staff_a, "/staff/queue/"),
        "calendar": (world.staff_a, f"/staff/calendar/?day={day:%Y-%m-%d}"),
    }


def test_the_booking_pages_in_english_carry_no_japanese_but_data(world, english_names, day, client):
    data = (
        PURPOSE,
        SAMPLE,
        "午後のみ可",
        world.company_a.name,
        world.xrd.maker,
        world.sem.maker,
        *names_without_english(),
    )
    for name, (user, url) in pages_of(world, day).items():
        if user is not None:
            user.language = "en"
            user.save(update_fields=["language"])
            client.force_login(user)
        else:
            client.logout()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, name
        problems = english_problems(response.content.decode(), *data)
        assert problems == [], (name, problems)


def test_the_booking_pages_in_japanese_carry_no_english_beside_the_japanese(world, english_names, day, client):
    for name, (user, url) in pages_of(world, day).items():
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, name
        page = response.content.decode()
        assert JAPANESE.search(main_of(page)) and japanese_problems(page) == [], name


def test_the_request_forms_quote_and_refusal_are_in_english_for_an_english_reader(world, english_names, day, client):
    world.user_a.language = "en"
    world.user_a.save(update_fields=["language"])
    client.force_login(world.user_a)
    body = {"start": f"{day:%Y-%m-%d}T10:00", "end": f"{day:%Y-%m-%d}T11:00", "mode": "assisted", "action": "preview"}
    preview = client.post(f"/instruments/{world.sem.pk}/", body).content.decode()
    assert "Scanning electron microscope JSM-IT800, staff-assisted: 1 hour × ¥4,500" in preview
    data = (world.sem.maker, *names_without_english())
    assert english_problems(preview, *data) == []
    refused = client.post(
        f"/instruments/{world.sem.pk}/",
        {**body, "start": body["start"].replace("10:", "20:"), "end": body["end"].replace("11:", "21:")},
    )
    assert refused.status_code == 400 and "Outside the instrument's opening hours: on " in unescape(
        refused.content.decode()
    )
    assert english_problems(refused.content.decode(), *data) == []


# --- E-mails and calendar feeds ---------------------------------------------------------------------------------------
@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def test_each_person_is_mailed_in_their_own_language(world, english_names, day, send, mailoutbox):
    world.user_a.language = "en"
    world.user_a.save(update_fields=["language"])
    booking = send(book, world, day)
    send(services.approve, actor=world.staff_a, booking=booking, reason="問題ありません")
    to_staff, to_requester = mailoutbox
    assert to_staff.to == [world.staff_a.email] and to_requester.to == [world.user_a.email]

    assert to_staff.subject.startswith("【Kyoyo】新しい予約申請: 走査電子顕微鏡 JSM-IT800")
    assert f"予約番号: {booking.pk}" in to_staff.body and "利用形態: " in to_staff.body
    assert not bilingual_pairs(to_staff.subject + to_staff.body)

    assert to_requester.subject.startswith("[Kyoyo] Booking approved: Scanning electron microscope JSM-IT800")
    assert f"Booking no.: {booking.pk}" in to_requester.body and "Fee (incl. tax): ¥" in to_requester.body
    data = ("問題ありません",)
    assert english_page_problems(f"<p>{to_requester.subject}</p><pre>{to_requester.body}</pre>", data=data) == []
    invitation = next(content for _n, content, kind in to_requester.attachments if kind.startswith("text/calendar"))
    assert "SUMMARY:Scanning electron microscope JSM-IT800 (Approved)" in invitation.replace("\r\n ", "")


def test_the_time_in_an_email_is_tokyo_time_in_the_readers_words(world, english_names, day, send, mailoutbox):
    world.staff_a.language = "en"
    world.staff_a.save(update_fields=["language"])
    send(book, world, day)
    body = mailoutbox[0].body
    assert re.search(rf"When: \w+\. ?{day.day}, {day.year}, 10:00–11:30 \(Tokyo time\)", body), body


def test_the_personal_feed_speaks_its_owners_language(world, english_names, day, client):
    booking = book(world, day)
    token = services.calendar_feed_of(actor=world.user_a).token
    japanese = client.get(f"/api/v1/calendar/{token}.ics").content.decode().replace("\r\n ", "")
    assert "SUMMARY:走査電子顕微鏡 JSM-IT800（承認待ち）" in japanese and "利用形態: " in japanese
    world.user_a.language = "en"
    world.user_a.save(update_fields=["language"])
    english = (
        client.get(f"/api/v1/calendar/{token}.ics", HTTP_ACCEPT_LANGUAGE="ja").content.decode().replace("\r\n ", "")
    )
    assert "SUMMARY:Scanning electron microscope JSM-IT800 (Pending)" in english
    assert "X-WR-CALNAME:Kyoyo bookings (Yumi Watanabe)" in english
    assert "Time (Tokyo): " in english and "10:00–11:30" in english
    description = re.search(r"DESCRIPTION:(.*)", english)[1]
    assert english_page_problems(description, data=(PURPOSE, SAMPLE, world.company_a.name)) == []
    assert booking.uid.hex[:8] in english.replace("-", "")


# --- Refusals ---------------------------------------------------------------------------------------------------------
def test_a_refusal_is_in_the_readers_language_only(world, sem, day, client_for, request_body):
    client = client_for(world.user_a)
    evening = {**request_body, "start": at(day, 20).isoformat(), "end": at(day, 21).isoformat()}
    japanese = client.post("/api/v1/bookings/", evening, format="json").data
    english = client.post("/api/v1/bookings/", evening, format="json", HTTP_ACCEPT_LANGUAGE="en").data
    assert japanese["code"] == english["code"] == "outside_opening_hours"
    assert (
        japanese["detail"]
        == f"利用可能時間外です。{day.year}年{day.month}月{day.day}日の利用可能時間は9:00–12:00、13:00–17:00です。"
    )
    assert english["detail"].startswith("Outside the instrument's opening hours: on ")
    assert english["detail"].endswith(" it is open 9:00–12:00, 13:00–17:00.")


# --- The migration of stored quotes ------------------------------------------------------------------------------------
def test_quotes_stored_with_japanese_labels_are_read_back_into_machine_data(world, sem, day):
    migration = importlib.import_module("bookings.migrations.0007_quotes_hold_machine_data")
    booking = book(world, day)
    booking.consumables = [{"label": "試料台", "quantity": 1, "unit_price_jpy": 1200}]
    old = {
        "lines": [
            {
                "kind": "use",
                "label": "旧名の電子顕微鏡 技術補助 1.5時間 × 4,500円 × 成果非公開2",
                "amount_jpy": 13500,
                "unit_price_jpy": 4500,
                "unit": "hour",
                "minutes": 90,
                "multipliers": [{"name": "成果非公開", "factor": "2"}],
            },
            {
                "kind": "staff",
                "label": "技術職員 1.5時間 × 3,000円",
                "amount_jpy": 4500,
                "unit_price_jpy": 3000,
                "unit": "hour",
                "minutes": 90,
            },
            {
                "kind": "consumable",
                "label": "消耗品: 液体窒素 3 × 250円",
                "amount_jpy": 750,
                "unit_price_jpy": 250,
                "unit": "item",
                "quantity": 3,
            },
        ],
        "subtotal_jpy": 18750,
        "tax_jpy": 1875,
        "total_jpy": 20625,
        "tax_rate": "0.10",
        "rate_missing": False,
    }
    new = migration._machine_data(old, booking)
    assert [line["label"] for line in new["lines"]] == [line["label"] for line in old["lines"]]  # the record stays
    assert texts(new, "ja") == [line["label"] for line in old["lines"]]  # the same words, read from machine data
    assert new["lines"][0]["instrument_name"] == "旧名の電子顕微鏡"  # the name of that day, not today's
    assert {k: new[k] for k in ("subtotal_jpy", "tax_jpy", "total_jpy")} == {
        "subtotal_jpy": 18750,
        "tax_jpy": 1875,
        "total_jpy": 20625,
    }
    assert [migration._old_line(line) for line in new["lines"]] == old["lines"]  # undone: as it was
    unreadable = {
        "lines": [
            {"kind": "use", "label": "手書きの明細", "amount_jpy": 1, "multipliers": [{"name": "特別", "factor": "2"}]}
        ]
    }
    assert migration._machine_data(unreadable, booking) == unreadable  # kept, and shown as it is
    assert texts(unreadable, "en") == ["手書きの明細"]
