"""Fees as institutions charge them: the fee policy's multipliers, staff time and consumables, computed by hand.

Rounding (docs/fees.md): each line is exact until it is rounded down to whole yen once; 消費税 is 10% of the
subtotal, rounded down once.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from bookings import fees, quotes, services
from bookings.models import Booking
from consortia.models import FeePolicy
from consortia.services import update_fee_policy
from equipment.models import Rate
from tests.bookings.conftest import at, iso

pytestmark = pytest.mark.django_db
URL = "/api/v1/bookings/"


@pytest.fixture
def policy(world):
    """Institution A (北海道協議会: prefectures 北海道): 成果非公開 ×2, outside the region ×1.5, large ×1.3, staff 3,000/h."""
    return FeePolicy.objects.create(
        institution=world.inst_a,
        confidential_multiplier=Decimal("2"),
        outside_region_multiplier=Decimal("1.5"),
        large_company_multiplier=Decimal("1.3"),
        staff_rate_jpy=3000,
    )


@pytest.fixture
def tokyo_large(world):
    """Company B (large) moves to Tokyo: outside institution A's region."""
    world.company_b.prefecture = "東京都"
    world.company_b.save()
    return world.company_b


def lines(quote):
    return [(line["kind"], line["amount_jpy"]) for line in quote["lines"]]


def test_every_multiplier_staff_time_and_consumables_by_hand(
    world, sem, policy, tokyo_large, client_for, request_body, day
):
    Rate.objects.filter(instrument=sem, user_category="sme", mode="assisted").update(amount_jpy=4555)
    body = {**request_body, "start": iso(at(day, 10)), "end": iso(at(day, 11, 30)), "confidential": True}
    response = client_for(world.user_b).post(URL, body, format="json")
    assert response.status_code == 201, response.data
    booking = Booking.objects.get(pk=response.data["id"])
    staff = client_for(world.staff_a)
    consumables = [
        {"label": "液体窒素", "quantity": 3, "unit_price_jpy": 250},
        {"label": "試料台", "quantity": 1, "unit_price_jpy": 1200},
    ]
    response = staff.post(f"{URL}{booking.id}/consumables/", {"consumables": consumables}, format="json")
    assert response.status_code == 200, response.data
    quote = response.data["quote"]
    # 4,555 (SME rate) × 1.5 h × 2 (成果非公開) × 1.5 (地域外) × 1.3 (大企業) = 26,646.75 → 26,646
    use = quote["lines"][0]
    assert use["amount_jpy"] == 26646
    assert use["label"] == "走査電子顕微鏡 JSM-IT800 技術補助 1.5時間 × 4,555円 × 成果非公開2 × 地域外1.5 × 大企業1.3"
    assert [m["name"] for m in use["multipliers"]] == ["成果非公開", "地域外", "大企業"]  # named in Japanese by default
    assert [m["kind"] for m in use["multipliers"]] == ["confidential", "outside_region", "large_company"]
    assert quote["lines"][1]["label"] == "技術職員 1.5時間 × 3,000円"
    assert lines(quote) == [("use", 26646), ("staff", 4500), ("consumable", 750), ("consumable", 1200)]
    # 26,646 + 4,500 + 750 + 1,200 = 33,096; tax 3,309.6 → 3,309; total 36,405
    assert (quote["subtotal_jpy"], quote["tax_jpy"], quote["total_jpy"]) == (33096, 3309, 36405)
    approved = staff.post(f"{URL}{booking.id}/approve/", {}, format="json").data
    assert approved["quote"] == quote and approved["quote_fixed_at"]


def test_a_booking_inside_the_region_by_an_sme_pays_only_what_applies(world, sem, policy, client_for, request_body):
    quote = client_for(world.user_a).post(URL, request_body, format="json").data["quote"]
    # SME in 北海道, results published: 2 h × 4,500 = 9,000, plus staff 2 h × 3,000 = 6,000
    assert lines(quote) == [("use", 9000), ("staff", 6000)]
    assert quote["lines"][0]["multipliers"] == []
    assert (quote["subtotal_jpy"], quote["tax_jpy"], quote["total_jpy"]) == (15000, 1500, 16500)


def test_self_operated_use_has_no_staff_time(world, sem, policy, day):
    sem.requires_qualification = False
    sem.save()
    booking = services.preview_request(
        actor=world.staff_a, instrument=sem, start=at(day, 10), end=at(day, 12), mode="self"
    )
    assert [line["kind"] for line in booking.quote["lines"]] == ["use"]  # internal rate 0, no staff line


def test_without_a_large_company_multiplier_the_instruments_large_rate_applies(
    world, sem, policy, client_for, request_body
):
    policy.large_company_multiplier = None
    policy.staff_rate_jpy = None
    policy.save()
    quote = client_for(world.user_b).post(URL, request_body, format="json").data["quote"]
    assert lines(quote) == [("use", 18000)]  # 2 h × 9,000 (the large-company rate), as without a policy


def test_a_policy_with_the_large_multiplier_prices_large_companies_from_the_sme_rate(
    world, sem, policy, client_for, request_body
):
    quote = client_for(world.user_b).post(URL, request_body, format="json").data["quote"]
    assert lines(quote) == [("use", 11700), ("staff", 6000)]  # 2 h × 4,500 × 1.3


def test_without_a_policy_the_quote_is_the_rate_table_as_before(world, sem, client_for, request_body):
    body = {**request_body, "confidential": True}
    quote = client_for(world.user_b).post(URL, body, format="json").data["quote"]
    assert lines(quote) == [("use", 18000)] and quote["total_jpy"] == 19800


def test_researchers_pay_the_academic_rate_and_the_confidential_multiplier_only(
    world, sem, policy, client_for, request_body
):
    from tests.factories import UserFactory, give_role

    researcher = UserFactory()
    give_role(researcher, "researcher", institution=world.inst_b)
    quote = client_for(researcher).post(URL, {**request_body, "confidential": True}, format="json").data["quote"]
    assert lines(quote) == [("use", 12000), ("staff", 6000)]  # 2 h × 3,000 × 2; no region or size multiplier


def test_the_price_is_fixed_at_approval_whatever_rates_and_policy_say_later(
    world, sem, policy, tokyo_large, client_for, request_body
):
    booking_id = client_for(world.user_b).post(URL, request_body, format="json").data["id"]
    staff = client_for(world.staff_a)
    pending_quote = staff.get(f"{URL}{booking_id}/").data["quote"]
    assert pending_quote["subtotal_jpy"] == 2 * 4500 * 1.5 * 1.3 + 6000
    policy.staff_rate_jpy = 5000
    policy.save()
    approved = staff.post(f"{URL}{booking_id}/approve/", {}, format="json").data
    fixed = approved["quote"]
    assert fixed["lines"][1]["amount_jpy"] == 10000  # recomputed while pending: the new staff rate counts
    update_fee_policy(
        actor=world.staff_a,
        institution=world.inst_a,
        confidential_multiplier=Decimal("3"),
        outside_region_multiplier=Decimal("2"),
        large_company_multiplier=Decimal("2"),
        staff_rate_jpy=9000,
    )
    Rate.objects.filter(instrument=sem).update(amount_jpy=99999)
    assert staff.get(f"{URL}{booking_id}/").data["quote"] == fixed
    booking = Booking.objects.get(pk=booking_id)
    back = timedelta(days=60)
    Booking.objects.filter(pk=booking_id).update(
        start=booking.start - back,
        end=booking.end - back,
        hold_start=booking.hold_start - back,
        hold_end=booking.hold_end - back,
    )
    booking.refresh_from_db()
    now = timezone.now()
    services.complete(actor=world.staff_a, booking=booking, actual_start=booking.start, actual_end=booking.end, now=now)
    assert staff.get(f"{URL}{booking_id}/").data["quote"] == fixed
    refused = staff.post(f"{URL}{booking_id}/consumables/", {"consumables": []}, format="json")
    assert refused.status_code == 409 and refused.data["code"] == "price_fixed"


def test_consumables_are_for_the_institutions_staff_and_refused_with_the_field(world, sem, client_for, request_body):
    booking_id = client_for(world.user_a).post(URL, request_body, format="json").data["id"]
    item = {"label": "液体窒素", "quantity": 2, "unit_price_jpy": 300}
    denied = client_for(world.user_a).post(f"{URL}{booking_id}/consumables/", {"consumables": [item]}, format="json")
    assert denied.status_code == 403
    other_staff = client_for(world.staff_b).post(
        f"{URL}{booking_id}/consumables/", {"consumables": [item]}, format="json"
    )
    assert other_staff.status_code == 404
    staff = client_for(world.staff_a)
    for bad in (
        {"label": "", "quantity": 1, "unit_price_jpy": 1},
        {"label": "x", "quantity": 0, "unit_price_jpy": 1},
        {"label": "x", "quantity": 1, "unit_price_jpy": -5},
    ):
        response = staff.post(f"{URL}{booking_id}/consumables/", {"consumables": [bad]}, format="json")
        assert response.status_code == 400 and "consumables" in str(response.data), response.data
    assert Booking.objects.get(pk=booking_id).consumables == []
    ok = staff.post(f"{URL}{booking_id}/consumables/", {"consumables": [item]}, format="json")
    assert ok.status_code == 200 and ok.data["quote"]["subtotal_jpy"] == 9000 + 600
    assert ok.data["events"][-1]["action"] == "consumables"
    cleared = staff.post(f"{URL}{booking_id}/consumables/", {"consumables": []}, format="json")
    assert cleared.data["quote"]["subtotal_jpy"] == 9000


def test_the_fee_policy_is_set_by_the_institutions_staff_with_a_valid_registration_number(world):
    from backend.errors import DomainError, PermissionDenied

    with pytest.raises(PermissionDenied):
        update_fee_policy(actor=world.staff_b, institution=world.inst_a, staff_rate_jpy=1000)
    with pytest.raises(DomainError) as refused:
        update_fee_policy(actor=world.staff_a, institution=world.inst_a, registration_number="T1234567890123")
    assert refused.value.field == "registration_number"
    with pytest.raises(DomainError) as refused:
        update_fee_policy(actor=world.staff_a, institution=world.inst_a, confidential_multiplier=Decimal("0"))
    assert refused.value.field == "confidential_multiplier"
    assert not FeePolicy.objects.exists()
    policy = update_fee_policy(
        actor=world.staff_a, institution=world.inst_a, registration_number="T8000020130001", staff_rate_jpy=2500
    )
    world.inst_a.refresh_from_db()
    assert world.inst_a.registration_number == "T8000020130001" and policy.staff_rate_jpy == 2500


# --- The arithmetic alone ----------------------------------------------------------------------------------------
def test_a_line_is_rounded_down_once_after_every_multiplier(day):
    start, end = at(day, 10), at(day, 10, 20)  # 20 minutes
    multipliers = [
        fees.Multiplier(fees.CONFIDENTIAL, Decimal("1.5")),
        fees.Multiplier(fees.LARGE_COMPANY, Decimal("1.3")),
    ]
    quote = fees.build_quote(
        rate_amount=1001,
        rate_unit="hour",
        start=start,
        end=end,
        instrument_name="X",
        mode="self",
        multipliers=multipliers,
    )
    # 1,001 × 20/60 × 1.5 × 1.3 = 650.65 → 650 (rounding each step down would give 333 → 499 → 648)
    assert quote["lines"][0]["amount_jpy"] == 650
    with translation.override("ja"):
        assert quotes.line_text(quote["lines"][0]) == "X 自己操作 20分 × 1,001円/時間 × 成果非公開1.5 × 大企業1.3"
    with translation.override("en"):
        assert quotes.line_text(quote["lines"][0]) == (
            "X, self-operated: 20 minutes × ¥1,001 per hour × results not published 1.5 × large company 1.3"
        )
    assert (quote["tax_jpy"], quote["total_jpy"]) == (65, 715)


def test_per_sample_rates_and_a_factor_of_one_is_not_named(day):
    terms = fees.FeeTerms(confidential=Decimal("1"), outside_region=Decimal("1.25"))
    multipliers = fees.applicable_multipliers(terms, confidential=True, outside_region=True, large_from_sme_rate=False)
    assert [m.kind for m in multipliers] == [fees.OUTSIDE_REGION]
    quote = fees.build_quote(
        rate_amount=12345,
        rate_unit="sample",
        start=at(day, 10),
        end=at(day, 11),
        instrument_name="ICP",
        mode="commissioned",
        samples=3,
        multipliers=multipliers,
    )
    assert quote["lines"][0]["amount_jpy"] == 46293  # 12,345 × 3 × 1.25 = 46,293.75


@given(
    amounts=st.lists(st.integers(min_value=0, max_value=5_000_000), max_size=6),
)
def test_tax_is_ten_percent_of_the_subtotal_rounded_down_once(amounts):
    result = fees.totals([{"amount_jpy": a} for a in amounts])
    assert result["subtotal_jpy"] == sum(amounts)
    assert result["tax_jpy"] == sum(amounts) // 10
    assert result["total_jpy"] == sum(amounts) + sum(amounts) // 10


def test_the_fee_policy_through_the_api(world, client_for, api):
    url = f"/api/v1/institutions/{world.inst_a.id}/fee-policy/"
    assert api.get(url).data["confidential_multiplier"] == "1.00"  # public, like the rates
    body = {
        "confidential_multiplier": "2",
        "large_company_multiplier": "1.3",
        "staff_rate_jpy": 3000,
        "registration_number": "T8000020130001",
        "usage_report_due_days": 14,
    }
    assert client_for(world.staff_b).put(url, body, format="json").status_code == 403
    assert client_for(world.user_a).put(url, body, format="json").status_code == 403
    bad = client_for(world.staff_a).patch(url, {"registration_number": "8000020130001"}, format="json")
    assert bad.status_code == 400 and bad.data["field"] == "registration_number"
    ok = client_for(world.staff_a).put(url, body, format="json")
    assert ok.status_code == 200, ok.data
    assert ok.data["large_company_multiplier"] == "1.30" and ok.data["usage_report_due_days"] == 14
    assert api.get(f"/api/v1/institutions/{world.inst_a.id}/").data["registration_number"] == "T8000020130001"


def test_the_instrument_page_shows_the_policy_and_the_large_company_price_it_charges(world, sem, policy, client):
    body = client.get(f"/instruments/{sem.id}/").content.decode()
    table = body.split('id="fee-policy"')[0]
    assert "5,850円" in table and "9,000円" not in table  # 4,500 × 1.3 replaces the instrument's 9,000 large rate
    notes = body.split('id="fee-policy"')[1].split("</ul>")[0]
    assert "×2" in notes and "×1.5" in notes and "×1.3" in notes and "3,000円" in notes
