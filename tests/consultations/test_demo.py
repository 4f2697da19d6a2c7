"""The demo data set: experts, consultations in every status, and the issue's two example sentences.

seed_demo runs twice once for the module, inside a transaction rolled back afterwards (like
tests/bookings/test_seed_demo.py).
"""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from consortia.models import User
from consultations.models import Consultation, ExpertProfile, Message, Referral
from consultations.selectors import consultations_visible_to, suggestions_for
from consultations.suggestions import shown


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (ExpertProfile, Consultation, Referral, Message)}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            output = io.StringIO()
            call_command("seed_demo", password="pw-test-123", stdout=output)
            first = counts()
            call_command("seed_demo", password="pw-test-123", stdout=io.StringIO())
            yield SimpleNamespace(first=first, second=counts(), output=output.getvalue())
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_seed_adds_experts_and_consultations_once(seeded):
    assert seeded.first["ExpertProfile"] >= 3 and seeded.first["Consultation"] >= 3
    assert seeded.second == seeded.first
    assert "専門家 (experts)" in seeded.output and "技術相談 (consultations)" in seeded.output
    for username in ("coordinator", "coordinator2", "staff3"):
        assert username in seeded.output


def test_the_demo_consultations_are_in_different_statuses_and_one_is_confidential(seeded):
    statuses = set(Consultation.objects.values_list("status", flat=True))
    assert statuses == {"new", "referred", "answered", "closed"}
    assert Consultation.objects.filter(confidential=True).exists()
    closed = Consultation.objects.get(status="closed")
    assert closed.outcome and closed.first_answered_at and closed.response_business_days is not None
    assert all(c.suggestions for c in Consultation.objects.all())


def test_the_demo_logins_see_their_consultations(seeded):
    def visible(username):
        return consultations_visible_to(User.objects.get(username=username)).count()

    assert visible("coordinator") == 3 and visible("coordinator2") == 1
    assert visible("company") == 3 and visible("company2") == 1
    assert visible("staff") == 1 and visible("staff2") == 2  # staff2's institution also got a wide-area referral
    assert visible("secretariat") == 0


def test_some_demo_experts_are_listed_and_one_is_not(seeded):
    assert ExpertProfile.objects.filter(listed=True).count() >= 3
    assert ExpertProfile.objects.filter(listed=False).exists()
    assert all(p.instruments.exists() and p.search_text for p in ExpertProfile.objects.all())


def categories_suggested(text: str) -> list[str]:
    return [i["category"] for s in suggestions_for(text) for i in s["instruments"][:1]]


def test_a_fracture_surface_of_a_resin_suggests_a_scanning_electron_microscope(seeded):
    found = suggestions_for("樹脂の破断面を観察したい")
    assert found[0]["instruments"][0]["category"] == "走査電子顕微鏡"
    assert set(categories_suggested("樹脂の破断面を観察したい")) == {"走査電子顕微鏡"}
    assert "破断面" in shown(found)[0]["reason"]


def test_trace_metals_suggest_icp_ms_or_icp_oes(seeded):
    assert set(categories_suggested("微量な金属元素を定量したい")) <= {"ICP質量分析装置", "ICP発光分光分析装置"}
    assert suggestions_for("微量な金属元素を定量したい")[0]["score"] >= 0.9


ISSUE_22 = "樹脂の破断面を観察したい。どこに頼めばよいか分かりません"


def test_the_reason_names_only_meaningful_terms_and_no_single_kanji(seeded):
    found = suggestions_for(ISSUE_22)
    matched = {t for s in found for item in s["instruments"] + s["experts"] for t in item["matched"]}
    assert matched <= {"樹脂", "破断面", "観察"} and "破断面" in matched
    assert all(len(t) >= 2 for t in matched)
    assert "JEM-ARM200F" not in str(found)  # it matched 分 of 分かりません on 原子分解能分析電子顕微鏡


def test_the_scanning_electron_microscopes_stand_apart_from_what_merely_shares_a_word(seeded):
    instruments = [i for s in suggestions_for(ISSUE_22) for i in s["instruments"]]
    assert instruments and {i["category"] for i in instruments} == {"走査電子顕微鏡"}
    assert min(i["score"] for i in instruments) >= 0.6
