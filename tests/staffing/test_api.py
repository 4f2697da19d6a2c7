"""The staffing API: who sees which operators and agreements, who may change them, and the codes of refusals."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consortia.models import Role
from staffing.models import LendingAgreement, Operator, WorkingHours
from tests.factories import UserFactory, give_role, make_operator

pytestmark = pytest.mark.django_db

OPERATORS = "/api/v1/operators/"
AGREEMENTS = "/api/v1/lending-agreements/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_operators_are_listed_to_their_institutions_people_and_consortiums_secretariat(w, client_for):
    for who in ("admin_a", "staff_a", "secretariat"):
        assert ids(client_for(getattr(w, who)).get(OPERATORS)) == {w.operator.id}, who
    for who in ("admin_b", "staff_b", "admin_x", "other_secretariat", "company"):
        assert ids(client_for(getattr(w, who)).get(OPERATORS)) == set(), who
    assert ids(client_for(w.operator.user).get(OPERATORS)) == {w.operator.id}
    assert client_for(w.company).get(f"{OPERATORS}{w.operator.id}/").status_code == 404


def test_anonymous_callers_are_refused(api):
    assert api.get(OPERATORS).status_code in (401, 403)
    assert api.get(AGREEMENTS).status_code in (401, 403)


def test_the_admin_enrols_through_the_api_and_others_are_refused(w, client_for):
    body = {"user": w.staff_a.id, "institution": w.lender.id}
    refused = client_for(w.admin_b).post(OPERATORS, body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_institution_admin"
    created = client_for(w.admin_a).post(OPERATORS, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["active"] is True and created.json()["pattern"] == []
    again = client_for(w.admin_a).post(OPERATORS, body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_operator"


def test_patch_follows_the_predicates(w, client_for):
    url = f"{OPERATORS}{w.operator.id}/"
    mine = client_for(w.operator.user).patch(url, {"named_in_reports": True}, format="json")
    assert mine.status_code == 200 and mine.json()["named_in_reports"] is True
    assert client_for(w.operator.user).patch(url, {"active": False}, format="json").status_code == 403
    assert client_for(w.staff_a).patch(url, {"active": False}, format="json").status_code == 403
    assert client_for(w.admin_b).patch(url, {"active": False}, format="json").status_code == 404
    done = client_for(w.admin_a).patch(url, {"active": False}, format="json")
    assert done.status_code == 200 and done.json()["active"] is False


def test_hours_are_read_and_replaced_whole(w, client_for):
    url = f"{OPERATORS}{w.operator.id}/hours/"
    assert len(client_for(w.secretariat).get(url).json()["pattern"]) == 5
    body = {
        "pattern": [
            {"weekday": 0, "starts": "09:00", "ends": "12:00"},
            {"weekday": 0, "starts": "13:00", "ends": "17:30"},
        ]
    }
    response = client_for(w.operator.user).put(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["pattern"][1] == {"weekday": 0, "starts": "13:00:00", "ends": "17:30:00"}
    overlap = {
        "pattern": [
            {"weekday": 2, "starts": "09:00", "ends": "12:00"},
            {"weekday": 2, "starts": "11:00", "ends": "13:00"},
        ]
    }
    refused = client_for(w.admin_a).put(url, overlap, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "stretches_overlap"
    assert client_for(w.secretariat).put(url, body, format="json").status_code == 403
    assert client_for(w.company).put(url, body, format="json").status_code == 404
    assert WorkingHours.objects.filter(operator=w.operator).count() == 2


def propose_body(w, **overrides):
    today = timezone.localdate()
    body = {
        "consortium": w.consortium.id,
        "lender": w.lender.id,
        "borrower": w.borrower.id,
        "operator": w.operator.id,
        "instruments": [w.instrument.id],
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=90)).isoformat(),
        "hourly_rate_jpy": 4500,
    }
    return body | overrides


def test_an_agreement_is_proposed_confirmed_and_ended_through_the_api(w, client_for):
    created = client_for(w.admin_b).post(AGREEMENTS, propose_body(w), format="json")
    assert created.status_code == 201, created.content
    agreement = created.json()
    assert agreement["status"] == "awaiting_lender"
    url = f"{AGREEMENTS}{agreement['id']}/"
    assert client_for(w.admin_b).post(url + "confirm/").json()["code"] == "not_other_side_admin"
    assert client_for(w.admin_x).post(url + "confirm/").status_code == 404
    confirmed = client_for(w.admin_a).post(url + "confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "in_force"
    assert client_for(w.secretariat).post(url + "end/").status_code == 403
    ended = client_for(w.admin_b).post(url + "end/")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert client_for(w.admin_a).post(url + "end/").json()["code"] == "agreement_ended"


def test_a_bad_proposal_is_refused_with_its_code(w, client_for):
    response = client_for(w.admin_a).post(AGREEMENTS, propose_body(w, hourly_rate_jpy=0), format="json")
    assert response.status_code == 400 and response.json()["code"] == "bad_rate"
    response = client_for(w.admin_x).post(AGREEMENTS, propose_body(w), format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_institution_admin"
    assert not LendingAgreement.objects.exists()


def test_agreements_are_seen_by_both_sides_the_secretariat_and_the_operator_only(w, client_for):
    client_for(w.admin_a).post(AGREEMENTS, propose_body(w), format="json")
    agreement = LendingAgreement.objects.get()
    for who in ("admin_a", "admin_b", "staff_a", "staff_b", "secretariat"):
        assert ids(client_for(getattr(w, who)).get(AGREEMENTS)) == {agreement.id}, who
    assert ids(client_for(w.operator.user).get(AGREEMENTS)) == {agreement.id}
    for who in ("admin_x", "other_secretariat", "company"):
        assert ids(client_for(getattr(w, who)).get(AGREEMENTS)) == set(), who
        assert client_for(getattr(w, who)).get(f"{AGREEMENTS}{agreement.id}/").status_code == 404


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert call().status_code == 200
    return len(captured)


def test_the_lists_take_the_same_number_of_queries_however_many_rows(w, client_for, django_assert_num_queries):
    def client():  # a fresh user object each time: the roles are read once per user object
        return client_for(type(w.secretariat).objects.get(pk=w.secretariat.pk))

    reader = client()
    few_operators = _queries(lambda: reader.get(OPERATORS))
    client_for(w.admin_a).post(AGREEMENTS, propose_body(w), format="json")
    reader = client()
    few_agreements = _queries(lambda: reader.get(AGREEMENTS))
    for _ in range(4):
        user = UserFactory()
        give_role(user, Role.Kind.STAFF, institution=w.lender)
        operator = make_operator([w.instrument], user=user, institution=w.lender)
        body = propose_body(w, operator=operator.id)
        assert client_for(w.admin_a).post(AGREEMENTS, body, format="json").status_code == 201
    assert Operator.objects.count() == 5 and LendingAgreement.objects.count() == 5
    reader = client()
    with django_assert_num_queries(few_operators):
        assert len(reader.get(OPERATORS).json()["results"]) == 5
    reader = client()
    with django_assert_num_queries(few_agreements):
        assert len(reader.get(AGREEMENTS).json()["results"]) == 5


def test_out_of_range_input_is_a_400_never_a_500(w, client_for):
    admin = client_for(w.admin_a)
    huge = 2**70
    assert admin.post(OPERATORS, {"user": huge, "institution": w.lender.id}, format="json").status_code == 400
    body = propose_body(w, valid_from="9999-06-01", valid_until="9999-12-31", hourly_rate_jpy=huge, operator=huge)
    assert admin.post(AGREEMENTS, body, format="json").status_code == 400
    body = propose_body(w, valid_from="9999-06-01", valid_until="9999-12-31", instruments=[huge])
    assert admin.post(AGREEMENTS, body, format="json").status_code == 400
    body = propose_body(w, valid_from="9998-06-01", valid_until="9999-12-31", hourly_rate_jpy=huge)
    assert admin.post(AGREEMENTS, body, format="json").json()["code"] == "bad_rate"
    pattern = {"pattern": [{"weekday": huge, "starts": "09:00", "ends": "10:00"}]}
    response = admin.put(f"{OPERATORS}{w.operator.id}/hours/", pattern, format="json")
    assert response.status_code == 400 and response.json()["code"] == "bad_weekday"
