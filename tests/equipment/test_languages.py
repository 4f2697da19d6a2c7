"""One language per page on the staff's instrument pages: Japanese by default, English for a user who chose it,
never both; names of instruments, categories and institutions in the reader's language (the Japanese name where
there is no English one); choices, refusals and messages from equipment's catalogue."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from equipment import services
from equipment.models import Downtime, Instrument, Rate, UsageMode
from tests.bookings.conftest import at, working_day
from tests.equipment.helpers import errors_next_to, pdf_bytes, upload
from tests.factories import InstrumentFactory
from tests.language import english_page_problems, japanese_page_problems

pytestmark = pytest.mark.django_db

SECTIONS = [
    "staff-instrument",
    "staff-instrument-rates",
    "staff-instrument-manuals",
    "staff-instrument-photos",
    "staff-instrument-downtime",
    "staff-instrument-qualifications",
]


@pytest.fixture
def named_sem(world):
    """The SEM, its category and its institution with English names, and one of everything on its pages: a rate,
    a manual, downtime of each kind and a qualification."""
    sem, actor = world.sem, world.staff_a
    world.inst_a.name_en = "Hokkaido Research Organization"
    world.inst_a.save(update_fields=["name_en"])
    services.update_instrument(
        actor=actor,
        instrument=sem,
        name_en="Field-emission SEM",
        description="高分解能の走査電子顕微鏡",
        description_en="A high-resolution scanning electron microscope",
    )
    services.add_rate(
        actor=actor,
        instrument=sem,
        user_category="sme",
        mode="assisted",
        amount_jpy=4000,
        valid_from=timezone.localdate() + timedelta(days=30),
    )
    services.upload_manual(
        actor=actor, instrument=sem, upload=upload("m.pdf", pdf_bytes()), title="Operating manual", version="1"
    )
    day = working_day()
    for hour, kind in zip(range(8, 16, 2), Downtime.Kind.values):
        services.add_downtime(actor=actor, instrument=sem, start=at(day, hour), end=at(day, hour + 1), kind=kind)
    services.grant_qualification(actor=actor, instrument=sem, user=world.user_a)
    return sem


def own_part(html: str) -> str:
    """The page's title and main content: what equipment's templates write (the header and the language switch
    around them are the layout's, backend/templates/base.html)."""
    title = html[html.index("<title>") : html.index("</title>") + len("</title>")]
    return title + html[html.index("<main>") : html.index("</main>")]


def pages(instrument) -> list[str]:
    return [reverse("staff-instruments"), reverse("staff-instrument-new")] + [
        reverse(name, args=[instrument.pk]) for name in SECTIONS
    ]


def test_every_staff_page_is_in_japanese_only_by_default(world, client, named_sem):
    client.force_login(world.staff_a)
    for url in pages(named_sem):
        html = own_part(client.get(url).content.decode())
        assert japanese_page_problems(html) == [], url
        assert "Manage instruments" not in html, url
    rates = client.get(reverse("staff-instrument-rates", args=[named_sem.pk])).content.decode()
    assert "料金の追加" in rates and "利用者区分" in rates and "中小企業" in rates and "技術補助" in rates
    assert "4,000円" in rates and "Add a rate" not in rates and "SME" not in rates
    downtime = client.get(reverse("staff-instrument-downtime", args=[named_sem.pk])).content.decode()
    assert all(kind in downtime for kind in ("保守", "修理", "内部利用", "その他"))


def test_every_staff_page_is_in_english_only_for_a_user_who_chose_english(world, client, named_sem):
    world.staff_a.language = "en"
    world.staff_a.save(update_fields=["language"])
    client.force_login(world.staff_a)
    # Data that has no English: the maker's name and the other instrument's category (a choice of the field).
    data = (named_sem.maker, world.xrd.category.name)
    for url in pages(named_sem):
        html = own_part(client.get(url).content.decode())
        assert english_page_problems(html, data=data) == [], url
    rates = client.get(reverse("staff-instrument-rates", args=[named_sem.pk])).content.decode()
    assert "Add a rate" in rates and "SME company" in rates and "Staff-assisted" in rates and "¥4,000" in rates
    downtime = client.get(reverse("staff-instrument-downtime", args=[named_sem.pk])).content.decode()
    assert all(kind in downtime for kind in ("Maintenance", "Repair", "Internal use", "Other"))


def test_an_english_page_shows_the_english_name_and_the_japanese_one_where_there_is_none(world, client, named_sem):
    nameless = InstrumentFactory(institution=world.inst_a, name="卓上SEM", name_en="", weekday_hours=[])
    world.staff_a.language = "en"
    world.staff_a.save(update_fields=["language"])
    client.force_login(world.staff_a)
    listed = client.get(reverse("staff-instruments")).content.decode()
    assert "Field-emission SEM" in listed and named_sem.name not in listed
    assert "卓上SEM" in listed  # no English name: the Japanese one, the name of record
    page = client.get(reverse("staff-instrument", args=[named_sem.pk])).content.decode()
    assert "<h1>Field-emission SEM</h1>" in page and "Hokkaido Research Organization" in page
    assert "<h1>卓上SEM</h1>" in client.get(reverse("staff-instrument", args=[nameless.pk])).content.decode()
    world.staff_a.language = "ja"
    world.staff_a.save(update_fields=["language"])
    japanese = client.get(reverse("staff-instruments")).content.decode()
    assert named_sem.name in japanese and "Field-emission SEM" not in japanese


def test_staff_edit_the_english_name_and_description_on_the_instrument_page(world, client, named_sem):
    from tests.equipment.test_staff_pages import instrument_post

    client.force_login(world.staff_a)
    post = instrument_post(named_sem, name_en="FE-SEM", description_en="Sees nanometres.")
    response = client.post(reverse("staff-instrument", args=[named_sem.pk]), post)
    assert response.status_code == 302
    named_sem.refresh_from_db()
    assert (named_sem.name_en, named_sem.description_en) == ("FE-SEM", "Sees nanometres.")
    assert named_sem.description == "高分解能の走査電子顕微鏡"  # the Japanese one is kept
    form = client.get(reverse("staff-instrument", args=[named_sem.pk])).content.decode()
    assert 'id="id_description_en"' in form and "Sees nanometres." in form


def test_refusals_and_messages_are_in_the_readers_language(world, client, named_sem):
    url = reverse("staff-instrument-rates", args=[named_sem.pk])
    data = {"user_category": "sme", "mode": "assisted", "unit": "hour", "amount_jpy": 5000}
    data["valid_from"] = (timezone.localdate() + timedelta(days=30)).isoformat()  # the same date again
    client.force_login(world.staff_a)
    japanese = client.post(url, data)
    assert errors_next_to(japanese.content, "id_valid_from") == "同じ区分・形態・適用開始日の料金が既にあります。"
    world.staff_a.language = "en"
    world.staff_a.save(update_fields=["language"])
    english = client.post(url, data)
    assert (
        errors_next_to(english.content, "id_valid_from")
        == "A rate for this user category, mode and date already exists."
    )
    added = client.post(url, {**data, "valid_from": (timezone.localdate() + timedelta(days=60)).isoformat()})
    assert [str(m) for m in get_messages(added.wsgi_request)] == ["Rate added."]


@pytest.mark.parametrize(
    "language, labels",
    [
        ("ja", ["自己操作", "技術補助", "依頼分析", "利用可能", "保守中", "廃止", "1時間あたり", "学内・機関内"]),
        ("en", ["Self-operated", "Staff-assisted", "Commissioned analysis", "Available", "Under maintenance"]),
    ],
)
def test_choices_are_labelled_in_one_language(language, labels):
    with translation.override(language):
        shown = [str(label) for _value, label in UsageMode.choices + Instrument.Status.choices]
        shown += [str(Rate.Unit.HOUR.label), str(Rate._meta.get_field("user_category").choices[0][1])]
    assert set(labels) <= set(shown)
    assert not any("(" in label for label in shown)  # no second language in parentheses


# --- The API ---------------------------------------------------------------------------------------
def test_the_api_gives_both_names_and_the_one_in_the_requests_language(world, api, named_sem):
    world.xrd.category.name_en = ""
    world.xrd.category.save(update_fields=["name_en"])
    url = f"/api/v1/instruments/{named_sem.id}/"
    japanese, english = api.get(url).data, api.get(url, HTTP_ACCEPT_LANGUAGE="en").data
    assert (japanese["name"], japanese["name_en"]) == (named_sem.name, "Field-emission SEM")
    assert (japanese["localized_name"], english["localized_name"]) == (named_sem.name, "Field-emission SEM")
    assert english["localized_description"] == "A high-resolution scanning electron microscope"
    assert japanese["localized_description"] == "高分解能の走査電子顕微鏡"
    assert english["institution"]["localized_name"] == "Hokkaido Research Organization"
    assert english["category"]["localized_name"] == "Scanning electron microscope"
    listed = api.get("/api/v1/instruments/", {"category": "xrd"}, HTTP_ACCEPT_LANGUAGE="en").data["results"]
    assert listed[0]["localized_name"] == world.xrd.name  # no English name: the Japanese one
    assert listed[0]["category"]["localized_name"] == world.xrd.category.name


def test_staff_give_the_english_description_through_the_api(world, client_for, named_sem):
    url = f"/api/v1/instruments/{named_sem.id}/"
    response = client_for(world.staff_a).patch(url, {"description_en": "Sees nanometres."}, format="json")
    assert response.status_code == 200 and response.data["description_en"] == "Sees nanometres."


@pytest.mark.parametrize(
    "query", ["field-emission", "high-resolution scanning", "Hokkaido Research", "高分解能", "走査電子顕微鏡"]
)
def test_the_catalogue_finds_an_instrument_by_its_english_or_japanese_words(api, named_sem, query):
    found = api.get("/api/v1/instruments/", {"q": query}).data["results"]
    assert [row["id"] for row in found] == [named_sem.id]


def test_api_refusals_are_in_the_requests_language(world, client_for, named_sem):
    url = f"/api/v1/instruments/{named_sem.id}/"
    staff = client_for(world.staff_a)
    change = {"min_minutes": 300, "max_minutes": 120}
    japanese = staff.patch(url, change, format="json").data
    assert japanese["detail"] == "最短予約時間が最長予約時間を超えています。"
    english = staff.patch(url, change, format="json", HTTP_ACCEPT_LANGUAGE="en").data
    assert english["detail"] == "The minimum length exceeds the maximum length."
