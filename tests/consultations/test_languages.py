"""One language per page: the consultation pages, the expert directory and the consultation e-mails in Japanese
(no English beside the Japanese) and in English (no Japanese but the data: what people typed, and names that have
no English one), names of things and people in the reader's language."""

import pytest
from django.test import Client

from consultations import services
from notifications.models import Notification
from tests.consultations.conftest import SEM_PROBLEM
from tests.language import english_page_problems, japanese_page_problems

pytestmark = pytest.mark.django_db

LIST, NEW, DIRECTORY, ME = "/consultations/", "/consultations/new/", "/experts/", "/experts/me/"


@pytest.fixture
def thread(world, people):
    """A consultation referred to inst_a with the SEM and an expert named, answered by its staff; inst_a, the
    consortium and the SEM have English names, the people readings."""
    world.inst_a.name_en = "Hokkaido Research Organization"
    world.inst_a.save()
    world.hokkaido.name_en = "Hokkaido Consortium"
    world.hokkaido.save()
    world.sem.name_en = "Scanning electron microscope JSM-IT800"
    world.sem.save()
    for user, family, given, family_kana, given_kana in (
        (world.staff_a, "鈴木", "健", "スズキ", "ケン"),
        (world.user_a, "渡辺", "由美", "ワタナベ", "ユミ"),
        (people.coordinator, "佐藤", "花子", "サトウ", "ハナコ"),
    ):
        user.last_name, user.first_name, user.last_name_kana, user.first_name_kana = (
            family,
            given,
            family_kana,
            given_kana,
        )
        user.save()
    expert = services.save_expert_profile(
        actor=world.staff_a, listed=True, keywords="破断面 表面観察", bio="", instruments=[world.sem]
    )
    consultation = services.submit_consultation(actor=world.user_a, **SEM_PROBLEM)
    services.refer(
        actor=people.coordinator,
        consultation=consultation,
        institution=world.inst_a,
        note="電子顕微鏡での観察をお願いします。",
        instruments=[world.sem],
        experts=[expert],
    )
    services.post_message(actor=world.staff_a, consultation=consultation, body="SEMで観察できます。")
    return consultation


# What users typed and the names that have no English name: Japanese on an English page on purpose.
DATA = (
    SEM_PROBLEM["title"],
    SEM_PROBLEM["description"],
    "電子顕微鏡での観察をお願いします。",
    "SEMで観察できます。",
    "破断面",
    "観察",
    "表面観察",
    "札幌精密株式会社",
    "産業技術総合研究所 北海道センター",
    "東京都立産業技術研究センター",
    "TAMA協議会",
    "走査電子顕微鏡",  # the category's Japanese name is stored in the snapshot of the world's factory
    "X線回折装置 SmartLab",
    "ICP質量分析装置 7900",
)


def main_of(html: str) -> str:
    """The page's own content: the header and footer around it belong to every page (backend/templates)."""
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def as_user(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def pages_of(world, people, consultation) -> list[tuple[object, str]]:
    detail = f"/consultations/{consultation.pk}/"
    return [
        (world.user_a, LIST),
        (world.user_a, detail),
        (world.user_a, NEW),
        (people.coordinator, LIST),
        (people.coordinator, detail),
        (people.coordinator, DIRECTORY),
        (world.staff_a, detail),
        (world.staff_a, ME),
    ]


def test_every_page_in_japanese_has_no_english_beside_the_japanese(world, people, thread):
    for user, url in pages_of(world, people, thread):
        response = as_user(user, "ja").get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert japanese_page_problems(main_of(body)) == [], (user.username, url)
        assert "matched" not in body, url


def test_every_page_in_english_has_no_japanese_but_the_data(world, people, thread):
    for user, url in pages_of(world, people, thread):
        response = as_user(user, "en").get(url)
        assert response.status_code == 200, url
        assert english_page_problems(main_of(response.content.decode()), data=DATA) == [], (user.username, url)


def test_names_of_things_and_people_follow_the_readers_language(world, people, thread):
    detail = f"/consultations/{thread.pk}/"
    english = as_user(people.coordinator, "en").get(detail).content.decode()
    assert "Hokkaido Research Organization" in english and "Hokkaido Consortium" in english
    assert "Scanning electron microscope JSM-IT800" in english
    assert "Yumi Watanabe" in english and "Ken Suzuki" in english  # given name first, from the readings
    assert "matched application keywords “破断面”" in english
    japanese = as_user(people.coordinator, "ja").get(detail).content.decode()
    assert "北海道立総合研究機構" in japanese and "渡辺 由美" in japanese and "鈴木 健" in japanese
    assert "Hokkaido Research Organization" not in japanese and "Yumi Watanabe" not in japanese


def test_the_directory_finds_a_person_by_the_name_an_english_page_shows(world, people, thread):
    body = as_user(people.coordinator, "en").get(DIRECTORY, {"q": "Ken Suzuki"}).content.decode()
    assert "Ken Suzuki" in body and 'id="result-count"' in body and "Found: 1" in body


def test_the_api_names_people_and_things_in_the_readers_language(world, people, thread):
    body = as_user(people.coordinator, "en").get(f"/api/v1/consultations/{thread.pk}/").json()
    assert body["requester"] == "Yumi Watanabe" and body["consortium"]["name"] == "Hokkaido Consortium"
    assert body["referrals"][0]["institution"]["name"] == "Hokkaido Research Organization"
    assert body["referrals"][0]["experts"][0]["name"] == "Ken Suzuki"
    assert body["messages"][0]["author"] == "Ken Suzuki"
    assert body["suggestions"][0]["reason"].startswith("Scanning electron microscope JSM-IT800: matched")


# --- E-mails ----------------------------------------------------------------------------------------------------
def mails_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def test_each_email_is_in_its_recipients_language_only(world, people):
    people.coordinator.language = "en"
    people.coordinator.save(update_fields=["language"])
    consultation = services.submit_consultation(actor=world.user_a, **SEM_PROBLEM)  # user_a reads Japanese
    services.refer(actor=people.coordinator, consultation=consultation, institution=world.inst_a, note="メモ")
    services.post_message(actor=world.staff_a, consultation=consultation, body="回答します。")

    received, message = mails_to(people.coordinator)
    assert received.subject.startswith("[Kyoyo] New technical consultation")
    assert "Dear coordinators of" in received.body and "Suggested by the system:" in received.body
    data = (*DATA, "北海道協議会", "北海道立総合研究機構", "メモ", "回答します。", "中小企業", "大企業")
    for mail in (received, message):
        assert english_page_problems(mail.subject + "\n" + mail.body, data=data) == [], mail.body

    referred, answered = mails_to(world.user_a)
    assert referred.subject.startswith("【Kyoyo】技術相談") and "次の機関にご紹介しました" in referred.body
    assert "北海道立総合研究機構の担当者から" in answered.body
    for mail in (referred, answered):
        assert japanese_page_problems(mail.subject + "\n" + mail.body) == [], mail.body
        assert "Dear" not in mail.body and "Kyoyo shared" not in mail.body


def test_the_reminder_gives_the_due_time_as_the_recipient_writes_dates(world, people):
    from datetime import timedelta

    from tests.consultations.conftest import tokyo

    consultation = services.submit_consultation(actor=world.user_a, now=tokyo(2026, 12, 1, 10, 0), **SEM_PROBLEM)
    people.coordinator.language = "en"
    people.coordinator.save(update_fields=["language"])
    assert services.remind_unreferred(now=tokyo(2026, 12, 3, 10, 0) + timedelta(minutes=1)) == 1
    reminder = Notification.objects.get(recipient=people.coordinator, key__contains="unreferred")
    assert "Due: Dec. 3, 2026, 10:00" in reminder.body and f"#{consultation.pk}" in reminder.subject
