"""Invitations: who may invite, duplicates, the e-mail, single use, expiry, revocation, an inviter who lost the
right, and acceptance with a new account."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.utils import timezone

from backend.errors import Conflict, DomainError, NotFound, PermissionDenied
from consortia.models import Role, RoleChange, User
from consortia.selectors import has_accepted_terms, has_verified_email
from consortia.services import revoke_role
from notifications.models import Notification
from people.models import Invitation, hash_invitation_key
from people.services import (
    GONE,
    accept_invitation,
    accept_invitation_with_new_account,
    invite,
    resend_invitation,
    revoke_invitation,
)
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db

ACCOUNT = {"last_name": "山田", "first_name": "太郎", "last_name_kana": "ヤマダ", "first_name_kana": "タロウ"}


def new_account(key, **overrides):
    fields = {**ACCOUNT, "language": "ja", "password": "a long unusual pass 42", "accepts_terms": True, **overrides}
    return accept_invitation_with_new_account(key=key, **fields)


def test_a_company_admin_invites_and_only_the_key_hash_is_stored(w):
    invitation, key = invite(
        actor=w.company_admin, email=" Colleague@Example.JP ", kind="company_member", company=w.company
    )
    assert invitation.email == "colleague@example.jp"
    assert invitation.key_hash == hash_invitation_key(key) and key not in invitation.key_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    queued = Notification.objects.get(to_email="colleague@example.jp")
    assert f"/invitations/{key}/" in queued.body and queued.recipient is None


def test_the_email_is_in_the_inviters_page_language_or_the_account_holders(w):
    invite(actor=w.company_admin, email="new@example.jp", kind="company_member", company=w.company, language="en")
    assert "invited" in Notification.objects.get(to_email="new@example.jp").subject
    holder = UserFactory(email="holder@example.jp", language="ja")
    invite(actor=w.company_admin, email="holder@example.jp", kind="company_member", company=w.company, language="en")
    queued = Notification.objects.get(to_email="holder@example.jp")
    assert queued.recipient == holder and "招待" in queued.subject


@pytest.mark.parametrize(
    ("actor", "kind", "scope"),
    [
        ("company_admin", "company_member", "other_company"),  # another company
        ("company_admin", "staff", "member"),  # a role the table does not give them
        ("institution_admin", "staff", "outsider"),
        ("secretariat", "institution_admin", "outsider"),  # not a member of their consortium
        ("other_admin", "company_admin", "company"),
    ],
)
def test_an_invitation_the_table_does_not_allow_is_refused(w, actor, kind, scope):
    target = {"company": w.company, "other_company": w.other_company, "member": w.member, "outsider": w.outsider}
    field = "company" if "company" in scope else "institution"
    with pytest.raises(PermissionDenied) as refused:
        invite(actor=getattr(w, actor), email="x@example.jp", kind=kind, **{field: target[scope]})
    assert refused.value.code == "may_not_grant"
    assert not Invitation.objects.exists() and not Notification.objects.exists()


def test_a_duplicate_pending_invitation_and_a_holder_of_the_role_are_refused(w):
    invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    with pytest.raises(Conflict) as refused:
        invite(actor=w.company_admin, email="A@example.jp", kind="company_member", company=w.company)
    assert refused.value.code == "already_invited"
    give_role(UserFactory(email="b@example.jp"), "company_member", company=w.company)
    with pytest.raises(Conflict) as refused:
        invite(actor=w.company_admin, email="b@example.jp", kind="company_member", company=w.company)
    assert refused.value.code == "already_has_role"
    with pytest.raises(DomainError) as refused:
        invite(actor=w.company_admin, email="not an address", kind="company_member", company=w.company)
    assert refused.value.field == "email"


def test_an_expired_invitation_is_renewed_with_a_new_link(w):
    invitation, old_key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    renewed, key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    assert renewed.pk == invitation.pk and key != old_key and renewed.is_pending()
    with pytest.raises(NotFound):
        accept_invitation(key=old_key, user=UserFactory())


def test_acceptance_grants_exactly_the_stored_role_as_granted_by_the_inviter(w):
    _inv, key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    user = UserFactory(email="a@example.jp")
    role = accept_invitation(key=key, user=user)
    assert (role.kind, role.company, role.user) == ("company_member", w.company, user)
    change = RoleChange.objects.get(user=user)
    assert (change.actor, change.via) == (w.company_admin, "invitation")
    assert Invitation.objects.get().accepted_by == user


def test_an_invitation_works_once(w):
    _inv, key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    accept_invitation(key=key, user=UserFactory())
    other = UserFactory()
    with pytest.raises(DomainError) as refused:
        accept_invitation(key=key, user=other)
    assert (refused.value.code, refused.value.status) == ("invitation_used", GONE)
    assert not Role.objects.filter(user=other).exists()


def test_an_expired_or_revoked_invitation_grants_nothing(w):
    expired, expired_key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_key = invite(actor=w.company_admin, email="b@example.jp", kind="company_member", company=w.company)
    revoke_invitation(actor=w.company_admin, invitation=revoked)
    user = UserFactory()
    for key, code in [(expired_key, "invitation_expired"), (revoked_key, "invitation_revoked")]:
        with pytest.raises(DomainError) as refused:
            accept_invitation(key=key, user=user)
        assert (refused.value.code, refused.value.status) == (code, GONE)
    assert not Role.objects.filter(user=user).exists()
    with pytest.raises(NotFound):
        accept_invitation(key="forged", user=user)


def test_an_inviter_who_lost_the_right_grants_nothing(w):
    _inv, key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    colleague = UserFactory()
    give_role(colleague, "company_admin", company=w.company)
    revoke_role(actor=colleague, role=Role.objects.get(user=w.company_admin))
    user = UserFactory()
    with pytest.raises(DomainError) as refused:
        accept_invitation(key=key, user=user)
    assert refused.value.code == "inviter_may_no_longer_grant"
    assert not Role.objects.filter(user=user).exists()


def test_an_admin_of_another_company_may_neither_resend_nor_revoke(w):
    invitation, _key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    for verb in (resend_invitation, revoke_invitation):
        with pytest.raises(NotFound):
            verb(actor=w.other_admin, invitation=invitation)
    assert Invitation.objects.get().is_pending()


def test_resending_makes_a_new_link_and_a_new_email(w):
    invitation, old_key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    _same, key = resend_invitation(actor=w.company_admin, invitation=invitation)
    assert key != old_key and Notification.objects.filter(to_email="a@example.jp").count() == 2
    accept_invitation(key=key, user=UserFactory())


def test_a_new_account_is_verified_has_accepted_the_terms_and_holds_the_role(w):
    _inv, key = invite(actor=w.company_admin, email="new@example.jp", kind="company_member", company=w.company)
    user = new_account(key, language="en")
    assert user.email == "new@example.jp" and user.check_password("a long unusual pass 42") and user.language == "en"
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary and has_verified_email(user)
    assert has_accepted_terms(user) and user.terms_version == settings.TERMS_VERSION
    assert Role.objects.filter(user=user, kind="company_member", company=w.company).exists()


def test_a_new_account_needs_the_terms_a_good_password_and_a_free_address(w):
    _inv, key = invite(actor=w.company_admin, email="new@example.jp", kind="company_member", company=w.company)
    for overrides, code in [({"accepts_terms": False}, "terms_required"), ({"password": "123"}, "invalid_password")]:
        with pytest.raises(DomainError) as refused:
            new_account(key, **overrides)
        assert refused.value.code == code
    with pytest.raises(DomainError):
        new_account(key, role="company_admin")  # nothing but the account's own fields is taken
    assert not User.objects.filter(email="new@example.jp").exists()
    UserFactory(email="NEW@example.jp")
    with pytest.raises(Conflict):
        new_account(key)
    assert Invitation.objects.get().is_pending()


def test_the_secretariat_invites_an_administrator_of_a_member_institution(w):
    _inv, key = invite(actor=w.secretariat, email="a@example.jp", kind="institution_admin", institution=w.member)
    role = accept_invitation(key=key, user=UserFactory())
    assert (role.kind, role.institution) == ("institution_admin", w.member)
    assert len(mail.outbox) >= 0
