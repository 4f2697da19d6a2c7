"""What a verified assertion means for the product (sso.rules, sso.services), without SAML around it."""

import pytest
from allauth.account.models import EmailAddress

from backend.errors import DomainError
from consortia.models import Role, User
from sso import services
from sso.models import InstitutionScope, SsoIdentity
from sso.rules import Assertion, read_assertion
from tests.factories import UserFactory

IDP = "https://idp.example-u.ac.jp/idp/shibboleth"


def assertion(**fields) -> Assertion:
    values = {
        "eppn": "taro@example-u.ac.jp",
        "email": "taro@example-u.ac.jp",
        "last_name": "山田",
        "first_name": "太郎",
        "affiliations": (("faculty", "example-u.ac.jp"),),
    }
    values.update(fields)
    return Assertion(**values)


def test_attributes_are_read_by_friendly_or_oid_names_japanese_names_first():
    read = read_assertion(
        {
            "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": ["taro@example-u.ac.jp"],
            "mail": ["taro@example-u.ac.jp"],
            "urn:oid:1.3.6.1.4.1.32264.1.1.1": ["山田"],
            "urn:oid:1.3.6.1.4.1.32264.1.1.2": ["太郎"],
            "sn": ["Yamada"],
            "givenName": ["Taro"],
            "eduPersonScopedAffiliation": ["Faculty@Example-U.ac.jp", "affiliate@other.ac.jp", "no-scope"],
        }
    )
    assert (read.eppn, read.last_name, read.first_name) == ("taro@example-u.ac.jp", "山田", "太郎")
    assert read.affiliations == (("faculty", "example-u.ac.jp"), ("affiliate", "other.ac.jp"))
    assert read.member_scopes == ["example-u.ac.jp"]
    assert read_assertion(
        {"sn": ["Yamada"], "givenName": ["Taro"], "eduPersonPrincipalName": ["t@x.jp"]}
    ).last_name == ("Yamada")
    assert read_assertion({"mail": ["t@x.jp"]}) is None  # no identity


@pytest.mark.django_db
def test_a_first_login_creates_a_researcher_with_a_verified_address_and_no_password(member_university):
    user = services.sign_in(assertion=assertion(), idp=IDP, language="en")

    assert (user.language, user.has_usable_password()) == ("en", False)
    assert Role.objects.get(user=user).institution == member_university
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).count() == 1
    assert services.sign_in(assertion=assertion(), idp=IDP) == user
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_name_with_control_characters_is_left_out_not_stored(member_university):
    user = services.sign_in(assertion=assertion(last_name="山\x00田", first_name="太郎"), idp=IDP)
    assert (user.last_name, user.first_name) == ("", "太郎")


@pytest.mark.django_db
def test_a_display_name_alone_becomes_the_name(member_university):
    user = services.sign_in(assertion=assertion(last_name="", first_name="", display_name="山田 太郎"), idp=IDP)
    assert user.last_name == "山田 太郎"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, code",
    [
        ({"affiliations": (("faculty", "unknown.ac.jp"),)}, "institution_not_member"),
        ({"affiliations": (("affiliate", "example-u.ac.jp"),)}, "not_member_affiliation"),
        ({"affiliations": ()}, "institution_not_member"),
        ({"email": ""}, "no_email"),
    ],
)
def test_refusals_store_nothing(member_university, fields, code):
    with pytest.raises(DomainError) as refused:
        services.sign_in(assertion=assertion(**fields), idp=IDP)
    assert refused.value.code == code and refused.value.status in (403, 409)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_address_that_has_an_account_is_not_taken_by_a_second_account(member_university):
    UserFactory(email="taro@example-u.ac.jp")
    with pytest.raises(DomainError) as refused:
        services.sign_in(assertion=assertion(), idp=IDP)
    assert refused.value.code == "email_in_use"
    assert not SsoIdentity.objects.exists()


@pytest.mark.django_db
def test_a_scope_of_an_institution_that_left_its_consortium_makes_no_researcher(former_member):
    with pytest.raises(DomainError) as refused:
        services.sign_in(assertion=assertion(affiliations=(("staff", "former-u.ac.jp"),)), idp=IDP)
    assert refused.value.code == "institution_not_member"


@pytest.mark.django_db
def test_linking_refuses_a_second_identity_and_someone_elses(member_university):
    person, other = UserFactory(), UserFactory()
    services.link_identity(user=person, assertion=assertion(), idp=IDP)
    services.link_identity(user=person, assertion=assertion(), idp=IDP)  # again: nothing changes

    with pytest.raises(DomainError) as taken:
        services.link_identity(user=other, assertion=assertion(), idp=IDP)
    with pytest.raises(DomainError) as second:
        services.link_identity(user=person, assertion=assertion(eppn="jiro@example-u.ac.jp"), idp=IDP)

    assert (taken.value.code, second.value.code) == ("linked_to_another", "already_linked")
    assert SsoIdentity.objects.get().user == person


@pytest.mark.django_db
def test_linking_and_unlinking_act_on_the_account_as_it_is_now(member_university):
    person = UserFactory()
    stale = User.objects.get(pk=person.pk)
    User.objects.filter(pk=person.pk).update(is_active=False)

    with pytest.raises(DomainError) as refused:
        services.link_identity(user=stale, assertion=assertion(), idp=IDP)
    assert refused.value.code == "deactivated"

    with pytest.raises(DomainError) as not_linked:
        services.unlink_identity(user=UserFactory())
    assert not_linked.value.code == "not_linked"


@pytest.mark.django_db
def test_scopes_are_kept_in_lower_case(member_university):
    scope = InstitutionScope(institution=member_university, scope=" Other-U.AC.JP ")
    scope.full_clean()
    scope.save()
    assert InstitutionScope.objects.filter(scope="other-u.ac.jp").exists()


@pytest.mark.django_db
def test_unlinking_decides_on_the_password_as_it_is_now(member_university):
    person = UserFactory()
    services.link_identity(user=person, assertion=assertion(), idp=IDP)
    stale = User.objects.get(pk=person.pk)  # had a password when it was loaded
    fresh = User.objects.get(pk=person.pk)
    fresh.set_unusable_password()
    fresh.save()

    with pytest.raises(DomainError) as refused:
        services.unlink_identity(user=stale)

    assert refused.value.code == "only_way_in"
    assert SsoIdentity.objects.filter(user=person).exists()
