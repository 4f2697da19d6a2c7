"""Consultations through the API: asking, who sees what, referring, the thread, the statuses and closing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import services
from consultations.models import Consultation
from notifications.models import Notification
from tests.consultations.conftest import SEM_PROBLEM
from tests.factories import CompanyFactory, InstrumentFactory, give_role

pytestmark = pytest.mark.django_db

URL = "/api/v1/consultations/"


def detail(consultation) -> str:
    return f"{URL}{consultation.pk}/"


def mail_to(user):
    return Notification.objects.filter(recipient=user)


def refer(consultation, coordinator, institution, **extra):
    return services.refer(
        actor=coordinator, consultation=consultation, institution=institution, note="ご対応を", **extra
    )


# --- Asking ------------------------------------------------------------------------------------------------------
def test_a_company_user_asks_in_plain_japanese_and_gets_suggestions_at_once(world, people, client_for):
    response = client_for(world.user_a).post(URL, SEM_PROBLEM, format="json")
    assert response.status_code == 201
    data = response.data
    assert data["status"] == "new" and data["consortium"]["id"] == world.hokkaido.id  # from the company's prefecture
    assert data["company"] == {"id": world.company_a.id, "name": world.company_a.name}
    first = data["suggestions"][0]
    assert first["institution"]["id"] == world.inst_a.id and first["instruments"][0]["id"] == world.sem.id
    assert first["score"] > 0 and "破断面" in first["reason"]
    assert data["referrals"] == [] and data["messages"] == [] and data["confidential"] is False
    assert data["can"] == {"refer": False, "write": True, "close": True, "book": True}


def test_the_consortium_can_be_chosen_and_the_coordinators_are_emailed(world, people, client_for):
    body = {**SEM_PROBLEM, "consortium": world.tama.id}
    response = client_for(world.user_a).post(URL, body, format="json")
    assert response.status_code == 201 and response.data["consortium"]["id"] == world.tama.id
    assert mail_to(people.coordinator_tama).count() == 1 and not mail_to(people.coordinator).exists()
    mail = mail_to(people.coordinator_tama).get()
    assert "破断面の観察" in mail.subject and "樹脂の破断面を観察したい" in mail.body
    assert mail.key == f"consultation:{response.data['id']}:received:to:{people.coordinator_tama.pk}"


def test_a_coordinator_reads_the_email_in_english_when_they_chose_it(world, people, client_for):
    people.coordinator.language = "en"
    people.coordinator.save()
    client_for(world.user_a).post(URL, SEM_PROBLEM, format="json")
    assert mail_to(people.coordinator).get().subject.startswith("[Kyoyo] New technical consultation")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "", "description": "x"}, "title"),
        ({"title": "x" * 201, "description": "x"}, "title"),
        ({"title": "破断面\nの観察", "description": "x"}, "title"),  # a title is one line (it heads e-mails)
        ({"title": "件名"}, "description"),
        ({"title": "件名", "description": "   "}, "description"),
        ({**SEM_PROBLEM, "consortium": 999999}, "consortium"),
        ({**SEM_PROBLEM, "consortium": "abc"}, "consortium"),
        ({**SEM_PROBLEM, "confidential": "maybe"}, "confidential"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_stored(world, people, client_for, body, field):
    response = client_for(world.user_a).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.data or response.data.get("field") == field
    assert not Consultation.objects.exists()


def test_a_company_outside_every_consortiums_prefectures_must_choose(world, people, client_for):
    world.company_a.prefecture = "沖縄県"
    world.company_a.save()
    response = client_for(world.user_a).post(URL, SEM_PROBLEM, format="json")
    assert response.status_code == 400 and response.data["code"] == "consortium_required"


@pytest.mark.parametrize("who", ["staff_a", "secretariat", "coordinator"])
def test_only_company_users_ask(world, people, client_for, who):
    user = getattr(world, who, None) or getattr(people, who)
    response = client_for(user).post(URL, SEM_PROBLEM, format="json")
    assert response.status_code == 403 and response.data["code"] == "not_company_user"


def test_anonymous_users_cannot_ask(world, api):
    assert api.post(URL, SEM_PROBLEM, format="json").status_code == 403


def test_a_member_of_two_companies_names_the_one_asking(world, people, client_for):
    other = CompanyFactory()
    give_role(world.user_a, "company_member", company=other)
    client = client_for(world.user_a)
    assert client.post(URL, SEM_PROBLEM, format="json").data["code"] == "company_required"
    assert client.post(URL, {**SEM_PROBLEM, "company": world.company_b.id}, format="json").status_code == 403
    response = client.post(URL, {**SEM_PROBLEM, "company": other.id, "consortium": world.hokkaido.id}, format="json")
    assert response.status_code == 201 and response.data["company"]["id"] == other.id


# --- Who sees what ----------------------------------------------------------------------------------------------
SEES = ["user_a", "admin_a", "coordinator"]
DOES_NOT_SEE = ["member_a", "user_b", "coordinator_tama", "staff_a", "staff_b", "staff_c", "secretariat", "operator"]


def person(world, people, name):
    return getattr(world, name, None) or getattr(people, name)


@pytest.mark.parametrize("name", SEES)
def test_the_requester_the_company_admin_and_the_consortium_coordinators_see_it(world, people, ask, client_for, name):
    consultation = ask()
    client = client_for(person(world, people, name))
    assert client.get(detail(consultation)).status_code == 200
    assert [row["id"] for row in client.get(URL).data["results"]] == [consultation.id]


@pytest.mark.parametrize("name", DOES_NOT_SEE)
def test_nobody_else_sees_it_not_even_that_it_exists(world, people, ask, client_for, name):
    """Other companies (and the company's other plain members), other consortia's coordinators, staff of
    institutions it was not referred to, the secretariat and site operators: 404 and empty lists."""
    consultation = ask()
    client = client_for(person(world, people, name))
    assert client.get(detail(consultation)).status_code == 404
    assert client.get(URL).data["results"] == []
    for verb in ("refer", "messages", "close", "bookings"):
        assert client.post(f"{detail(consultation)}{verb}/", {}, format="json").status_code == 404


def test_anonymous_users_see_nothing(world, people, ask, api):
    consultation = ask()
    assert api.get(URL).status_code == 403
    assert api.get(detail(consultation)).status_code == 403
    assert api.post(f"{detail(consultation)}messages/", {"body": "x"}, format="json").status_code == 403


def test_the_requester_reads_it_with_an_api_token_and_a_revoked_one_reads_nothing(world, people, ask, api):
    consultation = ask()
    key = api.post("/api/v1/auth/token/", {"username": "company_a", "password": "pw"}, format="json").data["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(detail(consultation)).status_code == 200
    (token,) = api.get("/api/v1/auth/tokens/").data["results"]
    assert api.delete(f"/api/v1/auth/tokens/{token['id']}/").status_code == 204
    assert api.get(detail(consultation)).status_code == 403  # session first: no challenge, so 403


def test_staff_see_it_once_it_is_referred_to_their_institution_and_only_then(world, people, ask, client_for):
    consultation = ask()
    assert client_for(world.staff_a).get(detail(consultation)).status_code == 404
    refer(consultation, people.coordinator, world.inst_a)
    assert client_for(world.staff_a).get(detail(consultation)).status_code == 200
    assert client_for(world.staff_b).get(detail(consultation)).status_code == 404  # not referred to inst_b
    assert client_for(world.user_b).get(detail(consultation)).status_code == 404


def test_every_list_shows_each_party_its_own(world, people, ask, client_for):
    mine = ask()
    theirs = ask(user=world.user_b, consortium=world.tama)
    referred = ask(title="別件")
    refer(referred, people.coordinator, world.inst_a)

    def ids(user):
        return sorted(row["id"] for row in client_for(user).get(URL).data["results"])

    assert ids(world.user_a) == sorted([mine.id, referred.id])
    assert ids(world.user_b) == [theirs.id]
    assert ids(people.coordinator) == sorted([mine.id, referred.id])
    assert ids(people.coordinator_tama) == [theirs.id]
    assert ids(world.staff_a) == [referred.id]
    assert ids(world.staff_b) == ids(world.secretariat) == ids(people.operator) == []


def test_the_list_filters_by_status_and_refuses_unknown_ones(world, people, ask, client_for):
    new, referred = ask(), ask(title="別件")
    refer(referred, people.coordinator, world.inst_a)
    client = client_for(people.coordinator)
    assert [r["id"] for r in client.get(URL, {"status": "referred"}).data["results"]] == [referred.id]
    assert [r["id"] for r in client.get(URL, {"status": "new"}).data["results"]] == [new.id]
    assert client.get(URL, {"status": "lost"}).status_code == 400
    assert client.get(URL, {"consortium": "x"}).status_code == 400


def test_the_coordinators_inbox_holds_new_consultations_oldest_first(world, people, ask, client_for):
    first, second, referred = ask(), ask(title="二件目"), ask(title="紹介済み")
    refer(referred, people.coordinator, world.inst_a)
    response = client_for(people.coordinator).get(f"{URL}inbox/")
    assert [row["id"] for row in response.data["results"]] == [first.id, second.id]
    assert response.data["results"][0]["overdue"] is False
    assert client_for(people.coordinator_tama).get(f"{URL}inbox/").data["results"] == []
    assert client_for(world.user_a).get(f"{URL}inbox/").status_code == 403


def test_the_detail_takes_a_fixed_number_of_queries(world, people, ask, client_for):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a, instruments=[world.sem])
    client = client_for(people.coordinator)
    client.get(detail(consultation))
    with CaptureQueriesContext(connection) as few:
        client.get(detail(consultation))
    refer(consultation, people.coordinator, world.inst_c, instruments=[people.icp])
    for i in range(5):
        services.post_message(actor=world.user_a, consultation=consultation, body=f"追加の質問 {i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail(consultation))
    assert len(response.data["messages"]) == 5 and len(response.data["referrals"]) == 2
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Referring --------------------------------------------------------------------------------------------------
def test_a_coordinator_refers_and_the_referred_staff_and_the_company_are_emailed(world, people, ask, client_for):
    consultation = ask()
    body = {"institution": world.inst_a.id, "note": "SEMでの観察をお願いします", "instruments": [world.sem.id]}
    response = client_for(people.coordinator).post(f"{detail(consultation)}refer/", body, format="json")
    assert response.status_code == 201
    assert response.data["status"] == "referred" and response.data["first_referred_at"] is not None
    referral = response.data["referrals"][0]
    assert referral["institution"]["id"] == world.inst_a.id and referral["note"] == "SEMでの観察をお願いします"
    assert referral["instruments"] == [{"id": world.sem.id, "name": world.sem.name}]
    staff_mail = mail_to(world.staff_a).get()
    assert "樹脂の破断面を観察したい" in staff_mail.body and world.sem.name in staff_mail.body
    assert world.inst_a.name in mail_to(world.user_a).get().subject
    assert not mail_to(world.staff_b).exists()


def test_a_referral_may_go_to_an_institution_of_another_consortium(world, people, ask, client_for):
    """Wide-area cooperation: inst_c belongs to tama only; a Hokkaido coordinator refers to it."""
    consultation = ask()
    body = {"institution": world.inst_c.id, "note": "ICP-MSはTAMAの機関にあります", "instruments": [people.icp.id]}
    assert client_for(people.coordinator).post(f"{detail(consultation)}refer/", body, format="json").status_code == 201
    assert client_for(people.staff_c).get(detail(consultation)).status_code == 200
    assert mail_to(people.staff_c).count() == 1
    assert client_for(people.coordinator_tama).get(detail(consultation)).status_code == 404


def test_later_referrals_keep_the_first_date_and_one_institution_is_referred_once(world, people, ask, client_for):
    consultation = ask()
    client = client_for(people.coordinator)
    client.post(f"{detail(consultation)}refer/", {"institution": world.inst_a.id, "note": "a"}, format="json")
    first = Consultation.objects.get(pk=consultation.pk).first_referred_at
    again = client.post(f"{detail(consultation)}refer/", {"institution": world.inst_a.id, "note": "b"}, format="json")
    assert again.status_code == 409 and again.data["code"] == "already_referred"
    second = client.post(f"{detail(consultation)}refer/", {"institution": world.inst_b.id, "note": "c"}, format="json")
    assert second.status_code == 201 and len(second.data["referrals"]) == 2
    assert Consultation.objects.get(pk=consultation.pk).first_referred_at == first


@pytest.mark.parametrize("who", ["user_a", "admin_a"])
def test_the_company_cannot_refer(world, people, ask, client_for, who):
    consultation = ask()
    body = {"institution": world.inst_a.id, "note": "x"}
    response = client_for(person(world, people, who)).post(f"{detail(consultation)}refer/", body, format="json")
    assert response.status_code == 403 and response.data["code"] == "not_coordinator"


def test_referred_staff_cannot_refer_further(world, people, ask, client_for):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    body = {"institution": world.inst_b.id, "note": "x"}
    assert client_for(world.staff_a).post(f"{detail(consultation)}refer/", body, format="json").status_code == 403


@pytest.mark.parametrize(
    "body, field",
    [
        ({"note": "x"}, "institution"),
        ({"institution": 999999, "note": "x"}, "institution"),
        ({"institution": "inst_a"}, "note"),
        ({"institution": "inst_a", "note": "  "}, "note"),
        ({"institution": "inst_a", "note": "x", "instruments": ["xrd"]}, "instruments"),  # at inst_b
        ({"institution": "inst_a", "note": "x", "instruments": [999999]}, "instruments"),
        ({"institution": "inst_a", "note": "x", "experts": [999999]}, "experts"),
    ],
)
def test_a_bad_referral_is_a_400_naming_the_field(world, people, ask, client_for, body, field):
    consultation = ask()

    def resolve(value):  # names of the world's objects become their ids
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return getattr(world, value).id if isinstance(value, str) and hasattr(world, value) else value

    body = {key: resolve(value) for key, value in body.items()}
    response = client_for(people.coordinator).post(f"{detail(consultation)}refer/", body, format="json")
    assert response.status_code == 400
    assert field in response.data or response.data.get("field") == field
    assert not consultation.referrals.exists()
    assert Consultation.objects.get(pk=consultation.pk).status == "new"


def test_an_institution_in_no_consortium_cannot_be_referred_to(world, people, ask, client_for):
    from tests.factories import InstitutionFactory

    nowhere = InstitutionFactory()
    response = client_for(people.coordinator).post(
        f"{detail(ask())}refer/", {"institution": nowhere.id, "note": "x"}, format="json"
    )
    assert response.status_code == 400 and response.data["code"] == "institution_not_member"


# --- The thread and the statuses --------------------------------------------------------------------------------
def test_the_first_answer_of_referred_staff_answers_it_and_records_the_response_time(world, people, ask, client_for):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    for user in (world.user_a, people.coordinator):  # the company and the coordinator do not answer it
        response = client_for(user).post(f"{detail(consultation)}messages/", {"body": "補足です"}, format="json")
        assert response.status_code == 201 and response.data["status"] == "referred"
    response = client_for(world.staff_a).post(
        f"{detail(consultation)}messages/", {"body": "SEMで観察できます。"}, format="json"
    )
    assert response.status_code == 201
    data = response.data
    assert data["status"] == "answered" and data["first_answered_at"] is not None
    assert data["response_time_hours"] is not None and data["response_business_days"] == 0
    assert [m["side"] for m in data["messages"]] == ["company", "coordinator", "staff"]
    assert data["messages"][2]["institution"] == {"id": world.inst_a.id, "name": world.inst_a.name}
    first = data["first_answered_at"]
    again = client_for(world.staff_a).post(f"{detail(consultation)}messages/", {"body": "追記"}, format="json")
    assert again.data["first_answered_at"] == first and again.data["status"] == "answered"
    referral = consultation.referrals.get()
    assert referral.first_answered_at is not None and referral.response_business_days == 0


def test_every_message_emails_the_others_in_the_thread(world, people, ask, client_for):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    Notification.objects.all().delete()
    client_for(world.staff_a).post(f"{detail(consultation)}messages/", {"body": "回答します"}, format="json")
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"company_a", "coordinator"}
    mail = mail_to(world.user_a).get()
    assert "回答します" in mail.body and f"{world.inst_a.name}の担当者から" in mail.body


def test_staff_cannot_write_before_the_referral_and_outsiders_never(world, people, ask, client_for):
    consultation = ask()
    assert client_for(world.staff_a).post(f"{detail(consultation)}messages/", {"body": "x"}).status_code == 404
    with pytest.raises(services.PermissionDenied):
        services.post_message(actor=world.staff_a, consultation=consultation, body="x")  # the service checks too


def test_an_empty_message_is_refused(world, people, ask, client_for):
    response = client_for(world.user_a).post(f"{detail(ask())}messages/", {"body": " "}, format="json")
    assert response.status_code == 400 and "body" in response.data


@pytest.mark.parametrize("who", ["user_a", "coordinator"])
def test_the_company_or_a_coordinator_closes_with_an_outcome(world, people, ask, client_for, who):
    consultation = ask()
    client = client_for(person(world, people, who))
    response = client.post(f"{detail(consultation)}close/", {"outcome": "joint_research"}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == "closed" and response.data["outcome"] == "joint_research"
    assert response.data["closed_at"] is not None and response.data["can"]["write"] is False


def test_closing_needs_a_known_outcome_and_happens_once(world, people, ask, client_for):
    consultation = ask()
    client = client_for(people.coordinator)
    assert client.post(f"{detail(consultation)}close/", {"outcome": "gave_up"}, format="json").status_code == 400
    assert client.post(f"{detail(consultation)}close/", {}, format="json").status_code == 400
    assert client.post(f"{detail(consultation)}close/", {"outcome": "no_match"}, format="json").status_code == 200
    again = client.post(f"{detail(consultation)}close/", {"outcome": "resolved"}, format="json")
    assert again.status_code == 409 and again.data["code"] == "consultation_closed"
    assert Consultation.objects.get(pk=consultation.pk).outcome == "no_match"


def test_referred_staff_cannot_close(world, people, ask, client_for):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    response = client_for(world.staff_a).post(f"{detail(consultation)}close/", {"outcome": "resolved"}, format="json")
    assert response.status_code == 403 and response.data["code"] == "not_allowed_to_close"


def test_a_closed_consultation_takes_no_more_referrals_or_messages(world, people, ask, client_for):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    services.close(actor=people.coordinator, consultation=consultation, outcome="resolved")
    coordinator, staff = client_for(people.coordinator), client_for(world.staff_a)
    refused = coordinator.post(f"{detail(consultation)}refer/", {"institution": world.inst_b.id, "note": "x"})
    assert refused.status_code == 409 and refused.data["code"] == "consultation_closed"
    assert staff.post(f"{detail(consultation)}messages/", {"body": "遅れました"}).status_code == 409
    assert staff.get(detail(consultation)).status_code == 200  # still readable by the parties
    assert consultation.messages.count() == 0 and consultation.referrals.count() == 1


def test_the_full_life_cycle_new_referred_answered_closed(world, people, ask):
    consultation = ask()
    assert consultation.status == "new"
    refer(consultation, people.coordinator, world.inst_a)
    consultation.refresh_from_db()
    assert consultation.status == "referred"
    services.post_message(actor=world.staff_a, consultation=consultation, body="回答")
    consultation.refresh_from_db()
    assert consultation.status == "answered"
    services.close(actor=world.user_a, consultation=consultation, outcome="booking")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.outcome) == ("closed", "booking")


# --- Confidential consultations ---------------------------------------------------------------------------------
SECRET = "配合比は社外秘"


def test_a_confidential_consultations_text_reaches_its_parties_but_no_email(world, people, ask, client_for):
    consultation = ask(title="秘密の件名", description=f"樹脂の破断面を観察したい。{SECRET}", confidential=True)
    referral = services.refer(
        actor=people.coordinator, consultation=consultation, institution=world.inst_a, note=f"メモ {SECRET}"
    )
    services.post_message(actor=world.staff_a, consultation=consultation, body=f"回答 {SECRET}")
    for user in (world.user_a, people.coordinator, world.staff_a):  # the parties read everything
        data = client_for(user).get(detail(consultation)).data
        assert SECRET in data["description"] and data["title"] == "秘密の件名"
        assert SECRET in data["messages"][0]["body"] and SECRET in data["referrals"][0]["note"]
    mails = Notification.objects.all()
    assert mails.count() >= 4  # coordinator, staff, company (referral), company + coordinator (message)
    for mail in mails:  # e-mails leave the site and sit in the outbox the operators read: only the number
        assert SECRET not in mail.body and "秘密の件名" not in mail.subject + mail.body
        assert f"#{consultation.pk}" in mail.subject
    assert referral.pk


def test_the_admin_does_not_show_a_confidential_consultations_text(world, people, ask, client):
    consultation = ask(title="秘密の件名", description=SECRET, confidential=True)
    services.refer(actor=people.coordinator, consultation=consultation, institution=world.inst_a, note=SECRET)
    services.post_message(actor=world.staff_a, consultation=consultation, body=SECRET)
    open_one = ask(title="公開の件名", description="公開の内容")
    client.force_login(people.operator)
    pages = [
        "/admin/consultations/consultation/",
        f"/admin/consultations/consultation/{consultation.pk}/change/",
        f"/admin/consultations/referral/{consultation.referrals.get().pk}/change/",
        f"/admin/consultations/message/{consultation.messages.get().pk}/change/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert SECRET not in html and "秘密の件名" not in html, url
    assert "公開の内容" in client.get(f"/admin/consultations/consultation/{open_one.pk}/change/").content.decode()
    assert client.get("/admin/consultations/consultation/", {"q": "秘密"}).status_code == 200


def test_instruments_named_in_a_referral_must_be_in_service(world, people, ask):
    retired = InstrumentFactory(institution=world.inst_a, status="retired")
    with pytest.raises(services.DomainError) as refused:
        refer(ask(), people.coordinator, world.inst_a, instruments=[retired])
    assert refused.value.field == "instruments"
