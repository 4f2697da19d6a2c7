"""Closing an account: what is kept (the row and everything that points at it), what is removed, who may, and the
last company admin who must hand over first."""

from datetime import time, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from accounts.deactivation import confirm_deactivation, deactivate_account
from backend.errors import Conflict, DomainError, PermissionDenied
from bookings import services as booking_services
from bookings.models import Booking, CalendarFeed
from consortia.models import ApiToken, Role, User
from consortia.services import issue_api_token
from consultations.models import ExpertProfile
from tests.factories import UserFactory, give_role
from tests.invoices.conftest import completed

pytestmark = pytest.mark.django_db


def with_everything(user):
    """The person's address records, a second factor, a session, a token and a calendar feed."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    UserSession.objects.create(user=user, session_key=store.session_key, ip="192.0.2.1", user_agent="Firefox/1")
    issue_api_token(user=user, name="script")
    booking_services.calendar_feed_of(actor=user)
    return store.session_key


def test_closing_keeps_the_row_and_its_bookings_and_removes_the_personal_data(world, sem, day):
    user = world.user_b
    user.last_name, user.first_name, user.last_name_kana, user.first_name_kana = "渡辺", "由美", "ワタナベ", "ユミ"
    user.save()
    booking = completed(sem, requester=user, company=world.company_b, day=day, start=time(10), minutes=60)
    session_key = with_everything(user)

    deactivate_account(actor=user, user=user)

    user = User.objects.get(pk=user.pk)
    assert not user.is_active and not user.has_usable_password()
    assert (user.last_name, user.first_name, user.last_name_kana, user.first_name_kana) == ("", "", "", "")
    assert user.email == f"user-{user.pk}@deactivated.invalid"
    assert user.username.startswith(f"deactivated-{user.pk}-") and "company_b" not in user.username
    assert user.display_name == "退会したユーザー"
    assert Booking.objects.get(pk=booking.pk).requester_id == user.pk  # kept, and still theirs
    assert not Role.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not ApiToken.objects.filter(user=user).exists()
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists() and not SessionStore().exists(session_key)
    assert not (user.receives_digests or user.receives_reminders)


def test_the_former_user_is_named_so_in_english_too(world, settings):
    from django.utils import translation

    deactivate_account(actor=world.user_b, user=world.user_b)
    with translation.override("en"):
        assert User.objects.get(pk=world.user_b.pk).display_name == "Former user"


def test_an_inactive_account_closed_by_the_admin_is_not_a_former_user(world):
    world.user_b.is_active = False
    world.user_b.save()
    assert world.user_b.display_name == "company_b"


def test_the_expert_entry_is_withdrawn_and_forgotten(world):
    ExpertProfile.objects.create(user=world.staff_a, institution=world.inst_a, listed=True, keywords="SEM", bio="…")
    give_role(world.staff_b, "staff", institution=world.inst_a)  # institution A keeps an admin-free staff
    deactivate_account(actor=world.staff_a, user=world.staff_a)
    entry = ExpertProfile.objects.get(user=world.staff_a)
    assert (entry.listed, entry.keywords, entry.bio, entry.search_text) == (False, "", "", "")


def test_a_site_operator_may_close_anothers_account_but_nobody_else_may(world):
    with pytest.raises(PermissionDenied):
        deactivate_account(actor=world.user_a, user=world.user_b)
    with pytest.raises(PermissionDenied):
        deactivate_account(actor=world.staff_a, user=world.user_b)
    assert User.objects.get(pk=world.user_b.pk).is_active
    admin = UserFactory(is_superuser=True)
    deactivate_account(actor=admin, user=world.user_b)
    assert not User.objects.get(pk=world.user_b.pk).is_active


def test_the_last_admin_of_a_company_with_members_hands_over_first(world):
    colleague = UserFactory()
    give_role(colleague, "company_member", company=world.company_a)
    with pytest.raises(Conflict) as refused:
        deactivate_account(actor=world.user_a, user=world.user_a)
    assert refused.value.code == "last_company_admin" and "札幌精密株式会社" in refused.value.message
    user = User.objects.get(pk=world.user_a.pk)
    assert user.is_active and user.roles.exists()  # nothing changed
    give_role(colleague, "company_admin", company=world.company_a)  # handed over
    deactivate_account(actor=world.user_a, user=world.user_a)
    assert not User.objects.get(pk=world.user_a.pk).is_active


def test_the_only_person_of_a_company_may_leave_it(world):
    deactivate_account(actor=world.user_a, user=world.user_a)  # company A has nobody else
    assert not User.objects.get(pk=world.user_a.pk).is_active


def test_closing_twice_is_refused(world):
    deactivate_account(actor=world.user_b, user=world.user_b)
    admin = UserFactory(is_superuser=True)
    with pytest.raises(Conflict):
        deactivate_account(actor=admin, user=User.objects.get(pk=world.user_b.pk))


def test_confirmation_takes_the_username_or_the_password(world):
    user = world.user_b
    confirm_deactivation(user=user, username="company_b")
    confirm_deactivation(user=user, password="pw")
    for wrong in ({"username": "company_a"}, {"password": "nope"}, {}):
        with pytest.raises(DomainError):
            confirm_deactivation(user=user, **wrong)


def test_a_booking_in_the_future_is_kept_too(world, sem, day):
    """Their pending request stays a record (the institution decides or it expires), under "Former user"."""
    pending = completed(
        sem,
        requester=world.user_b,
        company=world.company_b,
        day=day + timedelta(days=7),
        start=time(10),
        minutes=60,
        status="pending",
    )
    deactivate_account(actor=world.user_b, user=world.user_b)
    assert Booking.objects.get(pk=pending.pk).requester.display_name == "退会したユーザー"
    assert timezone.now()  # nothing else to see: the row is there
