"""A person's name and its reading (フリガナ): given through the profile API and the admin, written in katakana,
shown family name first in Japanese and from the readings in English; lists of people sort by reading."""

import pytest
from django.utils import translation

from consortia.models import Institution, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WATANABE = {"last_name": "渡辺", "first_name": "由美", "last_name_kana": "わたなべ", "first_name_kana": "ﾕﾐ"}


def test_the_profile_takes_the_readings_and_writes_them_in_katakana(world, client_for):
    response = client_for(world.user_a).patch("/api/v1/me/", WATANABE, format="json")
    assert response.status_code == 200, response.data
    assert response.data["last_name_kana"] == "ワタナベ" and response.data["first_name_kana"] == "ユミ"
    stored = User.objects.get(pk=world.user_a.pk)
    assert (stored.last_name_kana, stored.first_name_kana) == ("ワタナベ", "ユミ")


@pytest.mark.parametrize(
    "language, detail", [("ja", "フリガナはカタカナで入力してください。"), ("en", "Write the reading in katakana.")]
)
def test_a_reading_that_is_not_katakana_is_refused_in_the_readers_language(world, client_for, language, detail):
    response = client_for(world.user_a).patch(
        "/api/v1/me/", {"last_name_kana": "Watanabe"}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert response.data == {"last_name_kana": [detail]}
    assert User.objects.get(pk=world.user_a.pk).last_name_kana == ""


@pytest.mark.parametrize("language, name", [("ja", "渡辺 由美"), ("en", "Yumi Watanabe")])
def test_the_profile_shows_the_name_in_the_users_language(client, language, name):
    user = UserFactory(language=language, **WATANABE)  # saved as typed: the readings as the factory gave them
    user.full_clean(exclude=["password"])
    user.save()
    client.force_login(user)
    answer = client.get("/api/v1/me/").json()
    assert answer["full_name"] == name
    assert (answer["last_name"], answer["first_name"]) == ("渡辺", "由美")


def test_a_person_is_named_in_the_language_of_the_page():
    user = UserFactory(username="yumi", **{**WATANABE, "last_name_kana": "ワタナベ", "first_name_kana": "ユミ"})
    with translation.override("ja"):
        assert str(user) == "渡辺 由美 (yumi)"
    with translation.override("en"):
        assert str(user) == "Yumi Watanabe (yumi)"


def test_the_admin_lists_people_family_name_first_by_reading(client):
    operator = UserFactory(username="root", is_superuser=True, is_staff=True, last_name_kana="ン")
    for username, last, first, reading in [
        ("w", "渡辺", "由美", "ワタナベ"),
        ("a", "青木", "健", "アオキ"),
        ("s", "佐藤", "花子", "サトウ"),
    ]:
        UserFactory(username=username, last_name=last, first_name=first, last_name_kana=reading)
    client.force_login(operator)
    page = client.get("/admin/consortia/user/").content.decode()
    positions = [page.index(name) for name in ("青木 健", "佐藤 花子", "渡辺 由美")]
    assert positions == sorted(positions)
    assert "アオキ" in page


def test_the_admin_edits_the_readings_and_writes_them_in_katakana(client):
    operator = UserFactory(username="root", is_superuser=True, is_staff=True)
    user = UserFactory(username="yumi")
    client.force_login(operator)
    form = client.get(f"/admin/consortia/user/{user.pk}/change/").content.decode()
    assert 'name="last_name_kana"' in form and 'name="first_name_kana"' in form
    body = {
        "username": "yumi",
        "last_name": "渡辺",
        "first_name": "由美",
        "last_name_kana": "わたなべ",
        "first_name_kana": "ゆみ",
        "email": "yumi@example.jp",
        "is_active": "on",
        "language": "ja",
        "date_joined_0": "2026-12-01",
        "date_joined_1": "09:00:00",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/consortia/user/{user.pk}/change/", body)
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert (user.last_name_kana, user.first_name_kana) == ("ワタナベ", "ユミ")


@pytest.mark.parametrize(
    "language, labels",
    [
        ("ja", {"kind": "大学", "prefecture": "北海道", "role": "事務局"}),
        ("en", {"kind": "University", "prefecture": "Hokkaido", "role": "Consortium secretariat"}),
    ],
)
def test_choices_are_labelled_in_the_pages_language_and_stored_in_one_form(language, labels):
    institution = Institution(name="北大", kind="university", prefecture="北海道")
    with translation.override(language):
        assert institution.get_kind_display() == labels["kind"]
        assert institution.get_prefecture_display() == labels["prefecture"]
        assert Role(kind="secretariat").get_kind_display() == labels["role"]
    assert institution.prefecture == "北海道"  # the stored value is the Japanese name whatever the language
