"""The consultation pages and the expert directory through the web client: each page for each role, the form
that asks and shows the suggestions at once, refusals beside their field with the input kept and nothing
stored, who sees what (the same lines as the API), and lists in a constant number of queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings import services as booking_services
from bookings.models import Booking
from consultations import services
from consultations.models import Consultation, ConsultationBooking, ExpertProfile, Message, Referral
from notifications.models import Notification
from tests.bookings.conftest import at
from tests.consultations.conftest import SEM_PROBLEM
from tests.equipment.helpers import by_id, errors_next_to, unlabelled_fields
from tests.factories import CompanyFactory, InstrumentFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db

LIST, NEW, DIRECTORY, ME = "/consultations/", "/consultations/new/", "/experts/", "/experts/me/"


def page(consultation) -> str:
    return f"/consultations/{consultation.pk}/"


def person(world, people, name):
    return getattr(world, name, None) or getattr(people, name)


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def refer(consultation, coordinator, institution, **extra):
    return services.refer(
        actor=coordinator, consultation=consultation, institution=institution, note="ご対応を", **extra
    )


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def stored() -> tuple:
    return (
        Consultation.objects.count(),
        Referral.objects.count(),
        Message.objects.count(),
        ConsultationBooking.objects.count(),
        sorted(Consultation.objects.values_list("status", flat=True)),
        Notification.objects.count(),
    )


def assert_labelled_with_csrf(body: str, where: str) -> None:
    assert 'name="viewport"' in body, where
    assert unlabelled_fields(body) == [], where
    for form in body.split("<form")[1:]:
        if 'method="post"' in form.split(">")[0]:
            assert "csrfmiddlewaretoken" in form.split("</form>")[0], where
            assert 'action="/api/' not in form.split(">")[0], where  # the pages' own URLs, not the API's


def test_the_thread_forms_post_to_the_pages_own_urls(world, people, ask, sem, day):
    consultation = ask()
    booking_services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    actions = set()
    for user in (world.user_a, people.coordinator):
        body = html(as_user(user).get(page(consultation)))
        actions |= {form.split('action="')[1].split('"')[0] for form in body.split("<form")[1:] if 'action="' in form}
    wanted = {f"{page(consultation)}{verb}/" for verb in ("messages", "refer", "close", "bookings")}
    assert wanted <= actions


# --- Each page for each role ----------------------------------------------------------------------------------
def test_every_page_renders_for_its_roles_with_labels_csrf_and_the_phone_viewport(world, people, ask):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    visits = {
        world.user_a: [LIST, NEW, page(consultation), DIRECTORY],
        people.coordinator: [LIST, page(consultation), DIRECTORY],
        world.staff_a: [LIST, page(consultation), DIRECTORY, ME],
    }
    for user, urls in visits.items():
        client = as_user(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
            assert_labelled_with_csrf(html(response), f"{user.username} {url}")


def test_the_pages_are_japanese_by_default_and_english_on_request(world, people, ask):
    consultation = ask()
    client = as_user(people.coordinator)
    body = html(client.get(page(consultation)))
    assert "機関に紹介する" in body and "相談内容" in body and "用途キーワード「破断面」" in body
    people.coordinator.language = "en"  # the user's setting decides
    people.coordinator.save(update_fields=["language"])
    body = html(client.get(page(consultation)))
    assert "Refer to an institution" in body and "matched application keywords “破断面”" in body
    assert "機関に紹介する" not in body and "用途キーワード" not in body
    assert "Consultation inbox" in html(client.get(LIST))


def test_the_navigation_offers_consultations_to_the_parties_and_experts_to_everyone_logged_in(world, people):
    def nav(client):
        return html(client.get(DIRECTORY if client is not anonymous else "/")).split('<nav class="main"')[1]

    anonymous = Client()
    for user in (world.user_a, people.coordinator, world.staff_a):
        links = nav(as_user(user))
        assert 'href="/consultations/"' in links and 'href="/experts/"' in links, user.username
    links = nav(as_user(world.secretariat))
    assert 'href="/consultations/"' not in links and 'href="/experts/"' in links
    assert 'href="/experts/"' not in nav(anonymous)


# --- Asking ---------------------------------------------------------------------------------------------------
def test_the_form_explains_itself_with_an_example(world):
    body = html(as_user(world.user_a).get(NEW))
    assert "樹脂の破断面を観察したい" in body and "専門用語は要りません" in body
    assert 'id="id_consortium"' in body and 'id="id_confidential"' in body
    assert 'id="id_company"' not in body  # a member of one company does not choose


def test_sending_the_form_asks_and_the_page_shows_the_suggestions_at_once(world, people):
    client = as_user(world.user_a)
    response = client.post(NEW, {**SEM_PROBLEM, "action": "send"}, follow=True)
    consultation = Consultation.objects.get()
    assert response.redirect_chain[-1][0] == page(consultation)
    assert consultation.requester == world.user_a and consultation.consortium == world.hokkaido
    assert consultation.company == world.company_a and not consultation.confidential
    body = html(response)
    suggestions = body.split('id="suggestions"')[1].split('id="referrals"')[0]
    assert world.inst_a.name in suggestions
    assert f'href="/instruments/{world.sem.pk}/"' in suggestions  # to the booking page
    assert "一致度" in suggestions and 'class="score-bar"' in suggestions
    assert "用途キーワード「破断面」" in suggestions  # the reason
    assert f'href="/instruments/{world.sem.pk}/#request"' in body.split('id="book"')[1]  # book from it
    assert Notification.objects.filter(recipient=people.coordinator).count() == 1


def test_a_confidential_consultation_is_asked_of_the_chosen_consortium(world, people):
    body = {**SEM_PROBLEM, "consortium": world.tama.pk, "confidential": "on", "action": "send"}
    as_user(world.user_a).post(NEW, body)
    consultation = Consultation.objects.get()
    assert consultation.confidential and consultation.consortium == world.tama


def test_the_preview_shows_the_suggestions_and_stores_nothing(world, people):
    before = stored()
    response = as_user(world.user_a).post(NEW, {**SEM_PROBLEM, "action": "preview"})
    assert response.status_code == 200
    preview = html(response).split('id="preview"')[1]
    assert "まだ送信していません" in preview and f'href="/instruments/{world.sem.pk}/"' in preview
    assert 'value="破断面の観察"' in html(response)  # the form keeps the text to send
    assert stored() == before


@pytest.mark.parametrize("action", ["send", "preview"])
def test_a_company_no_consortium_covers_is_asked_to_choose_beside_the_field(world, people, action):
    world.company_a.prefecture = "沖縄県"
    world.company_a.save()
    before = stored()
    response = as_user(world.user_a).post(NEW, {**SEM_PROBLEM, "description": "沖縄の樹脂部品", "action": action})
    assert response.status_code == 400 and stored() == before
    body = html(response)
    assert "相談先の協議会を選んでください" in errors_next_to(body, "id_consortium")
    assert "沖縄の樹脂部品" in body and 'value="破断面の観察"' in body


@pytest.mark.parametrize(
    "changes, field",
    [({"title": ""}, "id_title"), ({"description": "   "}, "id_description"), ({"title": "あ" * 201}, "id_title")],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(world, people, changes, field):
    before = stored()
    response = as_user(world.user_a).post(NEW, {**SEM_PROBLEM, **changes, "action": "send"})
    assert response.status_code == 400 and stored() == before
    assert errors_next_to(html(response), field)


def test_a_member_of_two_companies_chooses_the_one_asking(world, people):
    other = CompanyFactory(name="石狩第二工業")
    give_role(world.user_a, "company_member", company=other)
    client = as_user(world.user_a)
    response = client.post(NEW, {**SEM_PROBLEM, "action": "send"})
    assert response.status_code == 400 and errors_next_to(html(response), "id_company")
    client.post(NEW, {**SEM_PROBLEM, "company": other.pk, "action": "send"})
    assert Consultation.objects.get().company == other


@pytest.mark.parametrize("name", ["coordinator", "staff_a", "secretariat", "operator"])
def test_only_company_users_ask(world, people, name):
    client = as_user(person(world, people, name))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {**SEM_PROBLEM, "action": "send"}).status_code == 403
    assert not Consultation.objects.exists()


# --- Who sees what --------------------------------------------------------------------------------------------
SEES = ["user_a", "admin_a", "coordinator"]
DOES_NOT_SEE = ["member_a", "user_b", "coordinator_tama", "staff_a", "staff_b", "staff_c", "secretariat", "operator"]
VERBS = {
    "messages": {"message-body": "こんにちは"},
    "refer": {"institution": "1", "note": "x"},
    "close": {"close-outcome": "resolved"},
    "bookings": {"link-booking": "1"},
}


@pytest.mark.parametrize("name", SEES)
def test_the_requester_the_company_admin_and_the_consortium_coordinators_see_it(world, people, ask, name):
    consultation = ask(title="はんだ接合部のボイド")
    client = as_user(person(world, people, name))
    assert "はんだ接合部のボイド" in html(client.get(page(consultation)))
    assert page(consultation) in html(client.get(LIST))


@pytest.mark.parametrize("name", DOES_NOT_SEE)
def test_nobody_else_sees_it_or_acts_on_it(world, people, ask, name):
    """Other companies (and the company's other plain members), other consortia's coordinators, staff of
    institutions it was not referred to, the secretariat and site operators: 404 on the page and on every
    action; lists without it (the secretariat and operators, who take part in none, get 403 there)."""
    consultation = ask(title="はんだ接合部のボイド")
    before = stored()
    client = as_user(person(world, people, name))
    assert client.get(page(consultation)).status_code == 404
    for verb, data in VERBS.items():
        assert client.post(f"{page(consultation)}{verb}/", data).status_code == 404, verb
    assert stored() == before
    listing = client.get(LIST)
    if name in ("secretariat", "operator"):
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200 and "はんだ接合部のボイド" not in html(listing)


def test_anonymous_users_are_sent_to_the_login_page(world, people, ask):
    consultation = ask()
    client = Client()
    for url in (LIST, NEW, page(consultation), DIRECTORY, ME):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url
    for verb, data in VERBS.items():
        response = client.post(f"{page(consultation)}{verb}/", data)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), verb
    assert client.post(NEW, {**SEM_PROBLEM, "action": "send"}).status_code == 302
    assert Consultation.objects.count() == 1


def test_staff_see_it_once_it_is_referred_to_their_institution_and_only_then(world, people, ask):
    consultation = ask(title="はんだ接合部のボイド")
    staff_a, staff_b = as_user(world.staff_a), as_user(world.staff_b)
    assert staff_a.get(page(consultation)).status_code == 404
    assert "はんだ接合部のボイド" not in html(staff_a.get(LIST))
    refer(consultation, people.coordinator, world.inst_a)
    assert staff_a.get(page(consultation)).status_code == 200
    assert "はんだ接合部のボイド" in html(staff_a.get(LIST))
    assert staff_b.get(page(consultation)).status_code == 404
    assert "はんだ接合部のボイド" not in html(staff_b.get(LIST))


def test_each_list_shows_each_party_its_own(world, people, ask):
    mine = ask(title="自社の相談")
    theirs = ask(user=world.user_b, consortium=world.tama, title="他社の相談")
    referred = ask(title="紹介済みの相談")
    refer(referred, people.coordinator, world.inst_a)

    def titles(user):
        body = html(as_user(user).get(LIST))
        return sorted(t for t in ("自社の相談", "他社の相談", "紹介済みの相談") if t in body)

    assert titles(world.user_a) == titles(people.coordinator) == sorted([mine.title, referred.title])
    assert titles(world.user_b) == titles(people.coordinator_tama) == [theirs.title]
    assert titles(world.staff_a) == [referred.title]
    assert titles(world.staff_b) == titles(people.member_a) == []
    assert 'href="/consultations/new/"' in html(as_user(world.user_a).get(LIST))
    assert 'href="/consultations/new/"' not in html(as_user(world.staff_a).get(LIST))


def test_a_confidential_consultations_text_is_shown_to_its_parties_only(world, people, ask):
    consultation = ask(confidential=True, description="新合金の組成は社外秘です")
    refer(consultation, people.coordinator, world.inst_a)
    for user in (world.user_a, people.coordinator, world.staff_a):
        body = html(as_user(user).get(page(consultation)))
        assert "新合金の組成は社外秘です" in body and "非公開の相談です" in body
    for user in (world.user_b, world.staff_b, world.secretariat):
        response = as_user(user).get(page(consultation))
        assert response.status_code == 404 and "新合金" not in html(response)


# --- Referring ------------------------------------------------------------------------------------------------
def test_a_coordinator_refers_with_instruments_and_experts(world, people, ask):
    expert = services.save_expert_profile(actor=world.staff_a, listed=True, keywords="破断面", instruments=[world.sem])
    consultation = ask()
    client = as_user(people.coordinator)
    body = html(client.get(page(consultation), {"refer_to": world.inst_a.pk}))  # "refer to this institution"
    form = body.split('id="refer"')[1].split("</form>")[0]
    assert f'<option value="{world.inst_a.pk}" selected>' in form  # picked from the suggestion
    data = {"institution": world.inst_a.pk, "note": "SEMでの観察をお願いします", "instruments": [world.sem.pk]}
    response = client.post(f"{page(consultation)}refer/", {**data, "experts": [expert.pk]}, follow=True)
    referral = Referral.objects.get()
    assert response.redirect_chain[-1][0] == f"{page(consultation)}#referrals"
    assert referral.institution == world.inst_a and list(referral.instruments.all()) == [world.sem]
    assert list(referral.experts.all()) == [expert]
    consultation.refresh_from_db()
    assert consultation.status == "referred"
    assert "SEMでの観察をお願いします" in html(response) and "紹介しました" in html(response)
    assert Notification.objects.filter(recipient=world.staff_a).exists()


def test_a_referral_may_go_to_an_institution_of_another_consortium(world, people, ask):
    consultation = ask()
    data = {"institution": world.inst_c.pk, "note": "ICP-MSはTAMAの機関にあります", "instruments": [people.icp.pk]}
    form = html(as_user(people.coordinator).get(page(consultation))).split('id="refer"')[1]
    assert "他の協議会（広域連携）" in form and world.inst_c.name in form
    as_user(people.coordinator).post(f"{page(consultation)}refer/", data)
    assert Referral.objects.get().institution == world.inst_c
    assert as_user(people.staff_c).get(page(consultation)).status_code == 200


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"instruments": "xrd"}, "id_instruments", "紹介先機関の利用可能な機器を選んでください"),
        ({"note": ""}, "id_note", ""),
        ({"institution": ""}, "id_institution", ""),
    ],
)
def test_a_refused_referral_shows_beside_its_field_keeps_the_input_and_stores_nothing(
    world, people, ask, changes, field, message
):
    consultation = ask()
    data = {"institution": world.inst_a.pk, "note": "観察をお願いします（残るはず）", "instruments": [world.sem.pk]}
    data.update({k: ([world.xrd.pk] if v == "xrd" else v) for k, v in changes.items()})
    before = stored()
    response = as_user(people.coordinator).post(f"{page(consultation)}refer/", data)
    assert response.status_code == 400 and stored() == before
    body = html(response)
    assert message in errors_next_to(body, field) and errors_next_to(body, field)
    if data["note"]:
        assert data["note"] in by_id(body, "id_note").text()


def test_one_institution_is_referred_once_and_the_refusal_is_beside_the_institution(world, people, ask):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    before = stored()
    data = {"institution": world.inst_a.pk, "note": "もう一度"}
    response = as_user(people.coordinator).post(f"{page(consultation)}refer/", data)
    assert response.status_code == 400 and stored() == before
    assert "既に紹介しています" in errors_next_to(html(response), "id_institution")


@pytest.mark.parametrize("name", ["user_a", "admin_a", "staff_a"])
def test_the_company_and_referred_staff_cannot_refer(world, people, ask, name):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    client = as_user(person(world, people, name))
    assert 'id="refer"' not in html(client.get(page(consultation)))
    before = stored()
    for data in ({"institution": world.inst_b.pk, "note": "x"}, {}):
        assert client.post(f"{page(consultation)}refer/", data).status_code == 403
    assert stored() == before


# --- The thread -----------------------------------------------------------------------------------------------
def test_referred_staff_answer_in_the_thread_and_the_company_sees_the_answer(world, people, ask):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    staff = as_user(world.staff_a)
    response = staff.post(
        f"{page(consultation)}messages/", {"message-body": "SEMで観察できます。試料をお送りください。"}
    )
    assert response.status_code == 302 and response["Location"] == f"{page(consultation)}#thread"
    consultation.refresh_from_db()
    assert consultation.status == "answered" and consultation.first_answered_at is not None
    body = html(as_user(world.user_a).get(page(consultation)))
    thread = body.split('id="thread"')[1]
    assert "SEMで観察できます。試料をお送りください。" in thread and world.inst_a.name in thread
    assert "回答あり" in body.split("</h1>")[0]


def test_an_empty_message_is_refused_beside_the_field(world, people, ask):
    consultation = ask()
    before = stored()
    response = as_user(world.user_a).post(f"{page(consultation)}messages/", {"message-body": "  "})
    assert response.status_code == 400 and stored() == before
    assert errors_next_to(html(response), "id_message-body")


def test_staff_cannot_write_before_the_referral(world, people, ask):
    consultation = ask()
    response = as_user(world.staff_a).post(f"{page(consultation)}messages/", {"message-body": "先に"})
    assert response.status_code == 404 and not Message.objects.exists()


@pytest.mark.parametrize("name", ["user_a", "coordinator"])
def test_the_company_or_a_coordinator_closes_with_an_outcome(world, people, ask, name):
    consultation = ask()
    client = as_user(person(world, people, name))
    response = client.post(f"{page(consultation)}close/", {"close-outcome": "resolved"}, follow=True)
    consultation.refresh_from_db()
    assert consultation.status == "closed" and consultation.outcome == "resolved"
    body = html(response)
    assert "この相談は終了しています" in body and 'id="close"' not in body and 'id="refer"' not in body


def test_referred_staff_cannot_close(world, people, ask):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a)
    client = as_user(world.staff_a)
    assert 'id="close"' not in html(client.get(page(consultation)))
    assert client.post(f"{page(consultation)}close/", {"close-outcome": "resolved"}).status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == "referred"


def test_closing_needs_an_outcome_beside_the_field(world, people, ask):
    consultation = ask()
    response = as_user(world.user_a).post(f"{page(consultation)}close/", {"close-outcome": ""})
    assert response.status_code == 400 and errors_next_to(html(response), "id_close-outcome")
    consultation.refresh_from_db()
    assert consultation.status == "new"


def test_a_closed_consultation_refuses_more_with_the_reason_and_keeps_nothing(world, people, ask):
    consultation = ask()
    services.close(actor=world.user_a, consultation=consultation, outcome="no_match")
    before = stored()
    coordinator = as_user(people.coordinator)
    response = coordinator.post(f"{page(consultation)}messages/", {"message-body": "閉じた後の投稿"})
    assert response.status_code == 400 and "終了しています" in html(response)
    response = coordinator.post(f"{page(consultation)}refer/", {"institution": world.inst_a.pk, "note": "後から"})
    assert response.status_code == 400 and "終了しています" in html(response)
    assert stored() == before


# --- Booking from a consultation ------------------------------------------------------------------------------
def test_the_company_links_a_booking_it_requested_and_everyone_sees_it_without_details(world, people, ask, sem, day):
    consultation = ask()
    booking = booking_services.request_booking(
        actor=world.user_a,
        instrument=sem,
        start=at(day, 10),
        end=at(day, 11),
        mode="assisted",
        purpose="秘密の試料の観察",
    )
    client = as_user(world.user_a)
    form = html(client.get(page(consultation))).split('id="bookings"')[1]
    assert f'type="radio" name="link-booking" value="{booking.pk}"' in form
    response = client.post(f"{page(consultation)}bookings/", {"link-booking": booking.pk})
    assert response.status_code == 302
    assert ConsultationBooking.objects.get().booking == booking
    body = html(as_user(people.coordinator).get(page(consultation)))
    linked = body.split('id="bookings"')[1].split("</div>")[0]
    assert sem.name in linked and "秘密の試料" not in body and f"/bookings/{booking.pk}/" not in linked


def test_another_companys_booking_cannot_be_linked(world, people, ask, sem, day):
    consultation = ask()
    theirs = booking_services.request_booking(
        actor=world.user_b, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    response = as_user(world.user_a).post(f"{page(consultation)}bookings/", {"link-booking": theirs.pk})
    assert response.status_code == 400 and errors_next_to(html(response), "id_link-booking")
    assert not ConsultationBooking.objects.exists() and Booking.objects.count() == 1


def test_only_the_company_is_offered_to_book_from_the_consultation(world, people, ask):
    consultation = ask()
    assert 'id="book"' in html(as_user(world.user_a).get(page(consultation)))
    assert 'id="book"' not in html(as_user(people.coordinator).get(page(consultation)))
    assert as_user(people.coordinator).post(f"{page(consultation)}bookings/", {"link-booking": 1}).status_code == 403


# --- Lists: filters and queries -------------------------------------------------------------------------------
def test_the_inbox_filters_by_status_confidential_unreferred_and_text(world, people, ask):
    new = ask(title="ＳＥＭで破断面を見たい")
    secret = ask(title="めっき液の分析", confidential=True)
    referred = ask(title="ボイドの観察")
    refer(referred, people.coordinator, world.inst_a)
    client = as_user(people.coordinator)

    def found(**params):
        body = html(client.get(LIST, params)).split('id="consultations"')[1]
        return sorted(c.pk for c in (new, secret, referred) if page(c) in body)

    assert found() == sorted([new.pk, secret.pk, referred.pk])
    assert found(status="referred") == [referred.pk]
    assert found(confidential="yes") == [secret.pk]
    assert found(confidential="no") == sorted([new.pk, referred.pk])
    assert found(unreferred="on") == sorted([new.pk, secret.pk])
    assert found(q="sem") == found(q="ｓｅｍ") == found(q="ＳＥＭで") == [new.pk]  # width and case ignored
    assert found(q="メッキ") == [secret.pk]  # katakana finds hiragana
    assert found(q=world.company_a.name) == sorted([new.pk, secret.pk, referred.pk])
    assert found(status="lost", page="x") == sorted([new.pk, secret.pk, referred.pk])  # ignored, not an error


def test_the_unreferred_inbox_is_oldest_first_and_marks_the_overdue(world, people, ask):
    from datetime import timedelta

    from django.utils import timezone

    old = ask(title="古い相談", now=timezone.now() - timedelta(days=10))
    recent = ask(title="新しい相談")
    body = html(as_user(people.coordinator).get(LIST, {"unreferred": "on"}))
    assert body.index(page(old)) < body.index(page(recent))
    assert body.count("未紹介2営業日超") == 1


@pytest.mark.parametrize("name", ["user_a", "coordinator", "staff_a"])
def test_the_list_takes_the_same_number_of_queries_for_2_and_10_consultations(
    world, people, ask, name, django_assert_num_queries
):
    client = as_user(person(world, people, name))

    def add(n):
        for i in range(n):
            consultation = ask(title=f"相談 {i}", confidential=bool(i % 2))
            refer(consultation, people.coordinator, world.inst_a)
            refer(consultation, people.coordinator, world.inst_b)

    add(2)
    few = queries_of(lambda: client.get(LIST))
    add(8)
    with django_assert_num_queries(few):
        response = client.get(LIST)
    assert html(response).count('<td data-label="件名">') == 10


def test_the_thread_takes_the_same_number_of_queries_however_long(world, people, ask):
    consultation = ask()
    refer(consultation, people.coordinator, world.inst_a, instruments=[world.sem])
    client = as_user(people.coordinator)
    few = queries_of(lambda: client.get(page(consultation)))
    refer(consultation, people.coordinator, world.inst_c, instruments=[people.icp])
    for i in range(5):
        services.post_message(actor=world.user_a, consultation=consultation, body=f"追加の質問 {i}")
    assert queries_of(lambda: client.get(page(consultation))) == few


# --- The expert directory -------------------------------------------------------------------------------------
@pytest.fixture
def suzuki(world):
    world.staff_a.last_name, world.staff_a.first_name = "鈴木", "一郎"
    world.staff_a.save()
    return services.save_expert_profile(
        actor=world.staff_a,
        listed=True,
        keywords="破断面 フラクトグラフィ ＳＥＭ",
        bio="樹脂・金属のトラブル解析を担当しています。",
        instruments=[world.sem],
    )


@pytest.mark.parametrize("q", ["sem", "ＳＥＭ", "ﾌﾗｸﾄｸﾞﾗﾌｨ", "ふらくとぐらふぃ", "鈴木 破断面", "JSM-IT800"])
def test_the_directory_is_searched_like_the_catalogue(world, suzuki, q):
    body = html(as_user(world.user_b).get(DIRECTORY, {"q": q}))
    assert "鈴木 一郎" in body and f'href="/instruments/{world.sem.pk}/"' in body


def test_the_directory_lists_only_listed_experts_and_filters_by_institution(world, suzuki):
    services.save_expert_profile(actor=world.staff_b, listed=False, keywords="X線回折")
    client = as_user(world.user_b)
    assert "X線回折" not in html(client.get(DIRECTORY))
    assert "鈴木 一郎" not in html(client.get(DIRECTORY, {"q": "存在しない専門"}))
    assert "鈴木 一郎" not in html(client.get(DIRECTORY, {"institution": world.inst_b.pk}))
    assert "鈴木 一郎" in html(client.get(DIRECTORY, {"institution": world.inst_a.pk}))
    assert client.get(DIRECTORY, {"institution": "x", "page": "9"}).status_code == 200


def test_the_directory_takes_the_same_number_of_queries_for_2_and_10_experts(world, suzuki, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            user = UserFactory()
            give_role(user, "staff", institution=world.inst_b)
            services.save_expert_profile(actor=user, listed=True, keywords="X線回折", instruments=[world.xrd])

    add(1)
    client = as_user(world.user_a)
    few = queries_of(lambda: client.get(DIRECTORY))
    add(8)
    with django_assert_num_queries(few):
        assert html(client.get(DIRECTORY)).count('class="card"') == 10


def test_staff_create_and_edit_their_own_entry(world):
    client = as_user(world.staff_a)
    other = InstrumentFactory(institution=world.inst_a, name="卓上SEM", category=world.sem.category)
    data = {"listed": "on", "keywords": "破断面 表面観察", "bio": "SEM担当", "instruments": [world.sem.pk, other.pk]}
    response = client.post(ME, data)
    assert response.status_code == 302 and response["Location"] == ME
    profile = ExpertProfile.objects.get(user=world.staff_a)
    assert profile.listed and profile.institution == world.inst_a
    assert set(profile.instruments.all()) == {world.sem, other}
    body = html(client.get(ME))
    assert "掲載中" in body and 'value="破断面 表面観察"' in body
    client.post(ME, {"keywords": "破断面", "bio": "", "instruments": [world.sem.pk]})
    profile.refresh_from_db()
    assert not profile.listed and list(profile.instruments.all()) == [world.sem]
    assert "破断面" not in html(as_user(world.user_a).get(DIRECTORY))


def test_an_instrument_of_another_institution_is_refused_beside_the_field(world):
    client = as_user(world.staff_a)
    data = {"listed": "on", "keywords": "残るキーワード", "instruments": [world.xrd.pk]}
    response = client.post(ME, data)
    assert response.status_code == 400 and not ExpertProfile.objects.exists()
    body = html(response)
    assert errors_next_to(body, "id_keywords") == "" and 'value="残るキーワード"' in body
    assert errors_next_to(body, "id_instruments_0")


def test_staff_of_two_institutions_choose_one_of_theirs(world):
    give_role(world.staff_a, "staff", institution=world.inst_b)
    client = as_user(world.staff_a)
    response = client.post(ME, {"keywords": "x", "instruments": [world.sem.pk]})
    assert response.status_code == 400 and errors_next_to(html(response), "id_institution")
    response = client.post(ME, {"institution": world.inst_b.pk, "keywords": "x", "instruments": [world.sem.pk]})
    assert response.status_code == 400 and "所属機関の機器を選んでください" in errors_next_to(
        html(response), "id_instruments_0_0"
    )
    assert not ExpertProfile.objects.exists()
    client.post(ME, {"institution": world.inst_b.pk, "keywords": "x", "instruments": [world.xrd.pk]})
    assert ExpertProfile.objects.get().institution == world.inst_b


@pytest.mark.parametrize("name", ["user_a", "coordinator", "secretariat"])
def test_only_staff_have_an_entry(world, people, name):
    client = as_user(person(world, people, name))
    assert client.get(ME).status_code == 403
    assert client.post(ME, {"listed": "on", "keywords": "x"}).status_code == 403
    assert not ExpertProfile.objects.exists()


def test_csrf_is_checked_on_the_consultation_forms(world, people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user_a)
    assert client.post(NEW, {**SEM_PROBLEM, "action": "send"}).status_code == 403
    assert not Consultation.objects.exists()


def test_staff_who_moved_to_another_institution_list_themselves_there(world):
    services.save_expert_profile(actor=world.staff_a, listed=True, keywords="破断面", instruments=[world.sem])
    world.staff_a.roles.all().delete()
    give_role(world.staff_a, "staff", institution=world.inst_b)
    client = as_user(world.staff_a)
    assert client.post(ME, {"listed": "on", "keywords": "X線回折", "instruments": [world.xrd.pk]}).status_code == 302
    profile = ExpertProfile.objects.get()
    assert profile.institution == world.inst_b and list(profile.instruments.all()) == [world.xrd]
