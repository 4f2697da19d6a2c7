"""The staffing pages: who opens which, what each offers, the forms' round trips, refusals, both languages."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consortia.models import Role
from staffing import services
from staffing.models import LendingAgreement, Operator, WorkingHours
from tests.factories import UserFactory, give_role, make_operator

pytestmark = pytest.mark.django_db

OPERATORS, ME, AGREEMENTS = "/staff/operators/", "/operator/", "/staff/agreements/"


def as_(client, user):
    client.force_login(user)
    return client


def page(client, user, url, language="ja"):
    user.language = language  # the reader's own choice decides the page's language
    user.save(update_fields=["language"])
    response = as_(client, user).get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response.content.decode()


def test_the_operators_page_shows_the_institutions_operators_to_its_staff_and_admin(client, w):
    status, html = page(client, w.admin_a, OPERATORS)
    assert status == 200 and w.operator.user.display_name in html
    assert "停止" in html or "Stop" in html  # the admin's switch
    assert f"/staff/operators/{w.operator.pk}/hours/" in html and 'id="enrol"' in html
    status, html = page(client, w.staff_a, OPERATORS, "en")
    assert status == 200 and w.operator.user.display_name in html
    assert 'id="enrol"' not in html and "Stop assignments" not in html and "/hours/" not in html


@pytest.mark.parametrize("who", ["company", "secretariat"])
def test_the_operators_page_refuses_people_of_no_institution(client, w, who):
    assert page(client, getattr(w, who), OPERATORS)[0] == 403


def test_another_institutions_admin_cannot_open_or_change_ours(client, w):
    assert page(client, w.admin_b, f"{OPERATORS}?institution={w.lender.pk}")[0] == 404
    assert as_(client, w.admin_b).post(f"/staff/operators/{w.operator.pk}/active/", {"active": "0"}).status_code == 404
    assert page(client, w.admin_b, f"/staff/operators/{w.operator.pk}/hours/")[0] == 404
    assert as_(client, w.staff_a).post(f"/staff/operators/{w.operator.pk}/active/", {"active": "0"}).status_code == 403
    assert Operator.objects.get().active


def test_the_admin_enrols_and_stops_assignments(client, w):
    response = as_(client, w.admin_a).post(OPERATORS, {"institution": w.lender.pk, "user": w.staff_a.pk})
    assert response.status_code == 302
    assert Operator.objects.filter(user=w.staff_a, institution=w.lender).exists()
    assert as_(client, w.staff_a).post(OPERATORS, {"institution": w.lender.pk, "user": w.staff_a.pk}).status_code == 403
    client.post(f"/staff/operators/{w.operator.pk}/active/", {"active": "0"})
    as_(client, w.admin_a).post(f"/staff/operators/{w.operator.pk}/active/", {"active": "0"})
    assert not Operator.objects.get(pk=w.operator.pk).active


def test_lent_operators_are_listed_apart_on_the_borrowers_page(client, w):
    today = timezone.localdate()
    agreement = services.propose_agreement(
        actor=w.admin_a,
        consortium=w.consortium,
        lender=w.lender,
        borrower=w.borrower,
        operator=w.operator,
        instruments=[w.instrument],
        valid_from=today,
        valid_until=today + timedelta(days=30),
        hourly_rate_jpy=4000,
    )
    services.confirm_agreement(actor=w.admin_b, agreement=agreement)
    status, html = page(client, w.staff_b, OPERATORS)
    lent_in = html.split('id="lent-in"')[1]
    assert status == 200 and w.operator.user.display_name in lent_in
    assert w.operator.user.display_name not in html.split('id="lent-in"')[0]


def test_the_operator_edits_their_hours_and_consent_on_their_page(client, w):
    status, html = page(client, w.operator.user, ME)
    assert status == 200 and "08:00-20:00" in html and "/operator/absences/" in html
    response = client.post(ME, {"day_0": "09:00-12:00, 13:00-17:30", "day_4": "10:00-15:00"})
    assert response.status_code == 302
    saved = list(WorkingHours.objects.filter(operator=w.operator).values_list("weekday", "starts", "ends"))
    assert saved == [(0, time(9), time(12)), (0, time(13), time(17, 30)), (4, time(10), time(15))]
    client.post(ME, {"consent": "1", "named_in_reports": "on"})
    assert Operator.objects.get(pk=w.operator.pk).named_in_reports


def test_a_bad_pattern_comes_back_next_to_its_weekday_and_nothing_changes(client, w):
    page(client, w.operator.user, ME, "en")
    response = client.post(ME, {"day_2": "09:00-12:00, 11:00-13:00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "overlap" in response.content.decode()
    response = client.post(ME, {"day_2": "nine to five"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "09:00-12:00" in response.content.decode()
    assert WorkingHours.objects.filter(operator=w.operator).count() == 5


def test_the_admin_edits_an_operators_hours_and_staff_may_not(client, w):
    url = f"/staff/operators/{w.operator.pk}/hours/"
    assert page(client, w.staff_a, url)[0] == 403
    assert as_(client, w.admin_a).post(url, {"day_1": "08:30-17:15"}).status_code == 302
    assert list(WorkingHours.objects.filter(operator=w.operator).values_list("weekday", flat=True)) == [1]


def test_a_staff_member_who_is_not_an_operator_is_told_so(client, w):
    status, html = page(client, w.staff_b, ME, "en")
    assert status == 200 and "not enrolled as an operator" in html


def test_agreements_round_trip_on_the_page(client, w):
    today = timezone.localdate()
    form = {
        "consortium": w.consortium.pk,
        "operator": w.operator.pk,
        "borrower": w.borrower.pk,
        "instruments": [w.instrument.pk],
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=60)).isoformat(),
        "hourly_rate_jpy": "4200",
    }
    assert as_(client, w.admin_a).post(AGREEMENTS, form).status_code == 302
    agreement = LendingAgreement.objects.get()
    assert agreement.lender == w.lender and agreement.lender_confirmed_by == w.admin_a
    status, html = page(client, w.admin_b, AGREEMENTS, "en")
    assert "Awaiting the borrowing institution" in html and f"/staff/agreements/{agreement.pk}/confirm/" in html
    status, html = page(client, w.secretariat, AGREEMENTS, "en")
    assert status == 200 and "Awaiting the borrowing institution" in html
    assert "/confirm/" not in html and "/end/" not in html and 'id="propose"' not in html
    assert as_(client, w.secretariat).post(f"/staff/agreements/{agreement.pk}/confirm/").status_code == 403
    assert as_(client, w.admin_x).post(f"/staff/agreements/{agreement.pk}/confirm/").status_code == 404
    assert as_(client, w.admin_b).post(f"/staff/agreements/{agreement.pk}/confirm/").status_code == 302
    html = page(client, w.admin_b, AGREEMENTS, "en")[1]
    assert "In force" in html
    as_(client, w.admin_b).post(f"/staff/agreements/{agreement.pk}/end/")
    agreement.refresh_from_db()
    assert agreement.ended_by == w.admin_b


def test_a_refused_proposal_comes_back_with_the_reason(client, w):
    today = timezone.localdate()
    form = {
        "consortium": w.consortium.pk,
        "operator": w.operator.pk,
        "borrower": w.borrower.pk,
        "instruments": [w.lender_instrument.pk],
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=60)).isoformat(),
        "hourly_rate_jpy": "4200",
    }
    page(client, w.admin_a, AGREEMENTS, "en")
    response = client.post(AGREEMENTS, form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "borrowing institution&#x27;s" in response.content.decode()
    assert as_(client, w.staff_a).post(AGREEMENTS, form).status_code == 403
    assert not LendingAgreement.objects.exists()


@pytest.mark.parametrize("who", ["company", "other_secretariat"])
def test_agreements_are_not_shown_to_others(client, w, who):
    today = timezone.localdate()
    services.propose_agreement(
        actor=w.admin_a,
        consortium=w.consortium,
        lender=w.lender,
        borrower=w.borrower,
        operator=w.operator,
        instruments=[w.instrument],
        valid_from=today,
        valid_until=today + timedelta(days=30),
        hourly_rate_jpy=4000,
    )
    status, html = page(client, getattr(w, who), AGREEMENTS)
    assert (who == "company" and status == 403) or (status == 200 and w.operator.user.display_name not in html)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_pages_take_the_same_number_of_queries_however_many_rows(client, w):
    today = timezone.localdate()

    def add_operator():
        user = UserFactory()
        give_role(user, Role.Kind.STAFF, institution=w.lender)
        operator = make_operator([w.lender_instrument, w.instrument], user=user, institution=w.lender)
        agreement = services.propose_agreement(
            actor=w.admin_a,
            consortium=w.consortium,
            lender=w.lender,
            borrower=w.borrower,
            operator=operator,
            instruments=[w.instrument],
            valid_from=today,
            valid_until=today + timedelta(days=30),
            hourly_rate_jpy=4000,
        )
        services.confirm_agreement(actor=w.admin_b, agreement=agreement)

    add_operator()
    as_(client, w.admin_a)
    few = {url: _queries(client, url) for url in (OPERATORS, AGREEMENTS)}
    as_(client, w.staff_b)
    few_lent = _queries(client, OPERATORS)
    for _ in range(4):
        add_operator()
    as_(client, w.admin_a)
    assert {url: _queries(client, url) for url in (OPERATORS, AGREEMENTS)} == few
    as_(client, w.staff_b)
    assert _queries(client, OPERATORS) == few_lent


def test_site_admins_read_the_staffing_tables_in_the_admin_and_cannot_change_them(client, w):
    admin = UserFactory(is_staff=True, is_superuser=True)
    for url in ("/admin/staffing/operator/", f"/admin/staffing/operator/{w.operator.pk}/change/"):
        assert page(client, admin, url)[0] == 200, url
    assert page(client, admin, "/admin/staffing/lendingagreement/")[0] == 200
    assert page(client, admin, "/admin/staffing/operator/add/")[0] == 403
    client.post(f"/admin/staffing/operator/{w.operator.pk}/change/", {"active": ""})
    assert Operator.objects.get(pk=w.operator.pk).active
