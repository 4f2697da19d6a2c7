"""Registration (利用登録), its approval, and requests to join a registered company, through the services."""

import pytest
from allauth.account.models import EmailAddress

from backend.errors import Conflict, DomainError, NotFound, PermissionDenied
from consortia.models import Company, Role
from consortia.selectors import access_for
from notifications.models import Notification
from registrations import selectors, services
from registrations.models import CompanyRegistration, JoinRequest, RegistrationPolicy, Status
from tests.factories import UserFactory, give_role, valid_corporate_number

from .conftest import NUMBER, verified_user

pytestmark = pytest.mark.django_db


def test_a_verified_user_registers_a_company_that_waits_for_the_secretariat(registrant, pending, world):
    assert isinstance(pending, CompanyRegistration) and pending.status == Status.PENDING
    assert not Company.objects.filter(corporate_number=NUMBER).exists()
    assert not access_for(registrant).member_of  # no role before approval
    assert list(selectors.registrations_to_decide(world.secretariat)) == [pending]
    mail = Notification.objects.get(recipient=world.secretariat)
    assert "小樽精機株式会社" in mail.subject and f"/registrations/{pending.pk}/" in mail.body


def test_approval_creates_the_company_makes_the_registrant_its_admin_and_records_who(registrant, pending, world):
    services.approve_registration(actor=world.secretariat, registration_id=pending.pk)
    pending.refresh_from_db()
    company = Company.objects.get(corporate_number=NUMBER)
    assert pending.status == Status.APPROVED and pending.company == company
    assert pending.decided_by == world.secretariat and pending.decided_at is not None
    assert (company.name, company.size, company.prefecture) == ("小樽精機株式会社", "sme", "北海道")
    assert Role.objects.filter(user=registrant, kind=Role.Kind.COMPANY_ADMIN, company=company).exists()
    assert selectors.billing_contact_of(company).billing_email == "keiri@otaru-seiki.example.jp"
    mail = Notification.objects.get(recipient=registrant)
    assert "承認" in mail.subject  # the registrant's language (Japanese by default)


def test_the_approval_email_is_in_the_registrants_language(registrant, pending, world):
    registrant.language = "en"
    registrant.save()
    services.approve_registration(actor=world.secretariat, registration_id=pending.pk)
    mail = Notification.objects.get(recipient=registrant)
    assert mail.subject == "[Kyoyo] Your company registration is approved: 小樽精機株式会社"


def test_refusal_needs_a_reason_which_is_emailed_and_the_registrant_may_register_again(
    registrant, pending, world, fields
):
    with pytest.raises(DomainError) as refused:
        services.refuse_registration(actor=world.secretariat, registration_id=pending.pk, reason="  ")
    assert refused.value.code == "reason_required" and refused.value.field == "reason"
    services.refuse_registration(actor=world.secretariat, registration_id=pending.pk, reason="住所が確認できません")
    pending.refresh_from_db()
    assert pending.status == Status.REFUSED and pending.decided_by == world.secretariat
    assert "住所が確認できません" in Notification.objects.get(recipient=registrant).body
    again = services.register_company(actor=registrant, **{**fields, "address": "小樽市色内1-2"})
    assert again.status == Status.PENDING and again.pk != pending.pk


@pytest.mark.parametrize("who", ["other_secretariat", "staff", "company_admin", "registrant", "nobody"])
def test_nobody_else_may_decide(who, registrant, pending, world):
    people = {
        "other_secretariat": lambda: give_role(UserFactory(), "secretariat", consortium=world.tama).user,
        "staff": lambda: world.staff_a,  # the policy says secretariat
        "company_admin": lambda: world.user_a,
        "registrant": lambda: registrant,
        "nobody": UserFactory,
    }
    actor = people[who]()
    for verb in (
        lambda: services.approve_registration(actor=actor, registration_id=pending.pk),
        lambda: services.refuse_registration(actor=actor, registration_id=pending.pk, reason="no"),
    ):
        with pytest.raises((PermissionDenied, NotFound)):
            verb()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING and not Company.objects.filter(corporate_number=NUMBER).exists()


def test_with_the_institution_staff_policy_the_chosen_institutions_staff_decide_and_the_secretariat_does_not(
    registrant, world, fields
):
    services.set_registration_policy(actor=world.secretariat, consortium=world.hokkaido, approver="institution_staff")
    registration = services.register_company(actor=registrant, **fields, institution=world.inst_a)
    assert list(selectors.registrations_to_decide(world.staff_a)) == [registration]
    assert not selectors.registrations_to_decide(world.staff_b).exists()  # staff of another institution
    with pytest.raises(NotFound):
        services.approve_registration(actor=world.secretariat, registration_id=registration.pk)
    with pytest.raises(NotFound):
        services.approve_registration(actor=world.staff_b, registration_id=registration.pk)
    services.approve_registration(actor=world.staff_a, registration_id=registration.pk)
    registration.refresh_from_db()
    assert registration.decided_by == world.staff_a


def test_only_the_consortiums_secretariat_sets_the_policy(world):
    for actor in (world.staff_a, world.user_a, give_role(UserFactory(), "secretariat", consortium=world.tama).user):
        with pytest.raises(PermissionDenied):
            services.set_registration_policy(actor=actor, consortium=world.hokkaido, approver="institution_staff")
    assert not RegistrationPolicy.objects.exists()
    with pytest.raises(DomainError):
        services.set_registration_policy(actor=world.secretariat, consortium=world.hokkaido, approver="anyone")


def test_registration_before_email_verification_is_refused(world, fields):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    with pytest.raises(PermissionDenied) as refused:
        services.register_company(actor=user, **fields)
    assert refused.value.code == "email_not_verified"
    assert not CompanyRegistration.objects.exists()


def test_a_user_of_a_company_cannot_register_another(world, fields):
    with pytest.raises(Conflict) as refused:
        services.register_company(actor=world.user_a, **fields)
    assert refused.value.code == "already_in_company"


def test_one_pending_registration_per_person_and_per_corporate_number(registrant, pending, fields):
    with pytest.raises(Conflict):
        services.register_company(actor=registrant, **{**fields, "corporate_number": valid_corporate_number(7)})
    with pytest.raises(Conflict) as refused:
        services.register_company(actor=verified_user(), **fields)
    assert refused.value.code == "number_pending"
    assert CompanyRegistration.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"corporate_number": "1234567890123"}, "corporate_number"),
        ({"corporate_number": "12345"}, "corporate_number"),
        ({"name": "改行\n入り"}, "name"),
        ({"size": "huge"}, "size"),
        ({"billing_email": "not-an-address"}, "billing_email"),
        ({"prefecture": "ニューヨーク"}, "prefecture"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(registrant, fields, change, field):
    with pytest.raises(DomainError) as refused:
        services.register_company(actor=registrant, **{**fields, **change})
    assert refused.value.field == field
    assert not CompanyRegistration.objects.exists()


def test_an_institution_outside_the_chosen_consortium_is_refused(registrant, fields, world):
    with pytest.raises(DomainError) as refused:
        services.register_company(actor=registrant, **fields, institution=world.inst_c)  # TAMA only
    assert refused.value.field == "institution"


def test_a_registered_corporate_number_becomes_a_join_request_not_a_second_company(world, fields):
    user = verified_user()
    filed = services.register_company(actor=user, **{**fields, "corporate_number": world.company_a.corporate_number})
    assert isinstance(filed, JoinRequest) and filed.company == world.company_a and filed.status == Status.PENDING
    assert Company.objects.filter(corporate_number=world.company_a.corporate_number).count() == 1
    assert not CompanyRegistration.objects.exists()
    assert list(selectors.join_requests_to_decide(world.user_a)) == [filed]
    assert "/company/join-requests/" in Notification.objects.get(recipient=world.user_a).body
    with pytest.raises(Conflict):  # asking twice
        services.register_company(actor=user, **{**fields, "corporate_number": world.company_a.corporate_number})


def test_a_join_request_is_decided_by_that_companys_admin_only(world, fields):
    user = verified_user()
    filed = services.register_company(actor=user, **{**fields, "corporate_number": world.company_a.corporate_number})
    other_admin = give_role(UserFactory(), "company_admin", company=world.company_b).user
    for actor in (other_admin, world.secretariat, world.staff_a):
        with pytest.raises(NotFound):
            services.approve_join_request(actor=actor, join_request_id=filed.pk)
    with pytest.raises(PermissionDenied):
        services.approve_join_request(actor=user, join_request_id=filed.pk)
    services.approve_join_request(actor=world.user_a, join_request_id=filed.pk)
    filed.refresh_from_db()
    assert filed.status == Status.APPROVED and filed.decided_by == world.user_a
    assert Role.objects.filter(user=user, kind=Role.Kind.COMPANY_MEMBER, company=world.company_a).exists()
    with pytest.raises(Conflict):
        services.refuse_join_request(actor=world.user_a, join_request_id=filed.pk, reason="遅い")


def test_a_refused_join_request_tells_the_reason(world, fields):
    user = verified_user()
    filed = services.register_company(actor=user, **{**fields, "corporate_number": world.company_a.corporate_number})
    services.refuse_join_request(actor=world.user_a, join_request_id=filed.pk, reason="当社の社員ではありません")
    assert not access_for(user).member_of
    assert "当社の社員ではありません" in Notification.objects.get(recipient=user).body


def test_the_registrant_withdraws_and_nobody_else_can(registrant, pending, world):
    with pytest.raises(NotFound):
        services.withdraw_registration(actor=world.secretariat, registration_id=pending.pk)
    services.withdraw_registration(actor=registrant, registration_id=pending.pk)
    pending.refresh_from_db()
    assert pending.status == Status.WITHDRAWN
    with pytest.raises(Conflict):
        services.approve_registration(actor=world.secretariat, registration_id=pending.pk)


def test_a_decision_on_a_registration_decided_meanwhile_is_refused(pending, world):
    stale = CompanyRegistration.objects.get(pk=pending.pk)
    services.refuse_registration(actor=world.secretariat, registration_id=pending.pk, reason="重複")
    with pytest.raises(Conflict) as refused:
        services.approve_registration(actor=world.secretariat, registration_id=stale.pk)
    assert refused.value.code == "already_decided"
    assert not Company.objects.filter(corporate_number=NUMBER).exists()
