"""An institution's fees and billing details (issue #22): kept by its administrators only, on one page and through
the API, through one service that validates beside the models; bad input names the field and stores nothing."""

from datetime import date
from decimal import Decimal

import pytest

from backend.errors import DomainError, PermissionDenied
from consortia.billing import end_of_next_month
from consortia.models import BillingDetails, FeePolicy
from consortia.selectors import billing_details_of, may_administer_institution
from consortia.services import update_institution_details
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db

PAGE = "/staff/institution/"
ACCOUNT = {
    "bank_name": "北洋銀行",
    "bank_branch": "札幌中央支店",
    "account_type": "ordinary",
    "account_number": "0123456",
    "account_holder": "ちほうどくりつぎょうせいほうじん",  # typed in hiragana: stored as the bank writes it
}
FORM = {
    "confidential_multiplier": "2.00",
    "outside_region_multiplier": "1.50",
    "large_company_multiplier": "",
    "staff_rate_jpy": "3000",
    **ACCOUNT,
    "payment_term": "days_after_issue",
    "payment_days": "20",
    "quotation_valid_days": "45",
    "contact_department": "企画調整部 会計担当",
    "contact_phone": "011-747-2211",
    "contact_email": "kaikei@example.jp",
    "registration_number": "T8000020130001",
    "usage_report_due_days": "30",
}


@pytest.fixture
def others(world):
    """Every role but the institution's administrator, each on institution A's side where the role allows."""

    def user(name, kind, **scope):
        person = UserFactory(username=name)
        give_role(person, kind, **scope)
        return person

    admin_b = user("admin_b", "institution_admin", institution=world.inst_b)
    return {
        "staff of the institution": user("staff_only", "staff", institution=world.inst_a),
        "researcher of the institution": user("researcher", "researcher", institution=world.inst_a),
        "staff of another institution": world.staff_b,
        "administrator of another institution": admin_b,
        "secretariat of its consortium": world.secretariat,
        "coordinator of its consortium": user("coordinator", "coordinator", consortium=world.hokkaido),
        "company admin": world.user_a,
        "company member": world.user_b,
        "nobody": UserFactory(username="nobody"),
    }


def test_the_administrator_saves_everything_on_one_page(world, client):
    client.force_login(world.staff_a)
    page = client.get(PAGE)
    assert page.status_code == 200
    body = page.content.decode()
    for name in FORM:
        assert f'name="{name}"' in body, name
    saved = client.post(PAGE, {**FORM, "institution": world.inst_a.id})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    billing = BillingDetails.objects.get(institution=world.inst_a)
    assert billing.account_holder == "チホウドクリツギョウセイホウジン" and billing.has_payment_details
    assert billing.payment_due(date(2026, 11, 12)) == date(2026, 12, 2)
    policy = FeePolicy.objects.get(institution=world.inst_a)
    assert policy.confidential_multiplier == Decimal("2") and policy.large_company_multiplier is None
    world.inst_a.refresh_from_db()
    assert world.inst_a.registration_number == "T8000020130001"


@pytest.mark.parametrize(
    "field, value",
    [
        ("account_number", "12-3456"),  # 7 digits
        ("account_holder", "Hokkaido 研究機構"),  # katakana
        ("contact_phone", "call us"),
        ("payment_days", "200"),
        ("quotation_valid_days", "0"),
        ("confidential_multiplier", "0"),
        ("registration_number", "T8000020130002"),  # check digit
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(world, client, field, value):
    client.force_login(world.staff_a)
    answer = client.post(PAGE, {**FORM, field: value, "institution": world.inst_a.id})
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert field in errors, errors
    assert not BillingDetails.objects.exists() and not FeePolicy.objects.exists()
    world.inst_a.refresh_from_db()
    assert world.inst_a.registration_number == ""


def test_payment_details_are_all_or_nothing(world):
    with pytest.raises(DomainError) as refused:
        update_institution_details(actor=world.staff_a, institution=world.inst_a, bank_name="北洋銀行")
    assert refused.value.field == "bank_branch" and refused.value.status == 400
    assert not BillingDetails.objects.exists()
    billing = billing_details_of(world.inst_a)
    assert not billing.has_payment_details and billing.pk is None  # the defaults, not written


def test_a_fee_policy_change_writes_no_billing_details(world):
    """Billing details an administrator never saved stay unsaved defaults (the demo sets its own only where none
    were saved: a default row written by a fee change hid them)."""
    update_institution_details(actor=world.staff_a, institution=world.inst_a, confidential_multiplier=Decimal("2"))
    assert FeePolicy.objects.get(institution=world.inst_a).confidential_multiplier == 2
    assert not BillingDetails.objects.exists()


def test_every_other_role_is_refused_by_the_service_the_page_and_the_api(world, client, client_for, others):
    assert may_administer_institution(world.staff_a, world.inst_a.id)
    for role, user in others.items():
        assert not may_administer_institution(user, world.inst_a.id), role
        with pytest.raises(PermissionDenied):
            update_institution_details(actor=user, institution=world.inst_a, staff_rate_jpy=1)
        client.force_login(user)
        page = client.get(f"{PAGE}?institution={world.inst_a.id}")
        assert page.status_code in (403, 404), role
        posted = client.post(PAGE, {**FORM, "institution": world.inst_a.id})
        assert posted.status_code in (403, 404), role
        api = client_for(user).patch(
            f"/api/v1/institutions/{world.inst_a.id}/billing/", {"payment_days": 20}, format="json"
        )
        assert api.status_code in (403, 404), (role, api.status_code)
        fees = client_for(user).patch(
            f"/api/v1/institutions/{world.inst_a.id}/fee-policy/", {"staff_rate_jpy": 1}, format="json"
        )
        assert fees.status_code in (401, 403), (role, fees.status_code)
    assert not BillingDetails.objects.exists() and not FeePolicy.objects.exists()
    client.logout()
    assert client.get(PAGE).status_code == 302  # to the login


def test_the_api_reads_to_staff_and_writes_for_administrators(world, client_for, others):
    url = f"/api/v1/institutions/{world.inst_a.id}/billing/"
    assert client_for(others["staff of the institution"]).get(url).data["quotation_valid_days"] == 30
    assert client_for(world.user_a).get(url).status_code == 404
    refused = client_for(world.staff_a).patch(url, {**ACCOUNT, "account_number": "123"}, format="json")
    assert refused.status_code == 400 and "account_number" in refused.data
    saved = client_for(world.staff_a).patch(url, {**ACCOUNT, "quotation_valid_days": 60}, format="json")
    assert saved.status_code == 200 and saved.data["account_holder"] == "チホウドクリツギョウセイホウジン"
    assert saved.data["quotation_valid_days"] == 60


@pytest.mark.parametrize(
    "issued, due",
    [
        (date(2026, 11, 12), date(2026, 12, 31)),
        (date(2026, 12, 1), date(2027, 1, 31)),
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 5), date(2028, 2, 29)),
    ],
)
def test_the_end_of_the_next_month(issued, due):
    assert end_of_next_month(issued) == due
