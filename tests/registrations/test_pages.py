"""The registration pages, the approvers' pages, the join requests page, the home panels and the instrument page's
answer to a person whose company is not registered (or not yet approved)."""

import pytest
from allauth.account.models import EmailAddress

from bookings import services as booking_services
from consortia.models import Company, Role, User
from registrations import services
from registrations.models import CompanyRegistration, JoinRequest, RegistrationPolicy, Status
from tests.bookings.conftest import at
from tests.factories import UserFactory, give_role

from .conftest import NUMBER, verified_user

pytestmark = pytest.mark.django_db


def posted(fields) -> dict:
    return {
        **{key: value for key, value in fields.items() if key not in ("consortium", "invoices_by_email")},
        "consortium": fields["consortium"].pk,
        "invoices_by_email": "on",
    }


def test_the_form_shows_the_sme_criteria_in_the_pages_language(client, registrant):
    client.force_login(registrant)
    page = client.get("/register/company/").content.decode()
    assert 'id="sme-criteria"' in page and "3億円以下" in page and "5千万円以下" in page
    registrant.language = "en"
    registrant.save()
    english = client.get("/register/company/").content.decode()
    assert "300 million yen or less" in english and "Retail" in english


def test_registering_through_the_page_then_seeing_its_status(client, registrant, fields, world):
    client.force_login(registrant)
    response = client.post("/register/company/", posted(fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    registration = CompanyRegistration.objects.get(applicant=registrant)
    assert (registration.invoices_by_email, registration.billing_phone) == (True, "0134-00-0000")
    page = client.get("/register/company/").content.decode()
    assert 'id="registration-status"' in page and "北海道協議会の事務局" in page and '<form class="stacked' not in page


def test_bad_input_is_shown_next_to_its_field_and_nothing_is_stored(client, registrant, fields):
    client.force_login(registrant)
    response = client.post("/register/company/", {**posted(fields), "corporate_number": "1234567890123"})
    assert (
        response.status_code == 400 and "チェックディジット" in response.content.decode() or response.status_code == 400
    )
    assert not CompanyRegistration.objects.exists()


def test_an_unverified_user_is_told_to_verify_and_cannot_post(client, fields):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)
    page = client.get("/register/company/")
    assert page.status_code == 200 and 'id="not-verified"' in page.content.decode()
    assert client.post("/register/company/", posted(fields)).status_code == 403
    assert not CompanyRegistration.objects.exists()


def test_a_registered_number_on_the_page_becomes_a_join_request(client, world, fields):
    user = verified_user()
    client.force_login(user)
    client.post("/register/company/", {**posted(fields), "corporate_number": world.company_a.corporate_number})
    join_request = JoinRequest.objects.get(user=user)
    page = client.get("/register/company/").content.decode()
    assert 'id="join-request-status"' in page and "札幌精密株式会社" in page
    assert "小樽市" not in page and world.user_a.email not in page  # nothing of the company but its name
    client.post(f"/register/join/{join_request.pk}/withdraw/")
    assert JoinRequest.objects.get().status == Status.WITHDRAWN


def test_the_secretariat_sees_approves_and_the_list_empties(client, world, pending, registrant):
    client.force_login(world.secretariat)
    listing = client.get("/registrations/").content.decode()
    assert "小樽精機株式会社" in listing and f"/registrations/{pending.pk}/" in listing
    detail = client.get(f"/registrations/{pending.pk}/").content.decode()
    assert 'id="approve"' in detail and "keiri@otaru-seiki.example.jp" in detail
    assert client.post(f"/registrations/{pending.pk}/approve/").status_code == 302
    assert Role.objects.filter(user=registrant, kind="company_admin", company__corporate_number=NUMBER).exists()
    assert "承認待ちの利用登録はありません。" in client.get("/registrations/").content.decode()


def test_refusing_without_a_reason_is_400_and_with_one_refuses(client, world, pending):
    client.force_login(world.secretariat)
    response = client.post(f"/registrations/{pending.pk}/refuse/", {"reason": ""})
    assert response.status_code == 400 and CompanyRegistration.objects.get().status == Status.PENDING
    assert client.post(f"/registrations/{pending.pk}/refuse/", {"reason": "所在地の不備"}).status_code == 302
    assert CompanyRegistration.objects.get().status == Status.REFUSED


@pytest.mark.parametrize("who", ["other_secretariat", "staff", "company_admin"])
def test_others_neither_see_nor_decide(client, world, pending, who):
    actor = {
        "other_secretariat": lambda: give_role(UserFactory(), "secretariat", consortium=world.tama).user,
        "staff": lambda: world.staff_a,
        "company_admin": lambda: world.user_a,
    }[who]()
    client.force_login(actor)
    assert client.get(f"/registrations/{pending.pk}/").status_code == 404
    assert client.post(f"/registrations/{pending.pk}/approve/").status_code == 404
    assert client.post(f"/registrations/{pending.pk}/refuse/", {"reason": "x"}).status_code == 404
    assert CompanyRegistration.objects.get().status == Status.PENDING


def test_the_registrant_sees_their_own_but_cannot_decide_it(client, registrant, pending):
    client.force_login(registrant)
    page = client.get(f"/registrations/{pending.pk}/").content.decode()
    assert 'id="approve"' not in page
    assert client.post(f"/registrations/{pending.pk}/approve/").status_code == 403


def test_the_list_is_for_approvers_only(client, world):
    client.force_login(world.user_a)
    assert client.get("/registrations/").status_code == 403
    client.logout()
    assert client.get("/registrations/").status_code == 302


def test_the_secretariat_sets_who_approves_and_staff_may_not(client, world):
    client.force_login(world.secretariat)
    body = {"consortium": world.hokkaido.pk, "approver": "institution_staff"}
    assert client.post("/registrations/policy/", body).status_code == 302
    assert RegistrationPolicy.objects.get(consortium=world.hokkaido).updated_by == world.secretariat
    assert client.post("/registrations/policy/", {**body, "approver": "x"}).status_code == 400
    client.force_login(world.staff_a)
    assert client.post("/registrations/policy/", body).status_code == 403


def test_the_company_admin_decides_join_requests_on_their_page(client, world, fields):
    user = verified_user()
    join_request = services.register_company(
        actor=user, **{**fields, "corporate_number": world.company_a.corporate_number}
    )
    other_admin = give_role(UserFactory(), "company_admin", company=world.company_b).user
    client.force_login(other_admin)
    assert user.email not in client.get("/company/join-requests/").content.decode()
    assert client.post(f"/company/join-requests/{join_request.pk}/approve/").status_code == 404
    client.force_login(world.user_a)
    assert user.email in client.get("/company/join-requests/").content.decode()
    assert client.post(f"/company/join-requests/{join_request.pk}/refuse/", {"reason": ""}).status_code == 400
    assert client.post(f"/company/join-requests/{join_request.pk}/approve/").status_code == 302
    assert Role.objects.filter(user=user, kind="company_member", company=world.company_a).exists()


def test_home_panels(client, world, pending, registrant, fields):
    client.force_login(world.secretariat)
    home = client.get("/").content.decode()
    assert 'id="registrations_to_decide"' in home and 'data-count="1"' in home and "小樽精機株式会社" in home
    client.force_login(registrant)
    assert "北海道協議会の事務局" in client.get("/").content.decode()
    services.register_company(actor=verified_user(), **{**fields, "corporate_number": world.company_a.corporate_number})
    client.force_login(world.user_a)
    assert 'id="join_requests"' in client.get("/").content.decode()
    client.force_login(verified_user())
    assert 'href="/register/company/"' in client.get("/").content.decode()


def test_booking_before_approval_is_refused_saying_why_and_what_to_do(client, world, pending, registrant, sem, day):
    with pytest.raises(booking_services.PermissionDenied) as refused:
        booking_services.request_booking(
            actor=registrant, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
        )
    assert refused.value.code == "registration_pending"
    assert "北海道協議会の事務局" in refused.value.message and "承認" in refused.value.message
    client.force_login(registrant)
    page = client.get(f"/instruments/{sem.pk}/").content.decode()
    assert 'id="not-member"' in page and "北海道協議会の事務局の承認待ち" in page and 'name="start"' not in page


def test_a_person_of_no_company_is_sent_to_register(client, world, sem, day):
    user = verified_user()
    with pytest.raises(booking_services.PermissionDenied) as refused:
        booking_services.request_booking(
            actor=user, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
        )
    assert refused.value.code == "no_company" and "/register/company/" in refused.value.message
    user.language = "en"
    user.save()
    client.force_login(user)
    page = client.get(f"/instruments/{sem.pk}/").content.decode()
    assert 'id="register-company"' in page and "Register your company" in page


def test_after_approval_the_registrant_books(world, pending, registrant, sem, day):
    services.approve_registration(actor=world.secretariat, registration_id=pending.pk)
    registrant = User.objects.get(pk=registrant.pk)  # roles are read once per user object
    booking = booking_services.request_booking(
        actor=registrant, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    assert booking.company == Company.objects.get(corporate_number=NUMBER)


def test_every_page_name_leads_to_a_page_not_to_the_api():
    """The API's router names its actions `<basename>-<action>` (registration-approve, join-request-withdraw): the
    pages' names must not shadow them, or a page's form would post to the API."""
    from django.urls import reverse

    from registrations.urls import urlpatterns

    for pattern in urlpatterns:
        kwargs = {"pk": 1} if "<int:pk>" in str(pattern.pattern) else {}
        assert not reverse(pattern.name, kwargs=kwargs).startswith("/api/"), pattern.name
