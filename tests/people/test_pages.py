"""The roles pages and the invitation page: what they offer, what they refuse, and a forged role in the POST."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from consortia.models import Role, RoleChange, User
from people.models import Invitation
from people.services import invite
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db

PASSWORD = "a long unusual pass 42"


def logged_in(client, user):
    client.force_login(user)
    return client


def test_the_company_page_lists_roles_and_offers_what_the_table_allows(client, w):
    member = UserFactory(email="member@example.jp", last_name="同僚")
    give_role(member, "company_member", company=w.company, actor=w.company_admin, via="")
    page = logged_in(client, w.company_admin).get("/company/people/")
    html = page.content.decode()
    assert page.status_code == 200 and "member@example.jp" in html and "同僚" in html
    assert 'value="company_member"' in html and 'value="company_admin"' in html and 'value="staff"' not in html
    assert f"/people/roles/{Role.objects.get(user=member).pk}/revoke/" in html
    listed = {role.user: role for role in page.context["roles"]}
    assert listed[member].granted_by == w.company_admin and listed[member].since is not None
    assert listed[w.company_admin].granted_by is None and listed[w.company_admin].since is not None  # the system


@pytest.mark.parametrize(
    ("user", "url", "status"),
    [
        ("other_admin", "/company/people/?company={company}", 404),  # another company's page
        ("institution_admin", "/company/people/", 403),
        ("company_admin", "/staff/people/", 403),
        ("company_admin", "/consortium/{consortium}/people/", 403),
        ("institution_admin", "/staff/people/?institution={outsider}", 404),
        ("secretariat", "/consortium/{other_consortium}/people/", 404),
        ("secretariat", "/consortium/{consortium}/people/", 200),
        ("superuser", "/consortium/{other_consortium}/people/", 200),
        ("institution_admin", "/staff/people/", 200),
    ],
)
def test_each_page_refuses_who_does_not_administer_it(client, w, user, url, status):
    ids = {
        "company": w.company.pk,
        "consortium": w.consortium.pk,
        "other_consortium": w.other_consortium.pk,
        "outsider": w.outsider.pk,
    }
    assert logged_in(client, getattr(w, user)).get(url.format(**ids)).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, w):
    response = client.get("/company/people/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_inviting_from_the_page_sends_the_invitation(client, w):
    response = logged_in(client, w.company_admin).post(
        f"/company/people/?company={w.company.pk}", {"email": "new@example.jp", "role": "company_member"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().kind == "company_member"


def test_a_role_the_page_did_not_offer_is_refused_and_nothing_stored(client, w):
    response = logged_in(client, w.company_admin).post(
        "/company/people/", {"email": "new@example.jp", "role": "institution_admin"}
    )
    assert response.status_code == 400 and not Invitation.objects.exists()


def test_revoking_from_another_company_is_a_404_and_confirmed_revocation_is_recorded(client, w):
    member = UserFactory()
    role = give_role(member, "company_member", company=w.company)
    assert logged_in(client, w.other_admin).post(f"/people/roles/{role.pk}/revoke/").status_code == 404
    client.force_login(w.company_admin)
    assert client.get(f"/people/roles/{role.pk}/revoke/").status_code == 200
    response = client.post(f"/people/roles/{role.pk}/revoke/", {"reason": "退職", "back": "/company/people/"})
    assert response.status_code == 302 and response["Location"] == "/company/people/"
    assert RoleChange.objects.get(user=member, action="revoked").reason == "退職"


def test_the_last_admin_is_told_why_they_cannot_leave(client, w):
    give_role(UserFactory(), "company_member", company=w.company)
    role = Role.objects.get(user=w.company_admin)
    response = logged_in(client, w.company_admin).post(f"/people/roles/{role.pk}/revoke/", {"reason": ""})
    assert response.status_code == 400 and Role.objects.filter(pk=role.pk).exists()


def test_invitation_actions_on_another_companys_invitation_are_404(client, w):
    invitation, _key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    client.force_login(w.other_admin)
    for action in ("resend", "revoke"):
        assert client.post(f"/people/invitations/{invitation.pk}/{action}/").status_code == 404
    client.force_login(w.company_admin)
    assert client.post(f"/people/invitations/{invitation.pk}/revoke/").status_code == 302
    assert Invitation.objects.get().revoked_by == w.company_admin


def test_a_logged_in_user_accepts_and_a_forged_role_in_the_post_is_ignored(client, w):
    _inv, key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    user = UserFactory(email="a@example.jp")
    client.force_login(user)
    page = client.get(f"/invitations/{key}/")
    assert page.status_code == 200 and w.company.name in page.content.decode()
    forged = {"kind": "company_admin", "company": w.other_company.pk, "institution": w.member.pk, "role": "staff"}
    assert client.post(f"/invitations/{key}/", forged).status_code == 302
    assert list(Role.objects.filter(user=user).values_list("kind", "company")) == [("company_member", w.company.pk)]


def test_an_anonymous_visitor_creates_the_account_and_lands_home_logged_in(client, w):
    _inv, key = invite(actor=w.company_admin, email="new@example.jp", kind="company_member", company=w.company)
    page = client.get(f"/invitations/{key}/")
    assert page.status_code == 200 and "/terms/" in page.content.decode() and "/privacy/" in page.content.decode()
    form = {
        "last_name": "山田",
        "first_name": "太郎",
        "last_name_kana": "やまだ",
        "first_name_kana": "たろう",
        "language": "ja",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accepts_terms": "on",
        "accepts_privacy": "on",
        "kind": "company_admin",
    }
    response = client.post(f"/invitations/{key}/", form)
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="new@example.jp")
    assert user.last_name_kana == "ヤマダ"
    assert list(Role.objects.filter(user=user).values_list("kind", flat=True)) == ["company_member"]
    assert client.get("/").context["user"] == user


def test_the_account_form_refuses_differing_passwords_and_unticked_terms(client, w):
    _inv, key = invite(actor=w.company_admin, email="new@example.jp", kind="company_member", company=w.company)
    form = {"last_name": "山田", "first_name": "太郎", "language": "ja", "password1": PASSWORD, "password2": "other"}
    response = client.post(f"/invitations/{key}/", form)
    assert response.status_code == 400 and not User.objects.filter(email="new@example.jp").exists()


@pytest.mark.parametrize("state", ["used", "revoked", "expired"])
def test_a_link_that_can_no_longer_be_used_is_a_clear_410(client, w, state):
    invitation, key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    change = {
        "used": {"accepted_at": timezone.now()},
        "revoked": {"revoked_at": timezone.now()},
        "expired": {"expires_at": timezone.now() - timedelta(minutes=1)},
    }[state]
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    for method in (client.get, client.post):
        response = method(f"/invitations/{key}/")
        assert response.status_code == 410 and 'id="why"' in response.content.decode()
    assert client.get("/invitations/nonsense/").status_code == 404


def test_the_accept_post_is_rate_limited_per_address(client, w, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"invitation_accept": "2/hour"}}
    cache.clear()
    _inv, key = invite(actor=w.company_admin, email="a@example.jp", kind="company_member", company=w.company)
    statuses = [client.post(f"/invitations/{key}/", {}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    cache.clear()
