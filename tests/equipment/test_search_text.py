"""The catalogue is searched in each instrument's stored search text, made of the instrument, its category and its
institution: a change to any of those, through a service or the Django admin, is searchable at once."""

import io

import pytest
from django.core.management import call_command

from consultations.models import ExpertProfile
from consultations.services import save_expert_profile
from equipment import services
from equipment.models import Category, Instrument
from tests.admin_forms import change_in_admin
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def found(api, q: str) -> list[str]:
    return sorted(row["name"] for row in api.get("/api/v1/instruments/", {"q": q}).data["results"])


@pytest.fixture
def operator(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "field, value, old",
    [
        ("keywords", "ナノ凹凸 表面形状", "表面観察"),
        ("name", "電子顕微鏡（走査型）", None),  # the old name is also the instrument's
        ("name_en", "Field emission SEM", "scanning"),
        ("code", "fe-sem", None),
    ],
)
def test_a_category_edited_in_the_admin_is_searched_by_its_new_words(world, api, operator, field, value, old):
    assert change_in_admin(operator, world.sem.category, **{field: value}).status_code == 302
    assert found(api, value) == [world.sem.name]
    if old is not None:
        assert world.sem.name not in found(api, old)


def test_an_institution_renamed_in_the_admin_is_searched_by_its_new_name(world, api, operator):
    response = change_in_admin(operator, world.inst_a, name="道総研 工業試験場", name_en="Hokkaido IRI")
    assert response.status_code == 302
    assert found(api, "工業試験場") == found(api, "hokkaido iri") == [world.sem.name]
    assert found(api, "北海道立") == []


def test_an_instrument_edited_in_the_admin_is_searched_by_its_new_name(world, api, operator):
    assert change_in_admin(operator, world.sem, name="卓上SEM TM4000", model="TM4000Plus").status_code == 302
    assert found(api, "卓上sem tm4000plus") == ["卓上SEM TM4000"]
    assert found(api, "JSM-IT800") == []


def test_a_new_instrument_is_searched_by_its_category_and_institution(world, api):
    category = CategoryFactory(code="afm", name="原子間力顕微鏡", name_en="AFM", keywords="表面粗さ")
    services.create_instrument(actor=world.staff_a, institution=world.inst_a, category=category, name="AFM 5500")
    assert found(api, "原子間力 表面粗さ 北海道立") == ["AFM 5500"]


def test_rebuild_search_text_repairs_texts_written_behind_the_services_back(world, api):
    save_expert_profile(actor=world.staff_a, listed=True, instruments=[world.sem])
    Instrument.objects.update(search_text="")
    Category.objects.filter(pk=world.sem.category_id).update(code="fe-sem")  # SQL by hand
    out = io.StringIO()
    call_command("rebuild_search_text", stdout=out)
    assert "search texts rebuilt: 3" in out.getvalue()  # two instruments, one expert entry
    assert found(api, "fe-sem") == [world.sem.name] and found(api, "smartlab") == [world.xrd.name]
    assert list(ExpertProfile.objects.filter(search_text__contains="fe-sem")) == [world.sem.experts.get()]
