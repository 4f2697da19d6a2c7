"""Operators in a booking's life (docs/operators.md): a request may name one and needs one free, approval assigns
one, staff reassign, the operators are e-mailed, the API and the booking page show and choose them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.errors import DomainError
from bookings import services
from bookings.models import Assignment, Booking
from staffing.models import Absence, LendingAgreement
from tests.bookings.conftest import at, iso
from tests.factories import InstrumentFactory, UserFactory, also_operates, give_role, make_operator

pytestmark = pytest.mark.django_db
URL = "/api/v1/bookings/"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a call and the e-mail tasks it queued after its commit, as a real request does."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def crew(world, sem):
    """Beside staff_a (operator of the SEM): a second operator of institution A, and one lent by institution B
    (English-speaking) under an agreement in force for the SEM."""
    second = make_operator([sem], user=UserFactory(username="op_second", last_name="佐藤", first_name="健"))
    lent_user = UserFactory(username="op_lent", last_name="Smith", first_name="Ann", language="en")
    lent = make_operator([sem], user=lent_user, institution=world.inst_b)
    today = timezone.localdate()
    agreement = LendingAgreement.objects.create(
        consortium=world.hokkaido,
        lender=world.inst_b,
        borrower=world.inst_a,
        operator=lent,
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=90),
        hourly_rate_jpy=4000,
        lender_confirmed_at=timezone.now(),
        borrower_confirmed_at=timezone.now(),
    )
    agreement.instruments.add(sem)
    return world.operator_a, second, lent


def ask(world, day, hour=10, *, mode="assisted", user=None, **extra) -> Booking:
    return services.request_booking(
        actor=user or world.user_a,
        instrument=world.sem,
        start=at(day, hour),
        end=at(day, hour + 1),
        mode=mode,
        **extra,
    )


def away(operator, day, from_hour=8, until_hour=20):
    Absence.objects.create(operator=operator, start=at(day, from_hour), end=at(day, until_hour))


def in_force(booking) -> Assignment | None:
    return Assignment.objects.filter(booking=booking, released_at__isnull=True).select_related("operator").first()


# --- Request -------------------------------------------------------------------------------------------------------
def test_a_request_may_name_a_preferred_operator_who_is_a_candidate(world, sem, day, crew):
    _a, second, _lent = crew
    booking = ask(world, day, preferred_operator=second.id)
    assert booking.preferred_operator == second
    assert in_force(booking) is None  # a pending request reserves nobody


def test_a_preferred_operator_who_is_not_a_candidate_is_refused_on_that_field(world, sem, day, crew):
    stranger = make_operator([world.xrd], user=UserFactory(username="xrd_only"))  # operates only institution B's XRD
    with pytest.raises(DomainError) as refused:
        ask(world, day, preferred_operator=stranger.id)
    assert (refused.value.code, refused.value.field, refused.value.status) == (
        "not_a_candidate",
        "preferred_operator",
        400,
    )
    assert not Booking.objects.exists()


def test_a_self_operated_request_naming_an_operator_is_refused(world, sem, day, crew):
    give_role(world.user_a, "company_admin", company=world.company_a)
    with pytest.raises(DomainError) as refused:
        services.preview_request(
            actor=world.staff_a,
            instrument=sem,
            start=at(day, 10),
            end=at(day, 11),
            mode="self",
            preferred_operator=crew[1].id,
        )
    assert (refused.value.code, refused.value.field) == ("operator_not_needed", "preferred_operator")


@pytest.mark.parametrize("mode", ["assisted", "commissioned"])
def test_an_operated_request_is_refused_when_no_operator_can_take_it(world, sem, day, mode):
    away(world.operator_a, day)
    for call in (services.preview_request, services.request_booking):
        with pytest.raises(DomainError) as refused:
            call(actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode=mode)
        assert (refused.value.code, refused.value.status) == ("no_operator_free", 409)
    assert not Booking.objects.exists()


def test_an_operator_assigned_at_another_instrument_is_not_free_for_a_request(world, sem, day):
    other = InstrumentFactory(institution=world.inst_a, name="蛍光X線分析装置")
    also_operates(world.operator_a, [other])  # staff_a alone runs both
    services.approve(actor=world.staff_a, booking=ask(world, day))
    with pytest.raises(DomainError) as refused:
        services.request_booking(
            actor=world.user_b, instrument=other, start=at(day, 10), end=at(day, 11), mode="commissioned"
        )
    assert refused.value.code == "no_operator_free"
    later = services.request_booking(  # after the operator buffer (the SEM's clean-up), they are free again
        actor=world.user_b, instrument=other, start=at(day, 14), end=at(day, 15), mode="commissioned"
    )
    assert later.status == "pending"


def test_the_request_api_takes_a_preferred_operator(world, sem, day, crew, client_for):
    _a, second, _lent = crew
    body = {"instrument": sem.id, "start": iso(at(day, 10)), "end": iso(at(day, 11)), "mode": "assisted"}
    response = client_for(world.user_a).post(URL, {**body, "preferred_operator": second.id}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["preferred_operator"] == {"id": second.id, "name": "佐藤 健"}
    assert response.data["operator"] is None
    later = {**body, "start": iso(at(day, 13)), "end": iso(at(day, 14)), "preferred_operator": 999999}
    refused = client_for(world.user_b).post(URL, later, format="json")
    assert refused.status_code == 400 and refused.data["code"] == "not_a_candidate", refused.data


# --- Approval ------------------------------------------------------------------------------------------------------
def test_approval_assigns_the_preferred_operator_when_free_and_records_it(world, sem, day, crew):
    _a, second, _lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day, preferred_operator=second.id))
    assert in_force(booking).operator == second
    approved = booking.events.get(action="approve")
    assert approved.data["operator"] == second.id


def test_approval_assigns_the_operator_staff_chose(world, sem, day, crew):
    _a, _second, lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day), operator_id=lent.id)
    assignment = in_force(booking)
    assert assignment.operator == lent and assignment.lent


def test_approval_without_a_free_operator_is_refused_and_writes_nothing(world, sem, day):
    booking = ask(world, day)
    away(world.operator_a, day)
    with pytest.raises(DomainError) as refused:
        services.approve(actor=world.staff_a, booking=booking)
    assert refused.value.code == "no_operator_free"
    booking.refresh_from_db()
    assert booking.status == "pending" and not Assignment.objects.exists()
    assert list(booking.events.values_list("action", flat=True)) == ["request"]


def test_approval_naming_an_operator_who_is_not_free_says_who(world, sem, day, crew):
    _a, second, _lent = crew
    booking = ask(world, day)
    away(second, day)
    with pytest.raises(DomainError) as refused:
        services.approve(actor=world.staff_a, booking=booking, operator_id=second.id)
    assert (refused.value.code, refused.value.status, refused.value.field) == ("operator_not_free", 409, "operator")
    assert "佐藤 健" in refused.value.message and not Assignment.objects.exists()


def test_a_self_operated_approval_reserves_nobody(world, sem, day):
    booking = services.request_booking(
        actor=world.staff_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="self"
    )
    services.approve(actor=world.staff_a, booking=booking)
    assert not Assignment.objects.exists()


# --- Reassignment --------------------------------------------------------------------------------------------------
def test_reassigning_releases_the_old_assignment_and_makes_the_new_one_in_one_step(world, sem, day, crew):
    a, second, _lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day))
    assert in_force(booking).operator == a
    services.reassign_operator(actor=world.staff_a, booking=booking, operator_id=second.id, reason="出張")
    old, new = Assignment.objects.filter(booking=booking).order_by("id")
    assert (old.operator, old.release_reason, old.released_at is not None) == (a, "reassigned", True)
    assert (new.operator, new.released_at) == (second, None)
    event = booking.events.get(action="reassign")
    assert (event.from_status, event.to_status, event.reason) == ("approved", "approved", "出張")
    assert event.data["operator"] == second.id and event.data["released_operator"] == a.id
    assert event.action_label == "担当技術職員を変更"


def test_reassigning_to_someone_not_free_keeps_the_old_assignment(world, sem, day, crew):
    a, second, _lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day))
    away(second, day)
    with pytest.raises(DomainError) as refused:
        services.reassign_operator(actor=world.staff_a, booking=booking, operator_id=second.id)
    assert refused.value.code == "operator_not_free"
    assert in_force(booking).operator == a and Assignment.objects.count() == 1


@pytest.mark.parametrize(
    "case, code",
    [("same", "already_assigned"), ("pending", "invalid_transition"), ("self", "invalid_transition")],
)
def test_reassignment_refusals(world, sem, day, crew, case, code):
    a, second, _lent = crew
    if case == "self":
        booking = services.request_booking(
            actor=world.staff_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="self"
        )
        booking = services.approve(actor=world.staff_a, booking=booking)
    else:
        booking = ask(world, day)
        if case == "same":
            booking = services.approve(actor=world.staff_a, booking=booking)
    with pytest.raises(DomainError) as refused:
        services.reassign_operator(
            actor=world.staff_a, booking=booking, operator_id=a.id if case == "same" else second.id
        )
    assert refused.value.code == code


@pytest.mark.parametrize("who", ["user_a", "staff_b"])
def test_only_staff_of_the_instruments_institution_reassign(world, sem, day, crew, who):
    booking = services.approve(actor=world.staff_a, booking=ask(world, day))
    with pytest.raises(DomainError) as refused:
        services.reassign_operator(actor=getattr(world, who), booking=booking, operator_id=crew[1].id)
    assert (refused.value.code, refused.value.status) == ("not_institution_staff", 403)


# --- E-mails -------------------------------------------------------------------------------------------------------
def mails_to(mailoutbox, user):
    return [m for m in mailoutbox if m.to == [user.email]]


def test_the_operator_assigned_is_emailed_in_their_language_with_what_they_need(
    world, sem, day, crew, send, mailoutbox
):
    _a, _second, lent = crew
    booking = ask(world, day, purpose="破断面の観察", sample="PP樹脂")
    send(services.approve, actor=world.staff_a, booking=booking, operator_id=lent.id)
    (mail,) = mails_to(mailoutbox, lent.user)
    assert mail.subject.startswith("[Kyoyo] You operate:")
    for shown in (sem.name, world.company_a.name, "破断面の観察", "PP樹脂"):
        assert shown in mail.body
    assert "/bookings/" not in mail.body  # lent: the booking's page is the borrower's staff's


def test_a_lent_operator_is_not_told_a_confidential_bookings_purpose(world, sem, day, crew, send, mailoutbox):
    _a, second, lent = crew
    booking = ask(world, day, purpose="極秘の評価", sample="試作品", confidential=True)
    send(services.approve, actor=world.staff_a, booking=booking, operator_id=lent.id)
    (mail,) = mails_to(mailoutbox, lent.user)
    assert "極秘の評価" not in mail.body and "試作品" not in mail.body and world.company_a.name in mail.body
    mailoutbox.clear()
    send(services.reassign_operator, actor=world.staff_a, booking=booking, operator_id=second.id)
    (to_second,) = mails_to(mailoutbox, second.user)
    assert "極秘の評価" in to_second.body  # staff of the institution see it
    (to_lent,) = mails_to(mailoutbox, lent.user)
    assert "You no longer operate" in to_lent.subject and "Another operator has been assigned" in to_lent.body


def test_staff_approving_with_themselves_as_operator_are_not_emailed_about_it(world, sem, day, send, mailoutbox):
    booking = ask(world, day)
    send(services.approve, actor=world.staff_a, booking=booking)
    assert in_force(booking).operator == world.operator_a
    assert mails_to(mailoutbox, world.staff_a) == []


@pytest.mark.parametrize("by", ["staff", "requester"])
def test_a_cancellation_tells_the_operator_once(world, sem, day, crew, send, mailoutbox, by):
    a, second, _lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day), operator_id=second.id)
    actor = world.staff_a if by == "staff" else world.user_a
    send(services.cancel, actor=actor, booking=booking, reason="都合により")
    (mail,) = mails_to(mailoutbox, second.user)  # staff of institution A too: one e-mail, not two
    if by == "staff":
        assert "担当解除" in mail.subject and "取り消されました" in mail.body
    assert in_force(booking) is None
    assert Assignment.objects.get(booking=booking).release_reason == "cancelled"


def test_a_no_show_releases_the_operator_and_tells_them(world, sem, day, crew, send, mailoutbox):
    _a, second, _lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day), operator_id=second.id)
    send(services.mark_no_show, actor=world.staff_a, booking=booking, now=booking.start + timedelta(minutes=5))
    (mail,) = mails_to(mailoutbox, second.user)
    assert "来られませんでした" in mail.body
    assert Assignment.objects.get(booking=booking).release_reason == "no_show"


# --- API -----------------------------------------------------------------------------------------------------------
def test_the_booking_shows_its_operator_to_staff_and_requester(world, sem, day, crew, client_for):
    _a, second, _lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day), operator_id=second.id)
    for user in (world.staff_a, world.user_a):
        data = client_for(user).get(f"{URL}{booking.id}/").json()
        assert data["operator"] == {"id": second.id, "name": "佐藤 健"}, user
    listed = client_for(world.staff_a).get(URL).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["operator"]["id"] == second.id


def test_staff_read_the_offers_free_first_lent_marked(world, sem, day, crew, client_for):
    a, second, lent = crew
    booking = ask(world, day, preferred_operator=lent.id)
    away(second, day)
    response = client_for(world.staff_a).get(f"{URL}{booking.id}/operators/")
    assert response.status_code == 200, response.data
    got = [(o["id"], o["free"], o["lent"], o["preferred"]) for o in response.json()]
    assert got == [(a.id, True, False, False), (lent.id, True, True, True), (second.id, False, False, False)]
    assert response.json()[1]["institution_name"] == world.inst_b.name


def test_approve_and_reassign_through_the_api(world, sem, day, crew, client_for):
    a, second, lent = crew
    staff = client_for(world.staff_a)
    booking = ask(world, day)
    approved = staff.post(f"{URL}{booking.id}/approve/", {"operator": lent.id}, format="json")
    assert approved.status_code == 200, approved.data
    assert approved.data["operator"]["id"] == lent.id
    moved = staff.post(f"{URL}{booking.id}/reassign/", {"operator": second.id, "reason": "出張"}, format="json")
    assert moved.status_code == 200, moved.data
    assert moved.data["operator"]["id"] == second.id
    assert [e["action"] for e in moved.data["events"]] == ["request", "approve", "reassign"]
    away(a, day)
    taken = staff.post(f"{URL}{booking.id}/reassign/", {"operator": a.id}, format="json")
    assert taken.status_code == 409 and taken.data["code"] == "operator_not_free"


def test_approval_through_the_api_without_a_free_operator_is_a_409(world, sem, day, client_for):
    booking = ask(world, day)
    away(world.operator_a, day)
    response = client_for(world.staff_a).post(f"{URL}{booking.id}/approve/", {}, format="json")
    assert response.status_code == 409 and response.data["code"] == "no_operator_free"


@pytest.mark.parametrize(
    "who, status",
    [
        ("user_a", 403),  # the requester: a party, not staff
        ("user_b", 404),  # another company: not theirs to see
        ("staff_b", 404),  # staff of another institution
        ("lent", 404),  # the lent operator themself: not staff of the borrower
    ],
)
def test_others_may_not_read_the_offers_approve_or_reassign(world, sem, day, crew, client_for, who, status):
    user = crew[2].user if who == "lent" else getattr(world, who)
    pending = ask(world, day)
    approved = services.approve(actor=world.staff_a, booking=ask(world, day, hour=13))
    client = client_for(user)
    assert client.get(f"{URL}{pending.id}/operators/").status_code == status
    assert client.post(f"{URL}{pending.id}/approve/", {}, format="json").status_code == status
    response = client.post(f"{URL}{approved.id}/reassign/", {"operator": crew[1].id}, format="json")
    assert response.status_code == status
    if status == 403:
        assert response.data["code"] == "not_institution_staff"
    assert in_force(approved).operator == world.operator_a and in_force(pending) is None


# --- Pages ---------------------------------------------------------------------------------------------------------
def test_the_approval_page_offers_the_operators_free_first_and_the_others_greyed(world, sem, day, crew, client):
    a, second, lent = crew
    booking = ask(world, day, preferred_operator=lent.id)
    away(second, day)
    client.force_login(world.staff_a)
    body = client.get(f"/bookings/{booking.id}/").content.decode()
    form = body.split('id="approve-operators"')[1].split("</fieldset>")[0]
    assert form.index(a.user.display_name) < form.index("Smith") < form.index("佐藤 健")
    assert f"{world.inst_b.name}から応援" in form and "利用者の希望" in form
    assert f'value="{second.id}" disabled' in form and f'value="{lent.id}" checked' in form  # the preferred, free


def test_approving_on_the_page_with_the_chosen_operator(world, sem, day, crew, client):
    _a, second, _lent = crew
    booking = ask(world, day)
    client.force_login(world.staff_a)
    response = client.post(f"/bookings/{booking.id}/approve/", {"approve-operator": second.id, "approve-reason": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert in_force(booking).operator == second
    page = client.get(f"/bookings/{booking.id}/").content.decode()
    assert "佐藤 健" in page and 'id="reassign-operators"' in page


def test_the_page_says_no_operator_is_free_and_the_approval_is_refused(world, sem, day, client):
    booking = ask(world, day)
    away(world.operator_a, day)
    client.force_login(world.staff_a)
    page = client.get(f"/bookings/{booking.id}/").content.decode()
    assert "承認（空いている担当技術職員がいません）" in page
    response = client.post(f"/bookings/{booking.id}/approve/", {"approve-reason": ""})
    assert response.status_code == 400 and "空いている担当技術職員がいません" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == "pending"


def test_reassigning_on_the_page(world, sem, day, crew, client):
    _a, second, _lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day))
    client.force_login(world.staff_a)
    response = client.post(f"/bookings/{booking.id}/reassign/", {"reassign-operator": second.id})
    assert response.status_code == 302
    assert in_force(booking).operator == second
    client.force_login(world.user_a)
    page = client.get(f"/bookings/{booking.id}/").content.decode()
    assert "佐藤 健" in page and 'id="reassign-operators"' not in page and 'id="approve-operators"' not in page


def test_the_request_form_offers_the_candidates_by_name(world, sem, day, crew, client):
    client.force_login(world.user_a)
    body = client.get(f"/instruments/{sem.id}/").content.decode()
    assert "希望する担当技術職員（任意）" in body and "佐藤 健" in body and crew[2].user.display_name in body
    response = client.post(
        f"/instruments/{sem.id}/",
        {
            "start": at(day, 10).strftime("%Y-%m-%dT%H:%M"),
            "end": at(day, 11).strftime("%Y-%m-%dT%H:%M"),
            "mode": "assisted",
            "preferred_operator": crew[1].id,
            "action": "send",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Booking.objects.get().preferred_operator == crew[1]


def test_a_moved_booking_accepted_again_gets_back_the_operator_it_had_when_they_are_free(world, crew, day):
    _first, second, _lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day, 10), operator_id=second.id)
    moved = services.propose(
        actor=world.staff_a, booking=booking, start=at(day, 14), end=at(day, 15), because={"change": "test"}
    )
    assert not Assignment.objects.filter(booking=moved, released_at__isnull=True).exists()  # released: "moved"
    services.accept_proposal(actor=world.user_a, booking=moved)
    # not the first free operator (staff_a, offered first) but the one who had it before the move
    assert Assignment.objects.get(booking=moved, released_at__isnull=True).operator == second


def test_a_moved_booking_whose_operator_is_busy_at_the_new_time_gets_another(world, crew, day):
    _first, second, _lent = crew
    booking = services.approve(actor=world.staff_a, booking=ask(world, day, 10), operator_id=second.id)
    moved = services.propose(
        actor=world.staff_a, booking=booking, start=at(day, 14), end=at(day, 15), because={"change": "test"}
    )
    Absence.objects.create(operator=second, start=at(day, 13), end=at(day, 16))
    services.accept_proposal(actor=world.user_a, booking=moved)
    assert Assignment.objects.get(booking=moved, released_at__isnull=True).operator != second
