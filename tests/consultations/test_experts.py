"""The expert directory: staff choose to be listed, and the directory is searched like the catalogue."""

import pytest

from consortia import services as consortia_services
from consultations import services
from consultations.models import ExpertProfile
from equipment import services as equipment_services
from tests.admin_forms import change_in_admin, delete_in_admin
from tests.factories import InstrumentFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db

DIRECTORY = "/api/v1/experts/"
ME = "/api/v1/experts/me/"


def names(response):
    return [row["name"] for row in response.data["results"]]


@pytest.fixture
def suzuki(world):
    world.staff_a.last_name, world.staff_a.first_name = "鈴木", "一郎"
    world.staff_a.save()
    return services.save_expert_profile(
        actor=world.staff_a,
        listed=True,
        keywords="破断面 フラクトグラフィ ＳＥＭ",
        bio="樹脂・金属のトラブル解析を担当しています。",
        instruments=[world.sem],
    )


def test_staff_create_their_entry_and_agree_to_be_listed(world, client_for):
    client = client_for(world.staff_b)
    assert client.get(ME).status_code == 404
    body = {"listed": True, "keywords": "X線回折 結晶相", "bio": "XRD担当", "instruments": [world.xrd.id]}
    response = client.put(ME, body, format="json")
    assert response.status_code == 200
    assert response.data["listed"] is True and response.data["institution"]["id"] == world.inst_b.id
    assert response.data["instruments"] == [{"id": world.xrd.id, "name": world.xrd.name}]
    response = client.patch(ME, {"listed": False}, format="json")
    assert response.data["listed"] is False and response.data["keywords"] == "X線回折 結晶相"  # the rest stays
    assert ExpertProfile.objects.count() == 1


def test_only_staff_have_an_entry_and_only_with_their_own_institutions_instruments(world, client_for):
    assert client_for(world.user_a).put(ME, {"listed": True}, format="json").status_code == 403
    response = client_for(world.staff_b).put(ME, {"instruments": [world.sem.id]}, format="json")  # inst_a's
    assert response.status_code == 400 and response.data["field"] == "instruments"
    response = client_for(world.staff_b).put(ME, {"institution": world.inst_a.id}, format="json")
    assert response.status_code == 403


def test_staff_of_two_institutions_choose_one(world, client_for):
    give_role(world.staff_a, "staff", institution=world.inst_c)
    assert client_for(world.staff_a).put(ME, {"listed": True}, format="json").data["field"] == "institution"
    response = client_for(world.staff_a).put(ME, {"listed": True, "institution": world.inst_c.id}, format="json")
    assert response.status_code == 200 and response.data["institution"]["id"] == world.inst_c.id


def test_the_directory_lists_only_listed_experts_to_logged_in_users(world, suzuki, client_for, api):
    services.save_expert_profile(actor=world.staff_b, listed=False, keywords="破断面")
    assert names(client_for(world.user_a).get(DIRECTORY)) == ["鈴木 一郎"]
    row = client_for(world.user_a).get(DIRECTORY).data["results"][0]
    assert row["institution"]["id"] == world.inst_a.id and row["instruments"][0]["id"] == world.sem.id
    assert "listed" not in row  # the own-entry view shows that
    assert api.get(DIRECTORY).status_code in (401, 403)


@pytest.mark.parametrize(
    "q", ["破断面", "ふらくとぐらふぃ", "ﾌﾗｸﾄｸﾞﾗﾌｨ", "sem", "ＳＥＭ", "鈴木", "JSM-IT800", "北海道立", "破断面　樹脂"]
)
def test_the_directory_is_searched_like_the_catalogue(world, suzuki, client_for, q):
    """Width, case and katakana/hiragana do not matter; every term must match (name, keywords, profile,
    institution, instruments)."""
    assert names(client_for(world.user_b).get(DIRECTORY, {"q": q})) == ["鈴木 一郎"]


def test_a_search_for_something_else_finds_nobody(world, suzuki, client_for):
    assert names(client_for(world.user_b).get(DIRECTORY, {"q": "破断面 NMR"})) == []


def test_the_directory_filters_by_institution_and_consortium(world, suzuki, client_for):
    client = client_for(world.user_b)
    assert names(client.get(DIRECTORY, {"institution": world.inst_a.id})) == ["鈴木 一郎"]
    assert names(client.get(DIRECTORY, {"consortium": world.tama.id})) == []
    assert client.get(DIRECTORY, {"consortium": "x"}).status_code == 400


def test_changed_keywords_are_searchable_at_once(world, suzuki, client_for):
    services.save_expert_profile(actor=world.staff_a, keywords="表面粗さ")
    client = client_for(world.user_b)
    assert names(client.get(DIRECTORY, {"q": "表面粗さ"})) == ["鈴木 一郎"]
    assert names(client.get(DIRECTORY, {"q": "フラクトグラフィ"})) == []


def test_a_coordinator_names_a_listed_expert_in_a_referral(world, suzuki, client_for):
    coordinator = UserFactory()
    give_role(coordinator, "coordinator", consortium=world.hokkaido)
    consultation = services.submit_consultation(actor=world.user_a, title="破断面", description="破断面を見たい")
    assert consultation.suggestions[0]["experts"][0]["id"] == suzuki.id
    body = {"institution": world.inst_a.id, "note": "鈴木さんへ", "experts": [suzuki.id]}
    response = client_for(coordinator).post(f"/api/v1/consultations/{consultation.pk}/refer/", body, format="json")
    assert response.data["referrals"][0]["experts"] == [{"id": suzuki.id, "name": "鈴木 一郎"}]


def test_an_expert_who_leaves_the_directory_leaves_earlier_suggestions_and_cannot_be_referred(
    world, suzuki, client_for
):
    coordinator = UserFactory()
    give_role(coordinator, "coordinator", consortium=world.hokkaido)
    consultation = services.submit_consultation(actor=world.user_a, title="破断面", description="破断面を見たい")
    services.save_expert_profile(actor=world.staff_a, listed=False)
    data = client_for(world.user_a).get(f"/api/v1/consultations/{consultation.pk}/").data
    assert data["suggestions"][0]["experts"] == []
    body = {"institution": world.inst_a.id, "note": "x", "experts": [suzuki.id]}
    response = client_for(coordinator).post(f"/api/v1/consultations/{consultation.pk}/refer/", body, format="json")
    assert response.status_code == 400 and response.data["field"] == "experts"


def test_moving_to_another_institution_drops_the_former_instruments(world, suzuki):
    give_role(world.staff_a, "staff", institution=world.inst_c)
    other = InstrumentFactory(institution=world.inst_c)
    profile = services.save_expert_profile(actor=world.staff_a, institution=world.inst_c)
    assert list(profile.instruments.all()) == []
    profile = services.save_expert_profile(actor=world.staff_a, instruments=[other])
    assert list(profile.instruments.all()) == [other]


# --- The directory finds what the catalogue finds, and follows every change ----------------------------------------
@pytest.fixture
def technician(world):
    """The staff member who runs the SEM, with keywords of their own that say nothing of SEMs."""
    return services.save_expert_profile(actor=world.staff_a, listed=True, keywords="破断面", instruments=[world.sem])


@pytest.fixture
def operator(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def catalogue(api, q: str) -> list[str]:
    return [row["name"] for row in api.get("/api/v1/instruments/", {"q": q}).data["results"]]


@pytest.mark.parametrize("q", ["SEM", "ｓｅｍ", "Scanning electron microscope", "走査電子顕微鏡", "jsm-it800"])
def test_asked_for_sem_the_directory_finds_the_technician_who_runs_the_sems(world, technician, client_for, api, q):
    """The category names and code of the instruments an expert runs are searched as the catalogue searches them."""
    assert world.sem.name in catalogue(api, q)
    assert names(client_for(world.user_b).get(DIRECTORY, {"q": q})) == ["staff_a"]


def test_the_directory_follows_a_category_edited_in_the_admin(world, technician, client_for, operator):
    assert change_in_admin(operator, world.sem.category, code="fe-sem", name_en="FE-SEM").status_code == 302
    client = client_for(world.user_b)
    assert names(client.get(DIRECTORY, {"q": "fe-sem"})) == ["staff_a"]
    assert names(client.get(DIRECTORY, {"q": "scanning"})) == []


def test_the_directory_follows_an_institution_renamed_in_the_admin(world, technician, client_for, operator):
    assert change_in_admin(operator, world.inst_a, name="道総研 工業試験場").status_code == 302
    client = client_for(world.user_b)
    assert names(client.get(DIRECTORY, {"q": "工業試験場"})) == ["staff_a"]
    assert names(client.get(DIRECTORY, {"q": "北海道立"})) == []


def test_the_directory_follows_an_instrument_renamed_by_its_staff_or_in_the_admin(
    world, technician, client_for, operator
):
    client = client_for(world.user_b)
    equipment_services.update_instrument(actor=world.staff_a, instrument=world.sem, name="卓上SEM", model="TM4000")
    assert names(client.get(DIRECTORY, {"q": "卓上 tm4000"})) == ["staff_a"]
    assert names(client.get(DIRECTORY, {"q": "JSM-IT800"})) == []
    assert change_in_admin(operator, world.sem, name="電界放出形SEM").status_code == 302
    assert names(client.get(DIRECTORY, {"q": "電界放出形"})) == ["staff_a"]


def test_the_directory_forgets_an_instrument_deleted_in_the_admin(world, technician, client_for, operator):
    assert delete_in_admin(operator, world.sem).status_code == 302
    assert names(client_for(world.user_b).get(DIRECTORY, {"q": "JSM-IT800"})) == []


def test_the_directory_follows_the_experts_own_name_changed_by_them_or_in_the_admin(
    world, technician, client_for, operator
):
    client = client_for(world.user_b)
    consortia_services.update_profile(actor=world.staff_a, last_name="鈴木", first_name="一郎")
    assert names(client.get(DIRECTORY, {"q": "鈴木"})) == ["鈴木 一郎"]
    user = world.staff_a.__class__.objects.get(pk=world.staff_a.pk)
    assert change_in_admin(operator, user, last_name="佐藤").status_code == 302
    assert names(client.get(DIRECTORY, {"q": "佐藤"})) == ["佐藤 一郎"]
    assert names(client.get(DIRECTORY, {"q": "鈴木"})) == []


def test_the_directory_follows_an_entry_corrected_in_the_admin(world, technician, client_for, operator):
    assert (
        change_in_admin(operator, technician, keywords="フラクトグラフィ", instruments=[world.xrd.pk]).status_code
        == 302
    )
    client = client_for(world.user_b)
    assert names(client.get(DIRECTORY, {"q": "ふらくとぐらふぃ smartlab"})) == ["staff_a"]
    assert names(client.get(DIRECTORY, {"q": "JSM-IT800"})) == []
