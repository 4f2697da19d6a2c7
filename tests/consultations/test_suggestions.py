"""Suggestions from the database: what is a candidate, and a constant number of queries whatever the catalogue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import selectors, services
from consultations.suggestions import shown
from equipment.models import Instrument
from tests.factories import CategoryFactory, InstitutionFactory, InstrumentFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db


def institutions_suggested(text, **kwargs):
    return [s["institution"]["id"] for s in selectors.suggestions_for(text, **kwargs)]


def make_expert(institution, *, listed=True, keywords="破断面 破面解析", instruments=(), username=None):
    user = UserFactory(username=username, last_name="鈴木", first_name="一郎") if username else UserFactory()
    give_role(user, "staff", institution=institution)
    return services.save_expert_profile(
        actor=user, listed=listed, keywords=keywords, bio="電子顕微鏡の担当です。", instruments=list(instruments)
    )


def grow_catalogue(world, n_instruments: int, n_experts: int) -> None:
    category = CategoryFactory(code="ftir", name="フーリエ変換赤外分光光度計", keywords="異物 樹脂 ゴム 同定")
    for i in range(n_instruments):
        institution = InstitutionFactory(consortia=[world.tama] if i % 2 else [world.hokkaido])
        instrument = InstrumentFactory(institution=institution, category=category, name=f"FT-IR {i}")
        if i < n_experts:
            make_expert(institution, keywords="異物分析 赤外分光", instruments=[instrument])


def test_the_sem_is_suggested_for_a_fracture_surface(world, people):
    found = shown(selectors.suggestions_for("樹脂の破断面を観察したい", consortium_id=world.hokkaido.id))
    assert found[0]["institution"] == {"id": world.inst_a.id, "name": world.inst_a.name, "in_consortium": True}
    assert found[0]["instruments"][0]["id"] == world.sem.id
    assert "「破断面」" in found[0]["reason"]


def test_trace_metals_suggest_the_icp_ms_of_another_consortium(world, people):
    found = selectors.suggestions_for("微量な金属元素を定量したい", consortium_id=world.hokkaido.id)
    assert found[0]["institution"]["id"] == world.inst_c.id
    assert found[0]["institution"]["in_consortium"] is False  # wide-area: still suggested
    assert found[0]["instruments"][0]["name"] == "ICP質量分析装置 7900"


@pytest.mark.parametrize("keyword", ["ﾊﾀﾞﾝﾒﾝ", "ハダンメン", "はだんめん", "ハだんメン"])
def test_category_keywords_match_in_every_kana_and_width(world, keyword):
    """Staff keep keywords in katakana; the user writes hiragana or half-width katakana (and vice versa)."""
    world.sem.category.keywords = "ハダンメン"
    world.sem.category.save()
    assert institutions_suggested(f"{keyword}を見たい")[:1] == [world.inst_a.id]


def test_catalogue_text_matches_too(world):
    world.xrd.description = "粉末試料のﾘｰﾄﾍﾞﾙﾄ解析"
    world.xrd.save()
    assert institutions_suggested("リートベルト解析をお願いしたい") == [world.inst_b.id]


def test_keywords_edited_after_the_instruments_were_saved_count_at_once(world):
    """The category's keywords are read fresh, not from the instruments' stored search text (which keeps the
    keywords of the day the instrument was saved)."""
    world.sem.category.keywords = "腐食"
    world.sem.category.save()
    assert institutions_suggested("配管の腐食を調べたい") == [world.inst_a.id]


def test_retired_instruments_are_not_suggested(world):
    Instrument.objects.filter(pk=world.sem.pk).update(status=Instrument.Status.RETIRED)
    assert institutions_suggested("破断面を観察したい") == []


def test_listed_experts_are_suggested_and_unlisted_ones_never(world):
    listed = make_expert(world.inst_b, keywords="破断面 フラクトグラフィ", username="listed")
    make_expert(world.inst_c, listed=False, keywords="破断面", username="unlisted")
    found = selectors.suggestions_for("破断面のフラクトグラフィ")
    experts = {e["id"] for s in found for e in s["experts"]}
    assert experts == {listed.id}


def test_suggestions_take_a_constant_number_of_queries(world, people, django_assert_num_queries):
    make_expert(world.inst_a, instruments=[world.sem])
    with CaptureQueriesContext(connection) as small:
        selectors.suggestions_for("樹脂の破断面を観察したい。異物も調べたい", consortium_id=world.hokkaido.id)
    grow_catalogue(world, n_instruments=40, n_experts=10)
    with django_assert_num_queries(len(small.captured_queries)):
        found = selectors.suggestions_for("樹脂の破断面を観察したい。異物も調べたい", consortium_id=world.hokkaido.id)
    assert len(small.captured_queries) <= 6
    assert any(i["name"].startswith("FT-IR") for s in found for i in s["instruments"])


def test_asking_through_the_api_takes_as_many_queries_with_a_larger_catalogue(world, people, client_for):
    client = client_for(world.user_a)
    body = {"title": "破断面", "description": "樹脂の破断面を観察したい。異物も調べたい"}
    client.post("/api/v1/consultations/", body, format="json")  # warm-up: session, content types
    with CaptureQueriesContext(connection) as small:
        assert client.post("/api/v1/consultations/", body, format="json").status_code == 201
    grow_catalogue(world, n_instruments=40, n_experts=10)
    with CaptureQueriesContext(connection) as large:
        response = client.post("/api/v1/consultations/", body, format="json")
    assert response.status_code == 201 and len(response.data["suggestions"]) >= 2
    assert len(large.captured_queries) == len(small.captured_queries)
