"""One language per page: the usage-report pages and reminders in Japanese (no English beside the Japanese) and in
English (no Japanese but the data), names of things in the reader's language, dates as the language writes them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from backend import i18n
from backend.tokyo import TOKYO
from tests.language import english_page_problems, japanese_page_problems
from tests.usage_reports.test_reminders import remind, used  # noqa: F401 (a fixture)
from usage_reports.services import submit_usage_report

pytestmark = pytest.mark.django_db


def main_of(html: str) -> str:
    """The page's own content: the header and footer around it belong to every page (backend/templates)."""
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


def as_user(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def named(world, sem):
    """The SEM and its institution with English names."""
    sem.name_en = "Scanning electron microscope"
    sem.save()
    sem.institution.name_en = "Hokkaido Research Organization"
    sem.institution.save()
    return sem


def test_the_pages_are_in_one_language_each(world, uses, named):
    submit_usage_report(actor=world.user_a, booking=uses.old, summary="めっき層の厚さを確認した。", outcome="research")
    data = (world.company_a.name, "めっき層の厚さを確認した。")
    for url in ("/usage-reports/", "/usage-reports/?status=submitted", f"/usage-reports/{uses.recent.pk}/"):
        japanese = as_user(world.user_a, "ja").get(url).content.decode()
        assert japanese_page_problems(main_of(japanese)) == [], url
        assert "提出" in japanese and "Submit" not in main_of(japanese)
        english = as_user(world.user_a, "en").get(url).content.decode()
        assert english_page_problems(main_of(english), data=data) == [], url
        assert "Scanning electron microscope" in english and "Hokkaido Research Organization" in english
    staff = as_user(world.staff_a, "en").get(f"/usage-reports/{uses.old.pk}/").content.decode()
    assert "Research and development" in staff and english_page_problems(main_of(staff), data=data) == []
    assert "研究開発" in as_user(world.staff_a, "ja").get(f"/usage-reports/{uses.old.pk}/").content.decode()


def test_the_form_speaks_the_readers_language(world, uses):
    body = main_of(as_user(world.user_a, "en").get(f"/usage-reports/{uses.recent.pk}/").content.decode())
    assert "Summary of the use and its results" in body and "Kind of outcome" in body and "Quality control" in body
    body = main_of(as_user(world.user_a, "ja").get(f"/usage-reports/{uses.recent.pk}/").content.decode())
    assert "利用の概要と成果" in body and "品質管理" in body and "(summary)" not in body


def test_the_api_names_things_in_the_readers_language(world, uses, named):
    row = as_user(world.user_a, "en").get(f"/api/v1/bookings/{uses.recent.pk}/usage-report/").json()
    assert row["instrument_name"] == "Scanning electron microscope"
    assert row["institution_name"] == "Hokkaido Research Organization"


def test_a_reminder_is_in_its_recipients_language_only_with_dates_as_it_writes_them(world, sem, remind):  # noqa: F811
    world.user_b.language = "en"
    world.user_b.save(update_fields=["language"])
    booking = used(world, sem, timezone.localdate() - timedelta(days=25))
    assert remind() == 1
    (english,) = mail.outbox
    due = booking.end.astimezone(TOKYO).date() + timedelta(days=sem.institution.usage_report_due_days)
    with translation.override("en"):
        assert f"Due: {i18n.long_date(due)}" in english.body
    assert (
        english_page_problems(
            english.subject + english.body, data=(world.company_b.name, sem.name, sem.institution.name)
        )
        == []
    )
    world.user_b.language = "ja"
    world.user_b.save(update_fields=["language"])
    mail.outbox.clear()
    late = used(world, sem, timezone.localdate() - timedelta(days=40))
    assert remind() >= 1
    japanese = next(m for m in mail.outbox if str(late.pk) in m.subject)
    assert japanese.subject.startswith("【Kyoyo】利用報告書が未提出です") and "年" in japanese.body
    assert japanese_page_problems(japanese.subject + japanese.body) == []
    assert "Dear" not in japanese.body and "Kyoyo shared" not in japanese.body
