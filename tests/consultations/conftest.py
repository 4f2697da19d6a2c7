"""Consultation fixtures on top of the shared `world` (tests/conftest.py).

hokkaido: inst_a (staff_a, the SEM), inst_b (staff_b, the XRD; also in tama); tama: inst_b, inst_c (staff_c,
an ICP-MS). company_a (user_a, its admin) and company_b (user_b) are both in Hokkaido.
"""

from datetime import datetime
from types import SimpleNamespace

import pytest

from backend.search import refresh_search_text
from backend.tokyo import TOKYO
from consultations import services
from tests.factories import CategoryFactory, InstrumentFactory, UserFactory, give_role

SEM_PROBLEM = {"title": "破断面の観察", "description": "樹脂の破断面を観察したい"}


def tokyo(*args) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _xrd_keywords_of_its_own(request):
    """The shared world's XRD category is built by the factory with the SEM's keywords; give it its own."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        world.xrd.category.keywords = "結晶構造 結晶相 同定 残留応力"
        world.xrd.category.save()
        refresh_search_text(categories=[world.xrd.category])


@pytest.fixture
def people(world):
    """Everyone a consultation can meet: coordinators of both consortia, staff of the tama-only institution,
    a second admin and a plain member of company_a, and a site operator."""
    coordinator = UserFactory(username="coordinator")
    give_role(coordinator, "coordinator", consortium=world.hokkaido)
    coordinator_tama = UserFactory(username="coordinator_tama")
    give_role(coordinator_tama, "coordinator", consortium=world.tama)
    staff_c = UserFactory(username="staff_c")
    give_role(staff_c, "staff", institution=world.inst_c)
    admin_a = UserFactory(username="admin_a")
    give_role(admin_a, "company_admin", company=world.company_a)
    member_a = UserFactory(username="member_a")
    give_role(member_a, "company_member", company=world.company_a)
    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    icp = InstrumentFactory(
        institution=world.inst_c,
        name="ICP質量分析装置 7900",
        model="7900",
        maker="アジレント",
        category=CategoryFactory(
            code="icp-ms", name="ICP質量分析装置", name_en="ICP-MS", keywords="微量 金属元素 定量"
        ),
    )
    return SimpleNamespace(**{k: v for k, v in locals().items() if k != "world"})


@pytest.fixture
def ask(world, people):
    """A consultation of company_a (user_a) to the Hokkaido consortium, through the service."""

    def make(user=None, **fields):
        body = {**SEM_PROBLEM, **fields}
        return services.submit_consultation(actor=user or world.user_a, **body)

    return make
