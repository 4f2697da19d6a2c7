"""The one table of who may grant (and revoke) which role, and grant_role / revoke_role that enforce and record it."""

from datetime import date

import pytest

from backend.errors import Conflict, DomainError, NotFound, PermissionDenied
from consortia.grants import grantable_by, kinds_grantable, may_grant
from consortia.models import ConsortiumMembership, Role, RoleChange
from consortia.services import grant_role, revoke_role
from tests.factories import CompanyFactory, ConsortiumFactory, InstitutionFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    """Two of everything: a consortium with a member and a former member institution, another consortium with its
    own member, two companies; an administrator of each scope."""

    class World:
        pass

    s = World()
    s.consortium, s.other_consortium = ConsortiumFactory(), ConsortiumFactory()
    s.member = InstitutionFactory(consortia=[s.consortium])
    s.former = InstitutionFactory(consortia=[s.consortium])
    ConsortiumMembership.objects.filter(institution=s.former).update(left_on=date(2025, 3, 31))
    s.outsider = InstitutionFactory(consortia=[s.other_consortium])
    s.company, s.other_company = CompanyFactory(), CompanyFactory()
    s.users = {}
    for name, kind, scope in [
        ("company_admin", "company_admin", {"company": s.company}),
        ("company_member", "company_member", {"company": s.company}),
        ("institution_admin", "institution_admin", {"institution": s.member}),
        ("staff", "staff", {"institution": s.member}),
        ("researcher", "researcher", {"institution": s.member}),
        ("secretariat", "secretariat", {"consortium": s.consortium}),
        ("coordinator", "coordinator", {"consortium": s.consortium}),
    ]:
        s.users[name] = UserFactory(username=name)
        give_role(s.users[name], kind, **scope)
    s.users["superuser"] = UserFactory(username="root", is_superuser=True)
    s.users["nobody"] = UserFactory(username="nobody")
    return s


SCOPES = {
    "company": lambda w: {"company": w.company},
    "other_company": lambda w: {"company": w.other_company},
    "member": lambda w: {"institution": w.member},
    "former": lambda w: {"institution": w.former},
    "outsider": lambda w: {"institution": w.outsider},
    "consortium": lambda w: {"consortium": w.consortium},
    "other_consortium": lambda w: {"consortium": w.other_consortium},
}
KIND_SCOPES = {
    "company_member": ("company", "other_company"),
    "company_admin": ("company", "other_company"),
    "staff": ("member", "outsider"),
    "researcher": ("member", "outsider"),
    "institution_admin": ("member", "former", "outsider"),
    "coordinator": ("consortium", "other_consortium"),
    "secretariat": ("consortium", "other_consortium"),
}
ALLOWED = {
    ("company_admin", "company_member", "company"),
    ("company_admin", "company_admin", "company"),
    ("institution_admin", "staff", "member"),
    ("institution_admin", "researcher", "member"),
    ("institution_admin", "institution_admin", "member"),
    ("secretariat", "institution_admin", "member"),  # a current member institution only
    ("secretariat", "coordinator", "consortium"),
    ("secretariat", "secretariat", "consortium"),
}
ACTORS = ["company_admin", "company_member", "institution_admin", "staff", "researcher", "secretariat", "coordinator"]
COMBINATIONS = [(a, k, s) for a in ACTORS for k, scopes in KIND_SCOPES.items() for s in scopes]


@pytest.mark.parametrize(("actor", "kind", "scope"), COMBINATIONS)
def test_the_table_allows_exactly_its_rows(w, actor, kind, scope):
    allowed = (actor, kind, scope) in ALLOWED
    assert may_grant(w.users[actor], kind, **SCOPES[scope](w)) is allowed
    target = UserFactory()
    if allowed:
        role = grant_role(user=target, kind=kind, actor=w.users[actor], **SCOPES[scope](w))
        assert RoleChange.objects.get(user=target, action="granted").actor == w.users[actor]
        revoke_role(actor=w.users[actor], role=role, reason="test")
        assert not Role.objects.filter(pk=role.pk).exists()
    else:
        with pytest.raises(PermissionDenied) as refused:
            grant_role(user=target, kind=kind, actor=w.users[actor], **SCOPES[scope](w))
        assert refused.value.code == "may_not_grant"
        assert not Role.objects.filter(user=target).exists() and not RoleChange.objects.filter(user=target).exists()


@pytest.mark.parametrize(("kind", "scope"), [(k, s) for k, scopes in KIND_SCOPES.items() for s in scopes])
def test_a_site_operator_may_grant_anything_and_nobody_else_anything(w, kind, scope):
    assert may_grant(w.users["superuser"], kind, **SCOPES[scope](w))
    assert not may_grant(w.users["nobody"], kind, **SCOPES[scope](w))
    assert not may_grant(None, kind, **SCOPES[scope](w))


def test_an_inactive_admin_grants_nothing(w):
    admin = w.users["company_admin"]
    admin.is_active = False
    assert not may_grant(admin, "company_member", company=w.company)


def test_a_scope_of_the_wrong_kind_is_refused_not_a_server_error(w):
    assert not may_grant(w.users["superuser"], "company_member", institution=w.member)
    assert not may_grant(w.users["superuser"], "staff", institution=w.member, company=w.company)
    with pytest.raises(DomainError) as refused:
        grant_role(user=UserFactory(), kind="staff", company=w.company, actor=w.users["superuser"])
    assert refused.value.code == "invalid_scope"


def test_the_system_grants_only_naming_its_path(w):
    with pytest.raises(ValueError):
        grant_role(user=UserFactory(), kind="staff", institution=w.member)
    role = grant_role(user=UserFactory(), kind="staff", institution=w.member, via="sso")
    change = RoleChange.objects.get(user=role.user)
    assert (change.actor, change.via, change.action, change.scope_label) == (None, "sso", "granted", str(w.member))


def test_granting_a_role_held_already_records_nothing_new(w):
    before = RoleChange.objects.count()
    grant_role(user=w.users["staff"], kind="staff", institution=w.member, actor=w.users["institution_admin"])
    assert RoleChange.objects.count() == before


def test_what_a_page_offers_follows_the_table(w):
    offer = grantable_by(w.users["secretariat"])
    assert offer["consortium"] == {w.consortium.pk: ["secretariat", "coordinator"]}
    assert offer["institution"] == {w.member.pk: ["institution_admin"]}
    assert offer["company"] == {}
    assert grantable_by(w.users["company_admin"])["company"] == {w.company.pk: ["company_member", "company_admin"]}
    assert grantable_by(w.users["staff"]) == {"institution": {}, "consortium": {}, "company": {}}
    assert kinds_grantable(w.users["institution_admin"], institution=w.member) == [
        "staff",
        "institution_admin",
        "researcher",
    ]
    assert w.other_company.pk in grantable_by(w.users["superuser"])["company"]


def test_revocation_is_recorded_with_actor_and_reason(w):
    role = Role.objects.get(user=w.users["company_member"])
    revoke_role(actor=w.users["company_admin"], role=role, reason="left the company")
    change = RoleChange.objects.get(user=w.users["company_member"], action="revoked")
    assert (change.actor, change.reason, change.kind) == (
        w.users["company_admin"],
        "left the company",
        "company_member",
    )


def test_an_admin_of_one_company_may_not_revoke_in_another(w):
    stranger = UserFactory()
    role = give_role(stranger, "company_member", company=w.other_company)
    with pytest.raises(PermissionDenied) as refused:
        revoke_role(actor=w.users["company_admin"], role=role)
    assert refused.value.code == "may_not_revoke"
    assert Role.objects.filter(pk=role.pk).exists()


def test_the_last_company_admin_of_a_company_with_users_stays(w):
    role = Role.objects.get(user=w.users["company_admin"])
    with pytest.raises(Conflict) as refused:
        revoke_role(actor=w.users["superuser"], role=role)
    assert refused.value.code == "last_company_admin"
    second = UserFactory()
    give_role(second, "company_admin", company=w.company)
    revoke_role(actor=second, role=role)  # another admin remains
    assert not Role.objects.filter(pk=role.pk).exists()


def test_nobody_revokes_their_own_last_admin_role_of_a_scope(w):
    role = Role.objects.get(user=w.users["secretariat"])
    with pytest.raises(Conflict) as refused:
        revoke_role(actor=w.users["secretariat"], role=role)
    assert refused.value.code == "last_admin"
    give_role(UserFactory(), "secretariat", consortium=w.consortium)
    revoke_role(actor=w.users["secretariat"], role=role)  # a colleague keeps the office
    assert not Role.objects.filter(pk=role.pk).exists()


def test_a_role_revoked_meanwhile_is_not_found(w):
    role = Role.objects.get(user=w.users["staff"])
    revoke_role(actor=w.users["institution_admin"], role=role)
    with pytest.raises(NotFound):
        revoke_role(actor=w.users["institution_admin"], role=role)


def test_an_approved_registration_records_its_company_admin(world):
    """The system grants the registrant company admin (via "registration"); the registration keeps who decided."""
    from allauth.account.models import EmailAddress

    from registrations import services as registrations
    from tests.factories import valid_corporate_number

    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    filed = registrations.register_company(
        actor=user,
        name="株式会社ベータ",
        corporate_number=valid_corporate_number(7),
        size="sme",
        consortium=world.hokkaido,
        prefecture="北海道",
        address="札幌市中央区北1条西1-1",
        billing_name="経理部",
        billing_email="keiri@beta.example.jp",
    )
    approved = registrations.approve_registration(actor=world.secretariat, registration_id=filed.pk)
    change = RoleChange.objects.get(user=user)
    assert (change.kind, change.company, change.via, change.actor) == (
        "company_admin",
        approved.company,
        "registration",
        None,
    )
    assert approved.decided_by == world.secretariat


def test_the_admin_grants_and_revokes_through_the_services(client, w):
    root = w.users["superuser"]
    root.is_staff = True
    root.save()
    client.force_login(root)
    target = UserFactory()
    response = client.post(
        "/admin/consortia/role/add/", {"user": target.pk, "kind": "staff", "institution": w.member.pk}
    )
    assert response.status_code == 302
    role = Role.objects.get(user=target)
    assert RoleChange.objects.get(user=target, action="granted").via == "admin"
    wrong = client.post("/admin/consortia/role/add/", {"user": target.pk, "kind": "staff", "company": w.company.pk})
    assert wrong.status_code == 200 and Role.objects.filter(user=target).count() == 1  # refused on the form
    assert client.post(f"/admin/consortia/role/{role.pk}/delete/", {"post": "yes"}).status_code == 302
    change = RoleChange.objects.get(user=target, action="revoked")
    assert (change.actor, change.via) == (root, "admin")
    last = Role.objects.get(user=w.users["company_admin"])
    refused = client.post(f"/admin/consortia/role/{last.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403 and Role.objects.filter(pk=last.pk).exists()  # the company's last admin stays
